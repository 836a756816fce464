package dev.cvkit.image;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.bytedeco.opencv.global.opencv_imgproc.FONT_HERSHEY_SIMPLEX;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_AA;
import static org.bytedeco.opencv.global.opencv_imgproc.getTextSize;
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
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Small PNG charts drawn with OpenCV, so training runs can show their curves and evaluation its
 * confusion matrix without a plotting library: line charts (loss, accuracy per epoch) and a
 * confusion-matrix heat map.
 */
public final class Charts {
    /** One curve: y over x, drawn in a BGR colour. */
    public record Series(String name, double[] x, double[] y, int[] bgr) {}

    public static final int[] BLUE = {200, 110, 30};
    public static final int[] ORANGE = {20, 130, 240};
    public static final int[] GREEN = {60, 160, 50};

    private static final int W = 720;
    private static final int H = 440;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 50;
    private static final int BOTTOM = 50;

    private Charts() {}

    /**
     * Where a line chart's parts go: the title, the plot (data) area, the legend (its bounds, and
     * the top-left corner of each entry: swatch then name) and the axes' ticks.
     */
    record LinesLayout(LabelLayout.Rect title, LabelLayout.Rect plot, LabelLayout.Rect legend, List<int[]> entries,
            NiceTicks x, NiceTicks y) {}

    private static final double LEGEND_SCALE = 0.45;
    private static final int LEGEND_SWATCH = 25;
    private static final double TITLE_SCALE = 0.6;
    private static final int ROW = 22;

