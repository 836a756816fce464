package dev.cvkit.image;

import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/** Resizing that remembers the scale, so results can be mapped back to the original pixels. */
public final class Resize {
    private Resize() {}

    /** A resized image and the factor new/original (the same on both axes up to rounding). */
    public record Scaled(Mat image, double scaleX, double scaleY, boolean owned) implements AutoCloseable {
        @Override
        public void close() {
            if (owned) {
                image.close();
            }
        }
    }

    /**
     * Scales so the longer side is {@code maxSide} (INTER_AREA when shrinking, linear when
     * enlarging, as OpenCV's selective-search reference does); 0 or an equal side keeps the image.
     */
    public static Scaled toLongerSide(Mat src, int maxSide) {
        int w = src.cols();
        int h = src.rows();
        int longer = Math.max(w, h);
        if (maxSide <= 0 || longer == maxSide) {
            return new Scaled(src, 1, 1, false);
        }
        double s = maxSide / (double) longer;
        int nw = Math.max(1, (int) Math.round(w * s));
        int nh = Math.max(1, (int) Math.round(h * s));
        Mat dst = new Mat();
        resize(src, dst, new Size(nw, nh), 0, 0, s < 1 ? INTER_AREA : INTER_LINEAR);
        return new Scaled(dst, nw / (double) w, nh / (double) h, true);
    }
}
