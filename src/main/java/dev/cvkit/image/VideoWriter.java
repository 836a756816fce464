package dev.cvkit.image;

import java.io.IOException;
import dev.cvkit.io.AtomicFiles;
import dev.cvkit.io.TempFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Writes BGR frames as a video, atomically: into a temporary file beside the target, renamed
 * over it by {@link #commit()}; closing without commit deletes the temporary file. MPEG-4 part 2
 * for .mp4/.mov/.mkv/.m4v, Motion JPEG for .avi (both built into FFmpeg, no GPL codecs).
 */
public final class VideoWriter implements AutoCloseable {
    private final Path target;
    private final Path tmp;
    private final FFmpegFrameRecorder recorder;
    private final OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();
    private boolean committed;

    /** {@code target}'s extension must be one of {@link #extensionFor}'s results. */
    public VideoWriter(Path target, int width, int height, double fps) throws IOException {
        this.target = AtomicFiles.destination(target);
        Files.createDirectories(this.target.getParent());
        String ext = extension(target);
        // registered for deletion on SIGINT/SIGTERM, and rw-r--r-- like every other output
        this.tmp = TempFiles.create(this.target, "." + ext);
        recorder = new FFmpegFrameRecorder(tmp.toFile(), width, height);
        avutil.av_log_set_level(avutil.AV_LOG_QUIET); // after javacv's setup: no FFmpeg chatter on stderr
        if (ext.equals("avi")) {
            recorder.setFormat("avi");
            recorder.setVideoCodec(avcodec.AV_CODEC_ID_MJPEG);
            recorder.setPixelFormat(avutil.AV_PIX_FMT_YUVJ420P);
        } else {
            recorder.setFormat(ext.equals("mkv") ? "matroska" : ext.equals("m4v") ? "mp4" : ext);
            recorder.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
            recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
        }
        recorder.setVideoQuality(2); // high quality (qscale 2): annotations stay readable
        recorder.setFrameRate(fps);
        try {
            recorder.start();
        } catch (FFmpegFrameRecorder.Exception e) {
            TempFiles.discard(tmp);
            throw new IOException("cannot write video " + target + " (" + e.getMessage() + ")", e);
        }
    }

    /** The output extension for an input video: its own where cvkit can write it, else avi. */
    public static String extensionFor(Path input) {
        String ext = extension(input);
        return switch (ext) {
            case "mp4", "mov", "mkv", "m4v", "avi" -> ext;
            default -> "avi";
        };
    }

    private static String extension(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = n.lastIndexOf('.');
        return dot < 0 ? "" : n.substring(dot + 1);
    }

    public void write(Mat bgr) throws IOException {
        try {
            recorder.record(converter.convert(bgr));
        } catch (FFmpegFrameRecorder.Exception e) {
            throw new IOException("cannot encode a frame of " + target + " (" + e.getMessage() + ")", e);
        }
    }

    /** Finishes the file and moves it into place. */
    public void commit() throws IOException {
        try {
            recorder.stop();
            recorder.release();
        } catch (FFmpegFrameRecorder.Exception e) {
            throw new IOException("cannot finish video " + target + " (" + e.getMessage() + ")", e);
        }
        AtomicFiles.install(tmp, target);
        committed = true;
    }

    @Override
    public void close() throws IOException {
        if (!committed) {
            try {
                recorder.close();
            } catch (FFmpegFrameRecorder.Exception ignored) {
                // the partial file is deleted below
            }
            TempFiles.discard(tmp);
        }
    }
}
