package dev.cvkit.image;

import static org.bytedeco.opencv.global.opencv_imgproc.FONT_HERSHEY_SIMPLEX;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_AA;
import static org.bytedeco.opencv.global.opencv_imgproc.getTextSize;
import static org.bytedeco.opencv.global.opencv_imgproc.putText;
import static org.bytedeco.opencv.global.opencv_imgproc.rectangle;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/** Drawing on BGR images: boxes with optional labels, in a stable colour per index. */
public final class Draw {
    private Draw() {}

    /** A distinct, stable colour (B, G, R) for an index, by golden-ratio hue steps. */
    public static Scalar colour(int index) {
        double hue = (index * 0.618033988749895) % 1.0;
        int[] rgb = hsvToRgb(hue, 0.85, 0.95);
        return new Scalar(rgb[2], rgb[1], rgb[0], 0);
    }

    /** Draws an XYWH box; a line width scaled to the image so boxes stay visible on large photos. */
    public static void box(Mat img, int x, int y, int w, int h, Scalar colour, String label) {
        int thick = Math.max(1, Math.round(Math.max(img.cols(), img.rows()) / 400f));
        rectangle(img, new Point(x, y), new Point(x + w - 1, y + h - 1), colour, thick, LINE_AA, 0);
        if (label != null && !label.isEmpty()) {
            double scale = Math.max(0.4, thick * 0.45);
            int[] base = new int[1];
            Size ts = getTextSize(label, FONT_HERSHEY_SIMPLEX, scale, thick, base);
            int ty = y - 2 >= ts.height() ? y - 2 : y + ts.height() + 2;
            rectangle(img, new Point(x, ty - ts.height() - 2), new Point(x + ts.width() + 2, ty + base[0] - 1),
                    colour, -1, LINE_AA, 0);
            putText(img, label, new Point(x + 1, ty - 1), FONT_HERSHEY_SIMPLEX, scale, new Scalar(0, 0, 0, 0), thick, LINE_AA, false);
        }
    }

    private static int[] hsvToRgb(double h, double s, double v) {
        int i = (int) Math.floor(h * 6);
        double f = h * 6 - i;
        double p = v * (1 - s);
        double q = v * (1 - f * s);
        double t = v * (1 - (1 - f) * s);
        double r;
        double g;
        double b;
        switch (i % 6) {
            case 0 -> { r = v; g = t; b = p; }
            case 1 -> { r = q; g = v; b = p; }
            case 2 -> { r = p; g = v; b = t; }
            case 3 -> { r = p; g = q; b = v; }
            case 4 -> { r = t; g = p; b = v; }
            default -> { r = v; g = p; b = q; }
        }
        return new int[] {(int) Math.round(r * 255), (int) Math.round(g * 255), (int) Math.round(b * 255)};
    }
}
