package dev.cvkit.coco;

import dev.cvkit.image.Charts;
import dev.cvkit.image.LineChart;
import dev.cvkit.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Precision–recall curves from an accumulated {@link CocoEval} as PNG files: {@code pr_all.png}
 * (precision at each recall threshold averaged over categories with ground truth) and
 * {@code pr_<id>_<name>.png} per category; each at IoU 0.50, 0.75 and the mean over
 * 0.50:0.95, area "all", the largest maxDets. For box evaluation also
 * {@code confusion_matrix.png}: the {@link DetectionConfusion} matrix (with a background row and
 * column) at Ultralytics' confidence 0.25 and IoU 0.45. Files are written atomically.
 */
public final class PrCurvePlots {
    private PrCurvePlots() {}

    public static void write(CocoEval eval, Path dir) throws IOException {
        int nK = eval.counts()[2];
        AtomicFiles.write(dir.resolve("pr_all.png"), chart(eval, -1, "all categories").png());
        if (eval.params().iouType() == IouType.BBOX) {
            CocoDataset gt = eval.dataset();
            List<String> names = new ArrayList<>();
            for (int k = 0; k < gt.categoryCount(); k++) {
                names.add(gt.categoryName(k));
            }
            names.add("background");
            long[][] m = DetectionConfusion.of(gt, eval.results(), DetectionConfusion.CONF, DetectionConfusion.IOU);
            AtomicFiles.write(dir.resolve("confusion_matrix.png"), Charts.confusion(names, m));
        }
        for (int k = 0; k < nK; k++) {
            String name = eval.categoryName(k);
            String safe = name.replaceAll("[^A-Za-z0-9._-]+", "_");
            AtomicFiles.write(dir.resolve("pr_" + eval.categoryId(k) + "_" + safe + ".png"),
                    chart(eval, k, name + " (id " + eval.categoryId(k) + ")").png());
        }
    }

    private static LineChart chart(CocoEval eval, int k, String what) {
        CocoParams p = eval.params();
        double[] rec = p.recThrs();
        LineChart c = new LineChart(String.format(Locale.ROOT, "Precision-recall, %s (%s, maxDets=%d)",
                what, p.iouType().label(), p.maxDets()[p.m() - 1]), "recall", "precision");
        int t50 = -1;
        int t75 = -1;
        for (int t = 0; t < p.t(); t++) {
            if (p.iouThrs()[t] == .5) {
                t50 = t;
            }
            if (p.iouThrs()[t] == .75) {
                t75 = t;
            }
        }
        if (t50 >= 0) {
            c.series("IoU=0.50", rec, curve(eval, k, t50, t50 + 1));
        }
        if (t75 >= 0) {
            c.series("IoU=0.75", rec, curve(eval, k, t75, t75 + 1));
        }
        c.series("IoU=0.50:0.95 (mean)", rec, curve(eval, k, 0, p.t()));
        return c;
    }

    /** Mean precision per recall threshold over IoU thresholds [t0, t1) and categories; -1 if none. */
    private static double[] curve(CocoEval eval, int onlyK, int t0, int t1) {
        int[] n = eval.counts();
        int m = n[4] - 1;
        double[] out = new double[n[1]];
        for (int r = 0; r < n[1]; r++) {
            double sum = 0;
            int count = 0;
            for (int t = t0; t < t1; t++) {
                for (int k = onlyK < 0 ? 0 : onlyK; k < (onlyK < 0 ? n[2] : onlyK + 1); k++) {
                    double v = eval.precision(t, r, k, 0, m);
                    if (v > -1) {
                        sum += v;
                        count++;
                    }
                }
            }
            out[r] = count == 0 ? -1 : sum / count;
        }
        return out;
    }
}
