package dev.cvkit.image;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import java.nio.file.Path;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * An 8-bit image held in a Java array, so datasets and loaders can pass images around without
 * touching OpenCV: {@code data} is row-major HWC, {@code channels} 1 (gray) or 3 (BGR, OpenCV's
 * order).
 */
public record Pixels(int height, int width, int channels, byte[] data) {
    public Pixels {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        if ((long) height * width * channels != data.length) {
            throw new IllegalArgumentException("data length " + data.length + " does not match " + height + "x" + width + "x" + channels);
        }
    }

    /** Decodes an image file (any format OpenCV reads) with {@link ImageDecoder}'s checks. */
    public static Pixels read(Path path, long maxPixels) {
        try (Mat mat = ImageDecoder.read(path, maxPixels)) {
            return of(mat);
        }
    }

    /** Copies an 8-bit 1- or 3-channel Mat. */
    public static Pixels of(Mat mat) {
        int ch = mat.channels();
        if (mat.depth() != org.bytedeco.opencv.global.opencv_core.CV_8U || (ch != 1 && ch != 3)) {
            throw new IllegalArgumentException("expected an 8-bit gray or BGR image, got type " + mat.type());
        }
        byte[] data = MatBytes.get(mat);
        return new Pixels(mat.rows(), mat.cols(), ch, data);
    }

    /** A new Mat holding a copy of the pixels; the caller closes it. */
    public Mat toMat() {
        Mat mat = new Mat(height, width, channels == 1 ? CV_8UC1 : CV_8UC3);
        mat.data().put(data);
        return mat;
    }

    /** Value at row y, column x, channel c. */
    public int at(int y, int x, int c) {
        return data[(y * width + x) * channels + c] & 0xFF;
    }
}
