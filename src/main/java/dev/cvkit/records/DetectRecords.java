package dev.cvkit.records;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.detection.DetectParams;
import dev.cvkit.detection.Detection;
import dev.cvkit.detection.Detector;
import dev.cvkit.image.RgbImage;
import dev.cvkit.timing.Lap;
import dev.cvkit.timing.Stage;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;
import org.bytedeco.opencv.opencv_core.Mat;

/** detect's work on one decoded image (or video frame) and the JSON object it prints for it. */
public final class DetectRecords {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Detector det;
    private final DetectParams params;
    private final Set<Integer> keep;

    /** What one image or video frame produced; frame = -1 for an image. */
    public record Result(int width, int height, List<Detection> detections, long ms, int frame, double time) {}

    /** {@code keep}: the class indices to report, or null for all. */
    public DetectRecords(Detector det, DetectParams params, Set<Integer> keep) {
        this.det = det;
        this.params = params;
        this.keep = keep;
    }

    public Detector detector() { return det; }

    /** Detects in an 8-bit BGR image; {@code ms} times the detector alone, not the decoding. */
    public Result detect(Mat bgr, int frame, double time) {
        return detect(bgr, frame, time, Lap.NONE);
    }

    /** As {@link #detect(Mat, int, double)}, ending each stage on {@code lap} (decoding is the caller's, before). */
    public Result detect(Mat bgr, int frame, double time, Lap lap) {
        RgbImage img = RgbImage.fromMat(bgr);
        long t0 = System.nanoTime();
        List<Detection> found = det.detect(img, params, lap);
        if (keep != null) {
            found = found.stream().filter(d -> keep.contains(d.classIndex())).toList();
        }
        lap.end(Stage.POSTPROCESS);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        return new Result(img.width(), img.height(), found, ms, frame, time);
    }

    /** The record without its time, so that the same image gives the same bytes. */
    public ObjectNode json(String file, Result r) {
        return json(file, r, false);
    }

    /** The record: {@code {"file", ["frame", "time",] "width", "height", "detections"[, "ms"]}}; "ms" if {@code timings}. */
    public ObjectNode json(String file, Result r, boolean timings) {
        ObjectNode o = JSON.createObjectNode();
        o.put("file", file);
        if (r.frame() >= 0) {
            o.put("frame", r.frame());
            o.put("time", Math.round(r.time() * 1000) / 1000.0);
        }
        o.put("width", r.width());
        o.put("height", r.height());
        ArrayNode ds = o.putArray("detections");
        for (Detection d : r.detections()) {
            ObjectNode j = ds.addObject();
            ArrayNode b = j.putArray("bbox");
            for (double v : d.cocoBox()) b.add(v);
            j.put("score", d.cocoScore());
            j.put("category_id", det.categoryIds().get(d.classIndex()));
            j.put("label", d.label());
        }
        if (timings) {
            o.put("ms", r.ms());
        }
        return o;
    }

    /** The record as one JSON line (no newline), without its time. */
    public String line(String file, Result r) {
        return line(file, r, false);
    }

    /** The record as one JSON line (no newline); with its "ms" if {@code timings}. */
    public String line(String file, Result r, boolean timings) {
        try {
            return JSON.writeValueAsString(json(file, r, timings));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
