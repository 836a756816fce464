package dev.cvkit.data.detect;

import dev.cvkit.image.BarChart;
import dev.cvkit.image.Charts;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a detection set holds: images (and those without objects), instances per class, and a
 * histogram of box sizes (√(w·h) in pixels, in doubling bins from 4 px; COCO calls boxes under
 * 32 px small and over 96 px large).
 */
public record DatasetStats(int images, int emptyImages, List<String> classes, long[] instances, double[] binEdges, long[][] sizes) {
    public static DatasetStats of(DetectionSet s) {
        double[] edges = {0, 8, 16, 32, 64, 96, 128, 256, 512, Double.POSITIVE_INFINITY};
        long[] inst = new long[s.classes().size()];
        long[][] hist = new long[s.classes().size()][edges.length - 1];
        int empty = 0;
        for (DetectionSet.Item it : s.items()) {
            if (it.count() == 0) empty++;
            for (int k = 0; k < it.count(); k++) {
                int c = it.labels()[k] - 1;
                inst[c]++;
                float[] b = it.boxes();
                double side = Math.sqrt((double) (b[4 * k + 2] - b[4 * k]) * (b[4 * k + 3] - b[4 * k + 1]));
                int bin = 0;
                while (bin < edges.length - 2 && side >= edges[bin + 1]) bin++;
                hist[c][bin]++;
            }
        }
        return new DatasetStats(s.size(), empty, s.classes(), inst, edges, hist);
    }

    /** A text table: one row per class with its instances and their share per size bin. */
    public String table() {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%d images (%d without objects), %d instances%n", images,
                emptyImages, java.util.Arrays.stream(instances).sum()));
        int w = Math.max(5, classes.stream().mapToInt(String::length).max().orElse(5));
        sb.append(String.format(Locale.ROOT, "%-" + w + "s %9s", "class", "instances"));
        for (int b = 0; b < binEdges.length - 1; b++) sb.append(String.format(Locale.ROOT, " %8s", binLabel(b)));
        sb.append('\n');
        for (int c = 0; c < classes.size(); c++) {
            sb.append(String.format(Locale.ROOT, "%-" + w + "s %9d", classes.get(c), instances[c]));
            for (long n : sizes[c]) sb.append(String.format(Locale.ROOT, " %8d", n));
            sb.append('\n');
        }
        return sb.toString();
    }

    String binLabel(int b) {
        double hi = binEdges[b + 1];
        return Double.isInfinite(hi) ? "≥" + (int) binEdges[b] : "<" + (int) hi;
    }

    /** The histogram as a PNG: boxes per size bin, a bar per class (the 12 most frequent classes, then "other"). */
    public byte[] plot() {
        int bins = binEdges.length - 1;
        List<String> cats = new ArrayList<>();
        for (int b = 0; b < bins; b++) cats.add(binLabel(b).replace("≥", ">="));
        Integer[] order = new Integer[classes.size()];
        for (int c = 0; c < order.length; c++) order[c] = c;
        java.util.Arrays.sort(order, (a, b) -> Long.compare(instances[b], instances[a]));
        int[][] colours = {Charts.BLUE, Charts.ORANGE, Charts.GREEN, {40, 40, 200}, {150, 60, 150}, {90, 90, 90}, {0, 160, 160},
            {0, 200, 230}, {200, 160, 160}, {60, 90, 140}, {180, 180, 0}, {120, 200, 120}, {160, 160, 160}};
        List<BarChart.Series> series = new ArrayList<>();
        double[] other = new double[bins];
        for (int r = 0; r < order.length; r++) {
            double[] y = new double[bins];
            for (int b = 0; b < bins; b++) y[b] = sizes[order[r]][b];
            if (r < 12) {
                series.add(new BarChart.Series(ascii(classes.get(order[r])), y, colours[r]));
            } else {
                for (int b = 0; b < bins; b++) other[b] += y[b];
            }
        }
        if (order.length > 12) series.add(new BarChart.Series("other", other, colours[12]));
        return BarChart.render("boxes per size: sqrt(w*h) in pixels", "box size (px)", cats, series);
    }

    private static String ascii(String s) {
        String t = s.replaceAll("[^\\x20-\\x7e]", "?");
        return t.length() > 18 ? t.substring(0, 17) + "." : t;
    }
}
