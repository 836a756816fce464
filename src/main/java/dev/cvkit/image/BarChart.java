package dev.cvkit.image;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.FILLED;
import static org.bytedeco.opencv.global.opencv_imgproc.FONT_HERSHEY_SIMPLEX;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_AA;
import static org.bytedeco.opencv.global.opencv_imgproc.line;
import static org.bytedeco.opencv.global.opencv_imgproc.putText;
import static org.bytedeco.opencv.global.opencv_imgproc.rectangle;

import java.util.List;
import java.util.Locale;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * A grouped bar chart as PNG bytes: one group per category (x), one bar per series in it,
 * y from 0 with round ticks, the legend to the right of the plot so it never covers a bar.
 * ASCII labels only (OpenCV's Hershey font has no other glyphs).
 */
public final class BarChart {
    private static final int W = 900, H = 460, LEFT = 60, TOP = 40, BOTTOM = 60, LEGEND = 170;

    /** One series: a name, a value per category and a BGR colour. */
    public record Series(String name, double[] values, int[] bgr) {}

    private BarChart() {}

    public static byte[] render(String title, String xLabel, List<String> categories, List<Series> series) {
        double max = 0;
        for (Series s : series) for (double v : s.values()) max = Math.max(max, v);
        double step = niceStep(max / 5);
        double top = Math.max(step, Math.ceil(max / step) * step);
        int plotW = W - LEFT - LEGEND - 20, plotH = H - TOP - BOTTOM;
        Scalar black = new Scalar(40, 40, 40, 0), grid = new Scalar(225, 225, 225, 0);
        try (Mat img = new Mat(H, W, CV_8UC3, new Scalar(255, 255, 255, 0))) {
            putText(img, title, new Point(LEFT, 25), FONT_HERSHEY_SIMPLEX, 0.6, black, 1, LINE_AA, false);
            for (double v = 0; v <= top + 1e-9; v += step) {
                int y = TOP + plotH - (int) Math.round(v / top * plotH);
                line(img, new Point(LEFT, y), new Point(LEFT + plotW, y), grid, 1, LINE_AA, 0);
                String t = v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.2g", v);
                putText(img, t, new Point(LEFT - 8 - 9 * t.length(), y + 5), FONT_HERSHEY_SIMPLEX, 0.45, black, 1, LINE_AA, false);
            }
            int groups = categories.size(), n = Math.max(1, series.size());
            double gw = (double) plotW / Math.max(1, groups), bw = gw * 0.8 / n;
            for (int g = 0; g < groups; g++) {
                for (int k = 0; k < series.size(); k++) {
                    double v = series.get(k).values()[g];
                    int x0 = LEFT + (int) Math.round(g * gw + gw * 0.1 + k * bw), x1 = (int) Math.round(x0 + bw) - 1;
                    int y0 = TOP + plotH - (int) Math.round(v / top * plotH);
                    int[] c = series.get(k).bgr();
                    if (v > 0) rectangle(img, new Point(x0, y0), new Point(Math.max(x0, x1), TOP + plotH), new Scalar(c[0], c[1], c[2], 0), FILLED, 8, 0);
                }
                String label = categories.get(g);
                int cx = LEFT + (int) Math.round(g * gw + gw / 2) - 4 * label.length();
                putText(img, label, new Point(cx, TOP + plotH + 20), FONT_HERSHEY_SIMPLEX, 0.45, black, 1, LINE_AA, false);
            }
            line(img, new Point(LEFT, TOP + plotH), new Point(LEFT + plotW, TOP + plotH), black, 1, LINE_AA, 0);
            line(img, new Point(LEFT, TOP), new Point(LEFT, TOP + plotH), black, 1, LINE_AA, 0);
            putText(img, xLabel, new Point(LEFT + plotW / 2 - 4 * xLabel.length(), H - 15), FONT_HERSHEY_SIMPLEX, 0.5, black, 1, LINE_AA, false);
            int lx = W - LEGEND;
            for (int k = 0; k < series.size(); k++) {
                int y = TOP + 10 + 22 * k;
                int[] c = series.get(k).bgr();
                rectangle(img, new Point(lx, y - 10), new Point(lx + 14, y + 2), new Scalar(c[0], c[1], c[2], 0), FILLED, 8, 0);
                putText(img, series.get(k).name(), new Point(lx + 20, y + 2), FONT_HERSHEY_SIMPLEX, 0.45, black, 1, LINE_AA, false);
            }
            return ImageEncoder.encode(img, "png");
        }
    }

    /** 1, 2 or 5 times a power of ten, at least {@code raw}. */
    static double niceStep(double raw) {
        if (!(raw > 0)) return 1;
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[] {1, 2, 5, 10}) if (m * p >= raw) return Math.max(1, m * p);
        return 10 * p;
    }
}
