package dev.cvkit.image;

import dev.cvkit.UserError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Reads a video file frame by frame (FFmpeg through javacv) as 8-bit BGR Mats. Every way the
 * file can be wrong (missing, not a video, no video stream, absurd frame size) is a
 * {@link UserError} with exit code 1.
 */
public final class VideoFrames implements AutoCloseable {
    /** File name extensions treated as videos. */
    public static final Set<String> VIDEO_EXTENSIONS = Set.of("mp4", "avi", "mov", "mkv", "webm", "m4v", "mpg", "mpeg", "wmv", "flv");
    private static final int INPUT_FAILED = 1;

    private final FFmpegFrameGrabber grabber;
    private final OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();
    private int index = -1;

    public VideoFrames(Path path, long maxPixels) {
        if (!Files.isRegularFile(path)) {
            throw new UserError(Files.exists(path) ? "is not a file" : "no such file", INPUT_FAILED);
        }
        grabber = new FFmpegFrameGrabber(path.toFile());
        // After the grabber's class set up FFmpeg: its log lines would mix into stderr; failures
        // are reported as one cvkit line instead.
        avutil.av_log_set_level(avutil.AV_LOG_QUIET);
        try {
            grabber.start();
        } catch (Exception | UnsatisfiedLinkError e) {
            close();
            throw new UserError("cannot open as a video (" + firstLine(e.getMessage()) + ")", INPUT_FAILED);
        }
        if (grabber.getImageWidth() <= 0 || grabber.getImageHeight() <= 0) {
            close();
            throw new UserError("has no video stream", INPUT_FAILED);
        }
        if ((long) grabber.getImageWidth() * grabber.getImageHeight() > maxPixels) {
            close();
            throw new UserError("frames of " + grabber.getImageWidth() + "×" + grabber.getImageHeight()
                    + " are above the limit of " + maxPixels + " pixels (raise --max-pixels)", INPUT_FAILED);
        }
    }

    public static boolean isVideoName(Path p) {
        String name = p.getFileName() == null ? "" : p.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && VIDEO_EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    public int width() { return grabber.getImageWidth(); }

    public int height() { return grabber.getImageHeight(); }

    /** Frames per second as the container says (25 if it does not). */
    public double fps() {
        double f = grabber.getFrameRate();
        return f > 0 && Double.isFinite(f) ? f : 25;
    }

    /** Index (from 0) of the frame last returned by {@link #next()}. */
    public int index() { return index; }

    /**
     * The next frame as a BGR Mat owned by this reader (valid until the next call; clone it to
     * keep it), or null at the end.
     */
    public Mat next() {
        try {
            Frame f = grabber.grabImage();
            if (f == null) {
                return null;
            }
            index++;
            return converter.convert(f);
        } catch (Exception e) {
            throw new UserError("corrupt video data after frame " + index + " (" + firstLine(e.getMessage()) + ")", INPUT_FAILED);
        }
    }

    @Override
    public void close() {
        try {
            grabber.close();
        } catch (Exception ignored) {
            // nothing useful to report about closing a reader
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
