package dev.cvkit.image;

import static org.bytedeco.opencv.global.opencv_imgproc.FONT_HERSHEY_SIMPLEX;
import static org.bytedeco.opencv.global.opencv_imgproc.GaussianBlur;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_AA;
import static org.bytedeco.opencv.global.opencv_imgproc.getTextSize;
import static org.bytedeco.opencv.global.opencv_imgproc.putText;
import static org.bytedeco.opencv.global.opencv_imgproc.rectangle;

import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Annotates BGR images with detections: a box and a "label score" tag per detection in a colour
 * per class (no tag when its text is empty); blurring regions (anonymising faces); cropping.
 */
public final class BoxDrawing {
    /** One box to draw, in pixels, with its tag text and class index (picks the colour). */
    public record Box(double x, double y, double w, double h, String text, int classIndex) {}

    private BoxDrawing() {}

    /** A distinct, stable BGR colour per class (hues spaced by the golden angle). */
    public static Scalar colour(int classIndex) {
        double hue = (classIndex * 137.508) % 360;
        double s = 0.85, v = 0.95, c = v * s, hp = hue / 60, x = c * (1 - Math.abs(hp % 2 - 1)), m = v - c;
        double r, g, b;
        if (hp < 1) { r = c; g = x; b = 0; }
        else if (hp < 2) { r = x; g = c; b = 0; }
        else if (hp < 3) { r = 0; g = c; b = x; }
        else if (hp < 4) { r = 0; g = x; b = c; }
        else if (hp < 5) { r = x; g = 0; b = c; }
        else { r = c; g = 0; b = x; }
        return new Scalar(255 * (b + m), 255 * (g + m), 255 * (r + m), 0);
    }

    /** Draws boxes and tags onto {@code img} (in place); line width and font scale with the image. */
    public static void draw(Mat img, List<Box> boxes) {
        double scale = Math.max(0.4, Math.min(img.rows(), img.cols()) / 800.0);
        int thick = Math.max(1, (int) Math.round(2 * scale));
        for (Box b : boxes) {
            try (Scalar col = colour(b.classIndex())) {
                Rect r = clip(img, b.x(), b.y(), b.w(), b.h());
                if (r == null) {
                    continue;
                }
                rectangle(img, new Point(r.x(), r.y()), new Point(r.x() + r.width() - 1, r.y() + r.height() - 1), col, thick, LINE_AA, 0);
                if (b.text() == null || b.text().isEmpty()) {
                    continue;
                }
                String t = ascii(b.text());
                int[] base = new int[1];
                int tw, th;
                try (Size sz = getTextSize(t, FONT_HERSHEY_SIMPLEX, 0.5 * scale, thick, base)) {
                    tw = sz.width();
                    th = sz.height();
                }
                int pad = Math.max(2, (int) Math.round(3 * scale));
                int top = r.y() - th - base[0] - 2 * pad >= 0 ? r.y() - th - base[0] - 2 * pad : r.y();
                rectangle(img, new Point(r.x(), top), new Point(r.x() + tw + 2 * pad, top + th + base[0] + 2 * pad), col, -1, LINE_AA, 0);
                try (Scalar black = new Scalar(20, 20, 20, 0)) {
                    putText(img, t, new Point(r.x() + pad, top + pad + th), FONT_HERSHEY_SIMPLEX, 0.5 * scale, black, thick, LINE_AA, false);
                }
            }
        }
    }

    /** Blurs each box region strongly enough that a face is unrecognisable (in place). */
    public static void blur(Mat img, List<Box> boxes) {
        for (Box b : boxes) {
            Rect r = clip(img, b.x(), b.y(), b.w(), b.h());
            if (r == null) {
                continue;
            }
            int k = Math.max(3, (Math.max(r.width(), r.height()) / 3) | 1);
            try (Mat roi = new Mat(img, r); Size ks = new Size(k, k)) {
                GaussianBlur(roi, roi, ks, 0);
            }
        }
    }

    /** A copy of the box region, or null if the box lies outside the image. */
    public static Mat crop(Mat img, Box b) {
        Rect r = clip(img, b.x(), b.y(), b.w(), b.h());
        if (r == null) {
            return null;
        }
        try (Mat roi = new Mat(img, r)) {
            return roi.clone();
        }
    }

    private static Rect clip(Mat img, double x, double y, double w, double h) {
        int x0 = (int) Math.max(0, Math.floor(x)), y0 = (int) Math.max(0, Math.floor(y));
        int x1 = (int) Math.min(img.cols(), Math.ceil(x + w)), y1 = (int) Math.min(img.rows(), Math.ceil(y + h));
        return x1 - x0 < 1 || y1 - y0 < 1 ? null : new Rect(x0, y0, x1 - x0, y1 - y0);
    }

    /** OpenCV's Hershey fonts draw ASCII only. */
    private static String ascii(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(c >= 32 && c < 127 ? c : '?');
        }
        return b.toString();
    }
}
