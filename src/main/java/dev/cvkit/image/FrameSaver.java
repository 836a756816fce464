package dev.cvkit.image;

import dev.cvkit.UserError;
import dev.cvkit.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Where {@code --save DIR} puts the processed frames of a video input. A file gives one video,
 * {@code DIR/STEM.EXT} ({@link VideoWriter#extensionFor}) at the kept frames' rate, installed
 * by {@link #commit()}; a live stream gives one JPEG per frame, {@code DIR/STEM_fNNNNNN.jpg}
 * (the frame's index), so a stream stopped by Ctrl-C keeps every frame written so far.
 */
public final class FrameSaver implements AutoCloseable {
    private static final int INPUT_FAILED = 1;

    private final Path dir;
    private final String stem;
    private final VideoWriter writer; // null for a stream

    private FrameSaver(Path dir, String stem, VideoWriter writer) {
        this.dir = dir;
        this.stem = stem;
        this.writer = writer;
    }

    /**
     * The saver for {@code frames} read from {@code input} (a file) or a stream; {@code stem} is
     * the input's relative path without its extension. A video that would replace its input is
     * an input error.
     */
    public static FrameSaver open(Path dir, String stem, Path input, StridedFrames frames) throws IOException {
        if (frames.live()) {
            return new FrameSaver(dir, stem, null);
        }
        Path target = dir.resolve(stem + "." + VideoWriter.extensionFor(input));
        if (target.toAbsolutePath().normalize().equals(input.toAbsolutePath().normalize())) {
            throw new UserError("--save would overwrite the input", INPUT_FAILED);
        }
        return new FrameSaver(dir, stem, new VideoWriter(target, frames.width(), frames.height(), frames.keptFps()));
    }

    /** Adds frame {@code index} (BGR, the input's size). */
    public void write(Mat bgr, int index) throws IOException {
        if (writer != null) {
            writer.write(bgr);
        } else {
            AtomicFiles.write(dir.resolve(String.format(Locale.ROOT, "%s_f%06d.jpg", stem, index)), ImageEncoder.encode(bgr, "jpg"));
        }
    }

    /** Finishes a video file and moves it into place (a stream's frames are already in place). */
    public void commit() throws IOException {
        if (writer != null) {
            writer.commit();
        }
    }

    /** Without {@link #commit()}, drops the unfinished video. */
    @Override
    public void close() throws IOException {
        if (writer != null) {
            writer.close();
        }
    }
}
