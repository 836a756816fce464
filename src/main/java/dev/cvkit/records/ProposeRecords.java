package dev.cvkit.records;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.cvkit.image.Resize;
import dev.cvkit.io.Json;
import dev.cvkit.proposals.ProposalMapper;
import dev.cvkit.proposals.Proposer;
import dev.cvkit.timing.Lap;
import dev.cvkit.timing.Stage;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import org.bytedeco.opencv.opencv_core.Mat;

/** propose's work on one decoded image and the JSON line it prints for it. */
public final class ProposeRecords {
    private final Proposer proposer;
    private final int maxSide;
    private final int minSize;
    private final int top;

    /** Boxes [x, y, w, h] in the original image, best-ranked first; {@code ms} counts from the caller's {@code t0}. */
    public record Result(int width, int height, int[][] boxes, double ms) {}

    public ProposeRecords(Proposer proposer, int maxSide, int minSize, int top) {
        this.proposer = proposer;
        this.maxSide = maxSide;
        this.minSize = minSize;
        this.top = top;
    }

    /** Proposals for {@code img} (searched at --max-side, mapped back); {@code t0} is when reading started. */
    public Result propose(Mat img, long t0) {
        return propose(img, t0, Lap.NONE);
    }

    /** As {@link #propose(Mat, long)}, ending each stage on {@code lap}: resizing, the search, mapping back. */
    public Result propose(Mat img, long t0, Lap lap) {
        try (Resize.Scaled small = Resize.toLongerSide(img, maxSide)) {
            lap.end(Stage.PREPROCESS);
            int[][] raw = proposer.propose(small.image());
            lap.end(Stage.INFERENCE);
            int[][] boxes = ProposalMapper.toOriginal(raw, small.scaleX(), small.scaleY(), img.cols(), img.rows(), minSize, top);
            lap.end(Stage.POSTPROCESS);
            return new Result(img.cols(), img.rows(), boxes, (System.nanoTime() - t0) / 1e6);
        }
    }

    /** The record without its time, so that the same image gives the same bytes. */
    public static String line(String file, Result r) {
        return line(file, r, false);
    }

    /** The record: {@code {"file", "width", "height", "proposals": [[x, y, w, h], …][, "ms"]}}; "ms" if {@code timings}. */
    public static String line(String file, Result r, boolean timings) {
        StringWriter sw = new StringWriter();
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(sw)) {
            g.writeStartObject();
            g.writeStringField("file", file);
            g.writeNumberField("width", r.width());
            g.writeNumberField("height", r.height());
            g.writeArrayFieldStart("proposals");
            for (int[] b : r.boxes()) {
                g.writeArray(b, 0, 4);
            }
            g.writeEndArray();
            if (timings) {
                g.writeNumberField("ms", Math.round(r.ms() * 10) / 10.0);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sw.toString();
    }
}
