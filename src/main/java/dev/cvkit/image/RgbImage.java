package dev.cvkit.image;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2RGB;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGRA2RGB;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_GRAY2RGB;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_RGB2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;

import org.bytedeco.opencv.opencv_core.Mat;

/**
 * An 8-bit RGB image, row-major HWC: {@code rgb[(y * width + x) * 3 + c]}, c = 0 red, 1 green,
 * 2 blue. The detectors' input (the original runtimes take RGB).
 */
public record RgbImage(int width, int height, byte[] rgb) {
    public RgbImage {
        if (width <= 0 || height <= 0 || rgb.length != (long) width * height * 3) {
            throw new IllegalArgumentException("RGB buffer of " + rgb.length + " bytes does not fit " + width + "×" + height);
        }
    }

    /** Copies an 8-bit BGR (or grey / BGRA) OpenCV image into RGB. */
    public static RgbImage fromMat(Mat mat) {
        try (Mat rgb = new Mat()) {
            int code = switch (mat.channels()) {
                case 1 -> COLOR_GRAY2RGB;
                case 4 -> COLOR_BGRA2RGB;
                default -> COLOR_BGR2RGB;
            };
            cvtColor(mat, rgb, code);
            return new RgbImage(rgb.cols(), rgb.rows(), MatBytes.get(rgb));
        }
    }

    /** This image as an 8-bit BGR OpenCV Mat (the caller closes it). */
    public Mat toBgrMat() {
        try (Mat rgbMat = new Mat(height, width,
                CV_8UC3)) {
            rgbMat.data().put(rgb);
            Mat bgr = new Mat();
            cvtColor(rgbMat, bgr, COLOR_RGB2BGR);
            return bgr;
        }
    }

    /** Channel c of pixel (x, y) as 0..255. */
    public int at(int x, int y, int c) {
        return rgb[(y * width + x) * 3 + c] & 0xff;
    }
}
