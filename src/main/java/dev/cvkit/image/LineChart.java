package dev.cvkit.image;

import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.bytedeco.opencv.global.opencv_imgproc.FONT_HERSHEY_SIMPLEX;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_AA;
import static org.bytedeco.opencv.global.opencv_imgproc.line;
import static org.bytedeco.opencv.global.opencv_imgproc.putText;
import static org.bytedeco.opencv.global.opencv_imgproc.rectangle;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * A small line chart drawn with OpenCV and encoded as PNG: x and y both in [0, 1], axes with
 * ticks every 0.1, axis labels, a title and a legend in a column right of the plot, where no
 * curve can pass under it. Enough for precision–recall curves.
 */
public final class LineChart {
    private static final int W = 960;
    private static final int H = 540;
    private static final int LEFT = 70;
    /** The legend's column. */
    private static final int RIGHT = 250;
    private static final int TOP = 60;
    private static final int BOTTOM = 60;
    private static final Scalar[] COLOURS = {
        new Scalar(180, 119, 31, 0), new Scalar(14, 127, 255, 0), new Scalar(44, 160, 44, 0),
        new Scalar(40, 39, 214, 0), new Scalar(189, 103, 148, 0), new Scalar(75, 86, 140, 0)};

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final List<String> names = new ArrayList<>();
    private final List<double[]> xs = new ArrayList<>();
    private final List<double[]> ys = new ArrayList<>();

    public LineChart(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    /** Adds a series; points with y &lt; 0 (undefined) are skipped. */
    public LineChart series(String name, double[] x, double[] y) {
        names.add(name);
        xs.add(x.clone());
        ys.add(y.clone());
        return this;
    }

    /** The chart as PNG bytes. */
    public byte[] png() {
        try (Mat img = new Mat(H, W, org.bytedeco.opencv.global.opencv_core.CV_8UC3, new Scalar(255, 255, 255, 0))) {
            draw(img);
            try (BytePointer buf = new BytePointer()) {
                if (!imencode(".png", img, buf)) {
                    throw new IllegalStateException("PNG encoding failed");
                }
                byte[] out = new byte[(int) buf.limit()];
                buf.get(out);
                return out;
            }
        }
    }

    private void draw(Mat img) {
        Scalar black = new Scalar(0, 0, 0, 0);
        Scalar grid = new Scalar(225, 225, 225, 0);
        for (int i = 0; i <= 10; i++) {
            double v = i / 10.0;
            line(img, pt(v, 0), pt(v, 1), grid, 1, LINE_AA, 0);
            line(img, pt(0, v), pt(1, v), grid, 1, LINE_AA, 0);
            String label = String.format(Locale.ROOT, "%.1f", v);
            text(img, label, px(v) - 10, H - BOTTOM + 18, 0.4, black);
            text(img, label, LEFT - 32, py(v) + 4, 0.4, black);
        }
        rectangle(img, pt(0, 1), pt(1, 0), black, 1, LINE_AA, 0);
        text(img, title, LEFT, 24, 0.6, black);
        text(img, xLabel, LEFT + (W - LEFT - RIGHT) / 2 - 20, H - 18, 0.5, black);
        text(img, yLabel, 8, TOP - 14, 0.5, black);
        for (int s = 0; s < names.size(); s++) {
            Scalar c = COLOURS[s % COLOURS.length];
            double[] x = xs.get(s);
            double[] y = ys.get(s);
            Point prev = null;
            for (int i = 0; i < x.length; i++) {
                if (y[i] < 0) {
                    prev = null;
                    continue;
                }
                Point p = pt(x[i], y[i]);
                if (prev != null) {
                    line(img, prev, p, c, 2, LINE_AA, 0);
                }
                prev = p;
            }
        }
        LabelLayout.Rect legend = legendRect();
        for (int s = 0; s < names.size(); s++) {
            Scalar c = COLOURS[s % COLOURS.length];
            int ly = legend.y() + 16 + 22 * s;
            line(img, new Point(legend.x(), ly - 4), new Point(legend.x() + 25, ly - 4), c, 2, LINE_AA, 0);
            text(img, names.get(s), legend.x() + 31, ly, 0.45, black);
        }
    }

    /** The plot (data) area. */
    static LabelLayout.Rect plotRect() {
        return new LabelLayout.Rect(LEFT, TOP, W - LEFT - RIGHT, H - TOP - BOTTOM);
    }

    /** The legend: a column right of the plot area, top-aligned with it. */
    LabelLayout.Rect legendRect() {
        int widest = 0;
        for (String n : names) {
            widest = Math.max(widest, Charts.textWidth(n, 0.45));
        }
        return new LabelLayout.Rect(W - RIGHT + 15, TOP, 31 + widest, 22 * names.size() + 4);
    }

    private static void text(Mat img, String s, int x, int y, double scale, Scalar colour) {
        putText(img, s, new Point(x, y), FONT_HERSHEY_SIMPLEX, scale, colour, 1, LINE_AA, false);
    }

    private static int px(double x) { return LEFT + (int) Math.round(x * (W - LEFT - RIGHT)); }

    private static int py(double y) { return H - BOTTOM - (int) Math.round(y * (H - TOP - BOTTOM)); }

    private static Point pt(double x, double y) { return new Point(px(x), py(y)); }

}