    /**
     * The layout of {@link #lines}: nice ticks around the finite points, and the legend above the
     * plot area so that it never covers a curve: in one row right-aligned beside the title when it
     * fits there, otherwise in as many rows as it needs under the title, the plot area moving down.
     */
    static LinesLayout linesLayout(String title, List<Series> series) {
        double xmin = Double.POSITIVE_INFINITY;
        double xmax = Double.NEGATIVE_INFINITY;
        double ymin = Double.POSITIVE_INFINITY;
        double ymax = Double.NEGATIVE_INFINITY;
        boolean integerX = true;
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                if (Double.isFinite(s.y()[i])) {
                    xmin = Math.min(xmin, s.x()[i]);
                    xmax = Math.max(xmax, s.x()[i]);
                    ymin = Math.min(ymin, s.y()[i]);
                    ymax = Math.max(ymax, s.y()[i]);
                    integerX &= s.x()[i] == Math.rint(s.x()[i]);
                }
            }
        }
        if (!Double.isFinite(xmin)) {
            xmin = 0;
            xmax = 1;
            ymin = 0;
            ymax = 1;
        }
        NiceTicks x = NiceTicks.of(xmin, xmax, 6, integerX); // epochs are whole numbers
        NiceTicks y = NiceTicks.of(ymin, ymax, 5, false);
        LabelLayout.Rect titleRect = new LabelLayout.Rect(LEFT, 8, textWidth(title, TITLE_SCALE), 22);
        int[] widths = new int[series.size()];
        int total = 0;
        for (int i = 0; i < widths.length; i++) {
            widths[i] = LEGEND_SWATCH + 6 + textWidth(series.get(i).name(), LEGEND_SCALE) + 16;
            total += widths[i];
        }
        List<int[]> entries = new ArrayList<>();
        int top;
        LabelLayout.Rect legend;
        int besideTitle = W - RIGHT - (titleRect.x() + titleRect.w() + 24);
        if (total <= besideTitle) {
            int ex = W - RIGHT - total;
            for (int w : widths) {
                entries.add(new int[] {ex, TOP - 30});
                ex += w;
            }
            legend = new LabelLayout.Rect(W - RIGHT - total, TOP - 30, total, ROW);
            top = TOP;
        } else {
            // rows under the title, left-aligned with the plot, each as full as the width allows
            int rowY = titleRect.y() + titleRect.h() + 4;
            int ex = LEFT;
            int widest = 0;
            for (int w : widths) {
                if (ex > LEFT && ex + w > W - RIGHT) {
                    rowY += ROW;
                    ex = LEFT;
                }
                entries.add(new int[] {ex, rowY});
                ex += w;
                widest = Math.max(widest, ex - LEFT);
            }
            int startY = titleRect.y() + titleRect.h() + 4;
            legend = new LabelLayout.Rect(LEFT, startY, widest, rowY + ROW - startY);
            top = legend.y() + legend.h() + 8;
        }
        LabelLayout.Rect plot = new LabelLayout.Rect(LEFT, top, W - LEFT - RIGHT, H - top - BOTTOM);
        return new LinesLayout(titleRect, plot, legend, entries, x, y);
    }

    /** A line chart as PNG bytes; NaN or infinite points are skipped. */
    public static byte[] lines(String title, String xLabel, List<Series> series) {
        LinesLayout lay = linesLayout(title, series);
        NiceTicks xt = lay.x();
        NiceTicks yt = lay.y();
        try (Mat img = new Mat(H, W, CV_8UC3, new Scalar(255, 255, 255, 0))) {
            int pw = lay.plot().w();
            int ph = lay.plot().h();
            int top = lay.plot().y();
            text(img, title, LEFT, lay.title().y() + 17, TITLE_SCALE, 0);
            for (double yv : yt.values()) {
                int py = top + ph - (int) Math.round((yv - yt.min()) / (yt.max() - yt.min()) * ph);
                line(img, new Point(LEFT, py), new Point(LEFT + pw, py), gray(225), 1, LINE_AA, 0);
                String label = yt.label(yv);
                text(img, label, LEFT - 8 - textWidth(label, 0.4), py + 5, 0.4, 60);
            }
            for (double xv : xt.values()) {
                int px = LEFT + (int) Math.round((xv - xt.min()) / (xt.max() - xt.min()) * pw);
                line(img, new Point(px, top), new Point(px, top + ph), gray(235), 1, LINE_AA, 0);
                String label = xt.label(xv);
                text(img, label, px - textWidth(label, 0.4) / 2, top + ph + 18, 0.4, 60);
            }
            rectangle(img, new Point(LEFT, top), new Point(LEFT + pw, top + ph), gray(0), 1, LINE_AA, 0);
            text(img, xLabel, LEFT + pw / 2 - textWidth(xLabel, 0.5) / 2, H - 10, 0.5, 0);
            for (int si = 0; si < series.size(); si++) {
                Series s = series.get(si);
                int legendX = lay.entries().get(si)[0];
                int legendY = lay.entries().get(si)[1] + 16;
                Scalar c = new Scalar(s.bgr()[0], s.bgr()[1], s.bgr()[2], 0);
                Point prev = null;
                for (int i = 0; i < s.x().length; i++) {
                    if (!Double.isFinite(s.y()[i])) {
                        prev = null;
                        continue;
                    }
                    int px = LEFT + (int) Math.round((s.x()[i] - xt.min()) / (xt.max() - xt.min()) * pw);
                    int py = top + ph - (int) Math.round((s.y()[i] - yt.min()) / (yt.max() - yt.min()) * ph);
                    Point p = new Point(px, py);
                    if (prev != null) {
                        line(img, prev, p, c, 2, LINE_AA, 0);
                    }
                    org.bytedeco.opencv.global.opencv_imgproc.circle(img, p, 3, c, -1, LINE_AA, 0);
                    prev = p;
                }
                line(img, new Point(legendX, legendY - 4), new Point(legendX + LEGEND_SWATCH, legendY - 4), c, 2, LINE_AA, 0);
                text(img, s.name(), legendX + LEGEND_SWATCH + 6, legendY, LEGEND_SCALE, 0);
            }
            return png(img);
        }
    }

    /**
     * A confusion matrix (rows: true class, columns: predicted) as a heat map, each cell shaded by
     * its share of the row and labelled with its count.
     */
    public static byte[] confusion(List<String> classes, long[][] counts) {
        int k = classes.size();
        int cell = Math.max(18, Math.min(60, 700 / Math.max(1, k)));
        int labelW = 110;
        int top = 70;
        int w = Math.max(labelW + cell * k + 20, 420);
        int h = top + cell * k + 40;
        try (Mat img = new Mat(h, w, CV_8UC3, new Scalar(255, 255, 255, 0))) {
            text(img, "confusion matrix (rows: true, columns: predicted)", 10, 22, 0.5, 0);
            double fontScale = Math.min(0.45, cell / 70.0);
            for (int i = 0; i < k; i++) {
                long row = 0;
                for (long v : counts[i]) {
                    row += v;
                }
                text(img, shorten(classes.get(i), 14), 5, top + i * cell + cell / 2 + 5, 0.4, 0);
                text(img, shorten(classes.get(i), Math.max(1, cell / 8)), labelW + i * cell + 2, top - 8, Math.min(0.4, cell / 60.0), 0);
                for (int j = 0; j < k; j++) {
                    double share = row == 0 ? 0 : (double) counts[i][j] / row;
                    int shade = (int) Math.round(255 - 200 * share);
                    Point a = new Point(labelW + j * cell, top + i * cell);
                    Point b = new Point(labelW + (j + 1) * cell - 1, top + (i + 1) * cell - 1);
                    Scalar fill = i == j ? new Scalar(shade, 255 - (255 - shade) / 3.0, shade, 0)
                            : new Scalar(shade, shade, 255, 0);
                    rectangle(img, a, b, fill, -1, LINE_AA, 0);
                    rectangle(img, a, b, gray(200), 1, LINE_AA, 0);
                    if (counts[i][j] > 0) {
                        text(img, Long.toString(counts[i][j]), a.x() + 3, a.y() + cell / 2 + 5, fontScale, share > 0.6 ? 255 : 0);
                    }
                }
            }
            return png(img);
        }
    }

    static byte[] png(Mat img) {
        try (BytePointer buf = new BytePointer()) {
            if (!imencode(".png", img, buf)) {
                throw new IllegalStateException("PNG encoding failed");
            }
            byte[] out = new byte[(int) buf.limit()];
            buf.get(out);
            return out;
        }
    }

    static void text(Mat img, String s, int x, int y, double scale, int grayLevel) {
        putText(img, ascii(s), new Point(x, y), FONT_HERSHEY_SIMPLEX, scale, gray(grayLevel), 1, LINE_AA, false);
    }

    /** OpenCV's Hershey fonts draw ASCII only; anything else becomes '?'. */
    static String ascii(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            sb.append(c >= 32 && c < 127 ? c : '?');
        }
        return sb.toString();
    }

    static int textWidth(String s, double scale) {
        int[] base = new int[1];
        try (Size sz = getTextSize(ascii(s), FONT_HERSHEY_SIMPLEX, scale, 1, base)) {
            return sz.width();
        }
    }

    private static Scalar gray(int v) {
        return new Scalar(v, v, v, 0);
    }

    private static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, Math.max(1, max - 1)) + ".";
    }

    private static String fmt(double v) {
        double a = Math.abs(v);
        return String.format(Locale.ROOT, a >= 100 ? "%.0f" : a >= 1 ? "%.2f" : "%.3f", v);
    }
}
