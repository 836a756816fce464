package dev.cvkit.image;

import static org.bytedeco.opencv.global.opencv_imgproc.GaussianBlur;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;

/** OpenCV operations on {@link RgbImage}s for code that must not hold Mats itself (data generators). */
public final class RgbOps {
    private RgbOps() {}

    /** The region (x, y, w, h) of {@code img}, scaled to {@code outW × outH} (area interpolation when shrinking). */
    public static RgbImage cropResize(RgbImage img, int x, int y, int w, int h, int outW, int outH) {
        if (x < 0 || y < 0 || w <= 0 || h <= 0 || x + w > img.width() || y + h > img.height()) {
            throw new IllegalArgumentException("crop " + x + "," + y + " " + w + "×" + h + " outside " + img.width() + "×" + img.height());
        }
        try (Mat bgr = img.toBgrMat(); Mat roi = new Mat(bgr, new Rect(x, y, w, h)); Mat out = new Mat()) {
            resize(roi, out, new Size(outW, outH), 0, 0, outW < w ? INTER_AREA : INTER_LINEAR);
            return RgbImage.fromMat(out);
        }
    }

    /** Gaussian blur with standard deviation {@code sigma} pixels (kernel from sigma). */
    public static RgbImage gaussianBlur(RgbImage img, double sigma) {
        try (Mat bgr = img.toBgrMat(); Mat out = new Mat()) {
            GaussianBlur(bgr, out, new Size(0, 0), sigma, sigma, org.bytedeco.opencv.global.opencv_core.BORDER_REFLECT_101, 0);
            return RgbImage.fromMat(out);
        }
    }

    /** The image encoded as {@code ext} ("jpg", "png"). */
    public static byte[] encode(RgbImage img, String ext) {
        try (Mat bgr = img.toBgrMat()) {
            return ImageEncoder.encode(bgr, ext);
        }
    }
}
