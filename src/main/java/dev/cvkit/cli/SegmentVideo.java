package dev.cvkit.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.UserError;
import dev.cvkit.image.FrameSaver;
import dev.cvkit.image.RgbImage;
import dev.cvkit.image.StridedFrames;
import dev.cvkit.image.VideoFrames;
import dev.cvkit.io.InputItem;
import dev.cvkit.io.UrlInputs;
import dev.cvkit.records.SegmentRecords;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * segment's inputs of every kind, for both model kinds: an image, each kept frame
 * ({@code --vid-stride}) of a video file, or of an {@code rtsp://} stream as it arrives. A
 * frame's --masks and --alpha PNGs go into a folder named after the video's whole relative
 * path, extension included: {@code DIR/sub/clip.mp4/f000012.png} for frame 12 of
 * {@code sub/clip.mp4} (a path is a file or a folder, never both, so no image's output and no
 * other video's lands there). --save writes the drawn frames as a video (streams: per-frame
 * JPEGs), through the same {@link StridedFrames} and {@link FrameSaver} as detect.
 */
final class SegmentVideo {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One segmented picture: frame -1 (and time 0) for an image. */
    record Framed(SegmentRecords.Result r, int frame, double time) {}

    /** What one input gave: its image's or video's results; a stream's come from {@code live} as they arrive. */
    record Output(List<Framed> results, Live live) {}

    /** Draws the --save picture (BGR) of a segmented image; the mode's own drawing. */
    @FunctionalInterface
    interface Drawing {
        Mat draw(RgbImage img, SegmentRecords.Result r) throws IOException;
    }

    /** Writes an image input's files (the mode's own naming, unchanged); returns its result. */
    @FunctionalInterface
    interface ImageStep {
        SegmentRecords.Result run(InputItem item) throws IOException;
    }

    private final SegmentRecords records;
    private final boolean soft;
    private final Path masks;
    private final Path alpha;
    private final Path save;
    private final Drawing drawing;
    private final int stride;
    private final double streamTimeout;
    private final long maxPixels;

    SegmentVideo(SegmentRecords records, boolean soft, Path masks, Path alpha, Path save, Drawing drawing, SegmentCommand c) {
        this.records = records;
        this.soft = soft;
        this.masks = masks;
        this.alpha = alpha;
        this.save = save;
        this.drawing = drawing;
        this.stride = c.vidStride;
        this.streamTimeout = c.streamTimeout;
        this.maxPixels = c.input.maxPixels;
    }

    /** The batch task: streams, videos and images. */
    BatchRunner.StreamTask<Output> task(ImageStep image) {
        return item -> UrlInputs.isStream(item.given()) ? stream(item)
                : VideoFrames.isVideoName(item.path()) ? video(item)
                : new Output(List.of(new Framed(image.run(item), -1, 0)), null);
    }

    private Output video(InputItem item) throws IOException {
        List<Framed> results = new ArrayList<>();
        try (StridedFrames frames = StridedFrames.file(item.path(), maxPixels, stride, null);
             FrameSaver saver = save == null ? null : FrameSaver.open(save, stem(item), item.path(), frames)) {
            for (StridedFrames.Frame f; (f = frames.next()) != null; ) {
                results.add(frame(f, item, saver));
            }
            if (saver != null) saver.commit();
        }
        return new Output(results, null);
    }

    private Output stream(InputItem item) throws IOException {
        StridedFrames frames = StridedFrames.stream(item.source(), maxPixels, streamTimeout, stride, null);
        return new Output(List.of(), new Live(frames, save == null ? null : FrameSaver.open(save, stem(item), item.path(), frames), item));
    }

    /** Segments one kept frame and writes its --masks, --alpha and --save outputs. */
    private Framed frame(StridedFrames.Frame f, InputItem item, FrameSaver saver) throws IOException {
        RgbImage img = RgbImage.fromMat(f.bgr());
        SegmentRecords.Result r = records.segment(img, soft);
        String name = item.relative().toString().replace('\\', '/') + String.format(Locale.ROOT, "/f%06d", f.index());
        Path input = UrlInputs.isStream(item.given()) ? null : item.path(); // a stream's path is only its output name
        if (alpha != null) SegmentCommand.write(alpha, records.alpha(name, r), input);
        if (masks != null) {
            for (SegmentRecords.OutputFile o : records.masks(name, r)) SegmentCommand.write(masks, o, input);
        }
        if (saver != null) {
            try (Mat drawn = drawing.draw(img, r)) {
                saver.write(drawn, f.index());
            }
        }
        return new Framed(r, f.index(), f.time());
    }

    private static String stem(InputItem item) {
        return SegmentRecords.stem(item.relative().toString());
    }

    /** A stream's kept frames, segmented as they arrive. */
    final class Live implements AutoCloseable {
        private final StridedFrames frames;
        private final FrameSaver saver;
        private final InputItem item;

        Live(StridedFrames frames, FrameSaver saver, InputItem item) {
            this.frames = frames;
            this.saver = saver;
            this.item = item;
        }

        /** The next frame's result, or null when the server ended the stream. */
        Framed next() throws IOException {
            StridedFrames.Frame f = frames.next();
            return f == null ? null : frame(f, item, saver);
        }

        @Override
        public void close() {
            frames.close();
        }
    }

    /**
     * Hands an input's results to {@code print}, a stream's as each frame arrives (it may never
     * end); a stream that breaks is reported in one line and gives false, the records so far stand.
     */
    static boolean each(InputItem item, Output o, BatchRunner.Sink<Framed> print, Progress progress, PrintWriter err, boolean debug)
            throws Exception {
        for (Framed f : o.results()) print.accept(item, f);
        if (o.live() == null) return true;
        try (Live live = o.live()) {
            for (Framed f; (f = live.next()) != null; ) print.accept(item, f);
            return true;
        } catch (UserError | IOException e) {
            progress.clearLine();
            BatchRunner.reportFailure(item, e, err, debug);
            return false;
        }
    }

    /** The record of an image, or of a frame with "frame" and "time" after "file" (as detect's). */
    static ObjectNode json(SegmentRecords records, String file, Framed f) {
        ObjectNode plain = records.json(file, f.r());
        if (f.frame() < 0) return plain;
        ObjectNode n = JSON.createObjectNode();
        for (Iterator<Map.Entry<String, com.fasterxml.jackson.databind.JsonNode>> it = plain.fields(); it.hasNext(); ) {
            Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> e = it.next();
            n.set(e.getKey(), e.getValue());
            if (e.getKey().equals("file")) {
                n.put("frame", f.frame());
                n.put("time", Math.round(f.time() * 1000) / 1000.0);
            }
        }
        return n;
    }

    static String line(SegmentRecords records, String file, Framed f) {
        try {
            return JSON.writeValueAsString(json(records, file, f));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The name of an image, or {@code FILE #N} for frame N of a video (table and CSV rows, as detect's). */
    static String name(String given, Framed f) {
        return f.frame() < 0 ? given : given + " #" + f.frame();
    }

    /** A drawn picture (TYPE_INT_RGB) as a BGR Mat for the video writer. */
    static Mat bgr(BufferedImage img) {
        int w = img.getWidth(), h = img.getHeight();
        int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
        byte[] rgb = new byte[3 * w * h];
        for (int i = 0; i < argb.length; i++) {
            rgb[3 * i] = (byte) (argb[i] >> 16);
            rgb[3 * i + 1] = (byte) (argb[i] >> 8);
            rgb[3 * i + 2] = (byte) argb[i];
        }
        return new RgbImage(w, h, rgb).toBgrMat();
    }

    /** One warning line (unless quiet) for the videos --coco leaves out. */
    static void warnVideos(PrintWriter err, List<String> videos, boolean quiet) {
        if (quiet || videos.isEmpty()) return;
        err.println("cvkit: warning: --coco covers images only; left out " + videos.size() + " video(s): "
                + String.join(", ", videos.size() <= 8 ? videos : videos.subList(0, 8)) + (videos.size() > 8 ? ", ..." : ""));
    }
}
