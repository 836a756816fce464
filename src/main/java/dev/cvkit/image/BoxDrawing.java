package dev.cvkit.image;

import static org.bytedeco.opencv.global.opencv_imgproc.FONT_HERSHEY_SIMPLEX;
import static org.bytedeco.opencv.global.opencv_imgproc.GaussianBlur;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_AA;
import static org.bytedeco.opencv.global.opencv_imgproc.getTextSize;
import static org.bytedeco.opencv.global.opencv_imgproc.putText;
import static org.bytedeco.opencv.global.opencv_imgproc.rectangle;

import java.util.ArrayList;
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

    /** Line width in pixels for an image: about 0.3 % of its mean side, as Ultralytics sizes it, at least 1. */
    public static int lineWidth(int rows, int cols) {
        return Math.max(1, (int) Math.round((rows + cols) / 2.0 * 0.003));
    }

    /** Font scale of the tags for a line width (a third of it) and the font's stroke. */
    private static double fontScale(int lw) { return lw / 3.0; }

    private static int fontThickness(int lw) { return Math.max(lw - 1, 1); }

    /**
     * Where each box's tag goes in an image of {@code rows × cols} (null for a box without text or
     * outside the image): tags of better boxes (earlier in the list) get the first free spot, so
     * no tag covers another (see {@link LabelLayout}).
     */
    public static List<LabelLayout.Rect> tags(int rows, int cols, List<Box> boxes) {
        int lw = lineWidth(rows, cols);
        double fs = fontScale(lw);
        int ft = fontThickness(lw);
        int pad = Math.max(2, lw);
        List<LabelLayout.Rect> rects = new ArrayList<>();
        List<int[]> sizes = new ArrayList<>();
        List<Integer> which = new ArrayList<>();
        for (int i = 0; i < boxes.size(); i++) {
            Box b = boxes.get(i);
            Rect r = clip(rows, cols, b.x(), b.y(), b.w(), b.h());
            if (r == null || b.text() == null || b.text().isEmpty()) {
                continue;
            }
            int[] base = new int[1];
            try (Size sz = getTextSize(ascii(b.text()), FONT_HERSHEY_SIMPLEX, fs, ft, base)) {
                sizes.add(new int[] {sz.width() + 2 * pad, sz.height() + base[0] + 2 * pad});
            }
            rects.add(new LabelLayout.Rect(r.x(), r.y(), r.width(), r.height()));
            which.add(i);
            r.close();
        }
        List<LabelLayout.Rect> placed = LabelLayout.place(cols, rows, rects, sizes);
        List<LabelLayout.Rect> out = new ArrayList<>(java.util.Collections.nCopies(boxes.size(), (LabelLayout.Rect) null));
        for (int k = 0; k < which.size(); k++) {
            out.set(which.get(k), placed.get(k));
        }
        return out;
    }

    /**
     * Draws boxes and tags onto {@code img} (in place). {@code boxes} come best first (by score or
     * rank): the best box is drawn last, on top, and its tag gets the first choice of place; tags
     * never cover each other. Line width and font scale with the image size.
     */
    public static void draw(Mat img, List<Box> boxes) {
        int lw = lineWidth(img.rows(), img.cols());
        double fs = fontScale(lw);
        int ft = fontThickness(lw);
        int pad = Math.max(2, lw);
        List<LabelLayout.Rect> tags = tags(img.rows(), img.cols(), boxes);
        for (int i = boxes.size() - 1; i >= 0; i--) {
            Box b = boxes.get(i);
            Rect r = clip(img.rows(), img.cols(), b.x(), b.y(), b.w(), b.h());
            if (r == null) {
                continue;
            }
            try (Scalar col = colour(b.classIndex())) {
                rectangle(img, new Point(r.x(), r.y()), new Point(r.x() + r.width() - 1, r.y() + r.height() - 1), col, lw, LINE_AA, 0);
            }
            r.close();
        }
        // tags after every box, so that no box line strikes through a tag
        for (int i = boxes.size() - 1; i >= 0; i--) {
            LabelLayout.Rect t = tags.get(i);
            if (t == null) {
                continue;
            }
            String text = ascii(boxes.get(i).text());
            int[] base = new int[1];
            int th;
            try (Size sz = getTextSize(text, FONT_HERSHEY_SIMPLEX, fs, ft, base)) {
                th = sz.height();
            }
            try (Scalar col = colour(boxes.get(i).classIndex()); Scalar ink = inkOn(col)) {
                rectangle(img, new Point(t.x(), t.y()), new Point(t.x() + t.w() - 1, t.y() + t.h() - 1), col, -1, LINE_AA, 0);
                putText(img, text, new Point(t.x() + pad, t.y() + pad + th), FONT_HERSHEY_SIMPLEX, fs, ink, ft, LINE_AA, false);
            }
        }
    }

    /** Dark text on a light tag, white on a dark one (by luma), so every tag reads. */
    private static Scalar inkOn(Scalar bgr) {
        double luma = 0.114 * bgr.get(0) + 0.587 * bgr.get(1) + 0.299 * bgr.get(2);
        return luma < 140 ? new Scalar(255, 255, 255, 0) : new Scalar(20, 20, 20, 0);
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
        return clip(img.rows(), img.cols(), x, y, w, h);
    }

    private static Rect clip(int rows, int cols, double x, double y, double w, double h) {
        int x0 = (int) Math.max(0, Math.floor(x)), y0 = (int) Math.max(0, Math.floor(y));
        int x1 = (int) Math.min(cols, Math.ceil(x + w)), y1 = (int) Math.min(rows, Math.ceil(y + h));
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
