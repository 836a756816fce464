package dev.cvkit.coco;

import java.util.ArrayList;
import java.util.List;

/**
 * A detector's numbers per category, as Ultralytics' validation table shows them: images and
 * instances (non-crowd annotations) of the category, precision and recall, AP50 and AP (IoU
 * 0.50:0.95), and COCO's AP75 and AR. Precision and recall are read at the point of the IoU-0.50
 * precision-recall curve (area all, the largest maxDets) with the highest F1, the confidence
 * Ultralytics reports them at; -1 where the category has no ground truth.
 */
public final class ClassTable {
    /** One category's row. */
    public record Row(long id, String name, int images, int instances, double precision, double recall,
                      double ap50, double ap, double ap75, double ar) {}

    private ClassTable() {}

    /** The rows of an accumulated evaluation, in the ground truth's category order. */
    public static List<Row> of(CocoEval eval) {
        CocoDataset gt = eval.dataset();
        CocoParams p = eval.params();
        int k = gt.categoryCount();
        int[] instances = new int[k];
        boolean[][] seen = new boolean[k][gt.imageCount()];
        int[] images = new int[k];
        for (int j = 0; j < gt.annotationCount(); j++) {
            if (gt.annotationCrowd(j)) {
                continue;
            }
            int c = gt.categoryIndex(gt.annotationCategoryId(j));
            instances[c]++;
            int i = gt.annotationImage(j);
            if (!seen[c][i]) {
                seen[c][i] = true;
                images[c]++;
            }
        }
        int t50 = -1;
        for (int t = 0; t < p.t(); t++) {
            if (p.iouThrs()[t] == .5) {
                t50 = t;
            }
        }
        int m = p.m() - 1;
        List<CocoEval.CategoryResult> per = eval.perCategory();
        List<Row> rows = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            double bestF1 = -1;
            double prec = -1;
            double rec = -1;
            if (t50 >= 0 && instances[c] > 0) {
                bestF1 = 0;
                prec = 0;
                rec = 0;
                for (int r = 0; r < p.r(); r++) {
                    double pr = eval.precision(t50, r, c, 0, m);
                    double re = p.recThrs()[r];
                    if (pr > 0 && 2 * pr * re / (pr + re) > bestF1) {
                        bestF1 = 2 * pr * re / (pr + re);
                        prec = pr;
                        rec = re;
                    }
                }
            }
            CocoEval.CategoryResult cr = per.get(c);
            rows.add(new Row(cr.id(), cr.name(), images[c], instances[c], prec, rec, cr.ap50(), cr.ap(), cr.ap75(), cr.ar()));
        }
        return rows;
    }
}
