package dev.cvkit.image;

import dev.cvkit.UserError;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Reads a video file, or a live RTSP stream, frame by frame (FFmpeg through javacv) as 8-bit
 * BGR Mats. Every way the input can be wrong (missing, not a video, no video stream, absurd
 * frame size, a server that refuses or does not answer) is a {@link UserError} with exit code 1.
 */
public final class VideoFrames implements AutoCloseable {
    /** File name extensions treated as videos. */
    public static final Set<String> VIDEO_EXTENSIONS = Set.of("mp4", "avi", "mov", "mkv", "webm", "m4v", "mpg", "mpeg", "wmv", "flv");
    private static final int INPUT_FAILED = 1;
    private static final Pattern AV_ERROR = Pattern.compile("error (-?[0-9]+)");

    private final FFmpegFrameGrabber grabber;
    private final OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();
    private final double timeoutSeconds; // a stream's; 0 for a file
    private int index = -1;
    private long firstTimestamp = Long.MIN_VALUE;
    private double time;

    public VideoFrames(Path path, long maxPixels) {
        if (!Files.isRegularFile(path)) {
            throw new UserError(Files.exists(path) ? "is not a file" : "no such file", INPUT_FAILED);
        }
        grabber = new FFmpegFrameGrabber(path.toFile());
        timeoutSeconds = 0;
        open(maxPixels);
    }

    private VideoFrames(String url, long maxPixels, double timeoutSeconds) {
        grabber = new FFmpegFrameGrabber(url);
        this.timeoutSeconds = timeoutSeconds;
        // RTP interleaved on the RTSP connection: passes firewalls and NAT, and loses no packets
        grabber.setOption("rtsp_transport", "tcp");
        // FFmpeg's socket timeout, in microseconds: a server that stops answering is an error, not a hang
        grabber.setOption("timeout", Long.toString(Math.round(timeoutSeconds * 1e6)));
        open(maxPixels);
    }

    /**
     * Opens a live {@code rtsp://} or {@code rtsps://} stream (RTP over the RTSP TCP connection).
     * Frames come as the server sends them until it ends the stream; a server that sends nothing
     * for {@code timeoutSeconds}, while connecting or later, is an input error.
     */
    public static VideoFrames stream(String url, long maxPixels, double timeoutSeconds) {
        return new VideoFrames(url, maxPixels, timeoutSeconds);
    }

    private void open(long maxPixels) {
        // After the grabber's class set up FFmpeg: its log lines would mix into stderr; failures
        // are reported as one cvkit line instead.
        avutil.av_log_set_level(avutil.AV_LOG_QUIET);
        long started = System.nanoTime();
        try {
            grabber.start();
        } catch (Exception | UnsatisfiedLinkError e) {
            close();
            if (timeoutSeconds > 0) {
                throw new UserError("cannot open the stream (" + (silentFor(started) ? noAnswer() : avError(e.getMessage())) + ")", INPUT_FAILED);
            }
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

    /** True when FFmpeg gave up after the stream timeout rather than at once (refused, bad URL). */
    private boolean silentFor(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1e9 >= timeoutSeconds * 0.9;
    }

    private String noAnswer() {
        return "no answer from the server for " + java.math.BigDecimal.valueOf(timeoutSeconds).stripTrailingZeros().toPlainString()
                + " s (--stream-timeout)";
    }

    /** FFmpeg's own words for the error number in javacv's message ("Connection refused"). */
    private static String avError(String message) {
        Matcher m = message == null ? null : AV_ERROR.matcher(message);
        if (m == null || !m.find()) {
            return firstLine(message);
        }
        byte[] buf = new byte[256];
        avutil.av_strerror(Integer.parseInt(m.group(1)), buf, buf.length);
        int n = 0;
        while (n < buf.length && buf[n] != 0) {
            n++;
        }
        return new String(buf, 0, n, StandardCharsets.UTF_8);
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
     * Seconds from the first frame to the one last returned by {@link #next()}: the frame's
     * index over {@link #fps()} for a file, the sender's timestamps for a stream (whose frame rate
     * may vary).
     */
    public double time() { return time; }

    /** True for a live stream. */
    public boolean live() { return timeoutSeconds > 0; }

    /**
     * The next frame as a BGR Mat owned by this reader (valid until the next call; clone it to
     * keep it), or null at the end.
     */
    public Mat next() {
        long asked = System.nanoTime();
        Frame f;
        try {
            f = grabber.grabImage();
        } catch (Exception e) {
            throw new UserError((live() ? "stream broken after frame " : "corrupt video data after frame ") + index
                    + " (" + firstLine(e.getMessage()) + ")", INPUT_FAILED);
        }
        if (f == null) {
            // FFmpeg ends a stream the same way whether the server closed it or went silent
            if (live() && silentFor(asked)) {
                throw new UserError((index < 0 ? "the stream sent no frame" : "the stream stopped after frame " + index)
                        + ": " + noAnswer(), INPUT_FAILED);
            }
            return null;
        }
        index++;
        if (live()) {
            if (firstTimestamp == Long.MIN_VALUE) {
                firstTimestamp = f.timestamp;
            }
            time = (f.timestamp - firstTimestamp) / 1e6;
        } else {
            time = index / fps();
        }
        return converter.convert(f);
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
