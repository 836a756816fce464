package dev.cvkit.image;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;

import dev.cvkit.UserError;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Reads an image file into an 8-bit BGR {@link Mat} (EXIF orientation applied), turning every
 * way a file can be wrong into a {@link UserError} with exit code 1: missing, unreadable, empty,
 * not an image, truncated, corrupt, or more pixels than allowed.
 */
public final class ImageDecoder {
    private static final int INPUT_FAILED = 1;

    private ImageDecoder() {}

    /** The caller owns (and must close) the returned Mat. */
    public static Mat read(Path path, long maxPixels) {
        byte[] bytes = readBytes(path, maxPixels);
        return decode(bytes, maxPixels);
    }

    public static Mat decode(byte[] bytes, long maxPixels) {
        if (bytes.length == 0) {
            throw new UserError("empty file", INPUT_FAILED);
        }
        ImageHeader header = ImageHeader.sniff(bytes);
        if (header.format() == null) {
            throw new UserError("not an image (unrecognised format)", INPUT_FAILED);
        }
        if (header.pixels() > maxPixels) {
            throw new UserError(String.format(Locale.ROOT, "%d×%d is %d pixels, above the limit of %d (raise --max-pixels)",
                    header.width(), header.height(), header.pixels(), maxPixels), INPUT_FAILED);
        }
        if (header.truncated()) {
            throw new UserError("truncated " + header.format() + " file (it ends before the image data does)", INPUT_FAILED);
        }
        Mat mat;
        try (Mat buf = new Mat(1, bytes.length, org.bytedeco.opencv.global.opencv_core.CV_8UC1)) {
            buf.data().put(bytes);
            mat = imdecode(buf, IMREAD_COLOR);
        } catch (RuntimeException e) {
            throw new UserError("cannot decode " + header.format() + " data (" + firstLine(e.getMessage()) + ")", INPUT_FAILED);
        }
        if (mat == null || mat.empty()) {
            if (mat != null) {
                mat.close();
            }
            throw new UserError("cannot decode " + header.format() + " data (corrupt or unsupported)", INPUT_FAILED);
        }
        if ((long) mat.cols() * mat.rows() > maxPixels) {
            long px = (long) mat.cols() * mat.rows();
            mat.close();
            throw new UserError("image has " + px + " pixels, above the limit of " + maxPixels + " (raise --max-pixels)", INPUT_FAILED);
        }
        return mat;
    }

    static byte[] readBytes(Path path, long maxPixels) {
        try {
            if (Files.isDirectory(path)) {
                throw new UserError("is a folder, not an image", INPUT_FAILED);
            }
            long size = Files.size(path);
            // A compressed image is never much larger than 8 bytes a pixel; refuse absurd files early.
            if (size > Math.min(Integer.MAX_VALUE - 16L, Math.max(64L << 20, maxPixels * 8))) {
                throw new UserError("file of " + size + " bytes is too large for an image under --max-pixels " + maxPixels, INPUT_FAILED);
            }
            return Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new UserError("no such file", INPUT_FAILED);
        } catch (AccessDeniedException e) {
            throw new UserError("permission denied", INPUT_FAILED);
        } catch (IOException e) {
            throw new UserError("cannot read (" + e.getMessage() + ")", INPUT_FAILED);
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
