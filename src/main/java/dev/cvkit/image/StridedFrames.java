package dev.cvkit.image;

import dev.cvkit.UserError;
import dev.cvkit.timing.Lap;
import dev.cvkit.timing.StageTimes;
import java.nio.file.Path;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * The frames that {@code --vid-stride N} keeps of a video file or a live stream: frame 0, N, 2N
 * … Each comes with its stage clock started just before its own decoding, so a skipped frame's
 * decoding is charged to no frame. An input that ends before its first frame is an input error.
 */
public final class StridedFrames implements AutoCloseable {
    private static final int INPUT_FAILED = 1;

    /** A kept frame: the BGR image (owned by the reader, valid until the next call), its index from 0, its time in seconds. */
    public record Frame(Mat bgr, int index, double time, Lap lap) {}

    private final VideoFrames frames;
    private final int stride;
    private final StageTimes times;
    private boolean any;

    private StridedFrames(VideoFrames frames, int stride, StageTimes times) {
        if (stride < 1) {
            frames.close();
            throw new IllegalArgumentException("stride " + stride);
        }
        this.frames = frames;
        this.stride = stride;
        this.times = times;
    }

    /** A video file; {@code times} may be null (nothing timed). */
    public static StridedFrames file(Path video, long maxPixels, int stride, StageTimes times) {
        return new StridedFrames(new VideoFrames(video, maxPixels), stride, times);
    }

    /** A live {@code rtsp://} stream ({@link VideoFrames#stream}). */
    public static StridedFrames stream(String url, long maxPixels, double timeoutSeconds, int stride, StageTimes times) {
        return new StridedFrames(VideoFrames.stream(url, maxPixels, timeoutSeconds), stride, times);
    }

    public int width() { return frames.width(); }

    public int height() { return frames.height(); }

    /** The frame rate of the kept frames: the container's over the stride. */
    public double keptFps() { return frames.fps() / stride; }

    public boolean live() { return frames.live(); }

    /** The next kept frame, or null at the end of the input. */
    public Frame next() {
        while (true) {
            Lap lap = times == null ? Lap.NONE : times.start();
            Mat bgr = frames.next();
            if (bgr == null) {
                if (!any) {
                    throw new UserError(live() ? "the stream ended before its first frame" : "video has no frames", INPUT_FAILED);
                }
                return null;
            }
            if (frames.index() % stride == 0) {
                any = true;
                return new Frame(bgr, frames.index(), frames.time(), lap);
            }
        }
    }

    @Override
    public void close() {
        frames.close();
    }
}
