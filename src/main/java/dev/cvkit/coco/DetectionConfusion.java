package dev.cvkit.coco;

import java.util.ArrayList;
import java.util.List;

/**
 * A detection confusion matrix as Ultralytics draws it: per image, results above a confidence are
 * paired with non-crowd ground-truth boxes at IoU above a threshold, whatever their classes,
 * greedily by IoU (each box in at most one pair). A pair counts at [true class][predicted class];
 * a ground-truth box left unpaired counts at [its class][background] (missed), a result left
 * unpaired at [background][its class] (a false detection). Rows are true classes, columns
 * predicted ones; the last row and column are the background. Boxes only.
 */
public final class DetectionConfusion {
    /** Ultralytics' defaults for the matrix: results from confidence 0.25, pairs from IoU 0.45. */
    public static final double CONF = 0.25;
    public static final double IOU = 0.45;

    private DetectionConfusion() {}

    /** The matrix, (categories + 1)², background last. */
    public static long[][] of(CocoDataset gt, CocoResults dt, double conf, double iou) {
        int k = gt.categoryCount();
        long[][] m = new long[k + 1][k + 1];
        List<List<Integer>> gtOf = new ArrayList<>();
        List<List<Integer>> dtOf = new ArrayList<>();
        for (int i = 0; i < gt.imageCount(); i++) {
            gtOf.add(new ArrayList<>());
            dtOf.add(new ArrayList<>());
        }
        for (int j = 0; j < gt.annotationCount(); j++) {
            if (!gt.annotationCrowd(j)) {
                gtOf.get(gt.annotationImage(j)).add(j);
            }
        }
        for (int d = 0; d < dt.size; d++) {
            if (dt.score[d] >= conf) {
                dtOf.get(dt.image[d]).add(d);
            }
        }
        for (int i = 0; i < gt.imageCount(); i++) {
            List<Integer> g = gtOf.get(i);
            List<Integer> d = dtOf.get(i);
            List<double[]> pairs = new ArrayList<>(); // {iou, gIndex, dIndex}
            for (int a = 0; a < g.size(); a++) {
                for (int b = 0; b < d.size(); b++) {
                    double o = iou(gt, g.get(a), dt, d.get(b));
                    if (o > iou) {
                        pairs.add(new double[] {o, a, b});
                    }
                }
            }
            pairs.sort((x, y) -> Double.compare(y[0], x[0]));
            boolean[] gUsed = new boolean[g.size()];
            boolean[] dUsed = new boolean[d.size()];
            for (double[] pr : pairs) {
                int a = (int) pr[1];
                int b = (int) pr[2];
                if (!gUsed[a] && !dUsed[b]) {
                    gUsed[a] = true;
                    dUsed[b] = true;
                    m[gt.categoryIndex(gt.annotationCategoryId(g.get(a)))][dt.category[d.get(b)]]++;
                }
            }
            for (int a = 0; a < g.size(); a++) {
                if (!gUsed[a]) {
                    m[gt.categoryIndex(gt.annotationCategoryId(g.get(a)))][k]++;
                }
            }
            for (int b = 0; b < d.size(); b++) {
                if (!dUsed[b]) {
                    m[k][dt.category[d.get(b)]]++;
                }
            }
        }
        return m;
    }

    private static double iou(CocoDataset gt, int j, CocoResults dt, int d) {
        double ax = gt.annotationBox(j, 0), ay = gt.annotationBox(j, 1), aw = gt.annotationBox(j, 2), ah = gt.annotationBox(j, 3);
        double bx = dt.bbox[4 * d], by = dt.bbox[4 * d + 1], bw = dt.bbox[4 * d + 2], bh = dt.bbox[4 * d + 3];
        double iw = Math.min(ax + aw, bx + bw) - Math.max(ax, bx);
        double ih = Math.min(ay + ah, by + bh) - Math.max(ay, by);
        if (iw <= 0 || ih <= 0) {
            return 0;
        }
        double inter = iw * ih;
        return inter / (aw * ah + bw * bh - inter);
    }
}
