package dev.cvkit.proposals;

import dev.cvkit.structures.BoxOps;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Proposal quality the way Uijlings et al. report it, against the number of proposals N kept
 * per image: recall (share of ground-truth boxes whose best overlap with the top N reaches an
 * IoU threshold) and MABO (mean over categories of the average best overlap). Images of the
 * ground truth without proposals count as all missed.
 */
public final class ProposalQuality {
    /** Proposal counts reported; {@link #ALL} stands for every proposal. */
    public static final int[] DEFAULT_NS = {10, 100, 500, 1000, 2000, Integer.MAX_VALUE};
    public static final int ALL = Integer.MAX_VALUE;

    /** One row: N, recall at IoU 0.5 and 0.7, MABO, and the mean number of proposals actually used. */
    public record Row(int n, double recall50, double recall70, double mabo, double meanProposals) {}

    private ProposalQuality() {}

    public static List<Row> evaluate(GroundTruth gt, Map<Long, double[][]> proposals, int[] ns) {
        List<Row> rows = new ArrayList<>();
        for (int n : ns) {
            Map<Long, double[]> perClass = new TreeMap<>(); // {sum of best overlaps, count}
            int total = 0;
            int hit50 = 0;
            int hit70 = 0;
            double used = 0;
            int images = 0;
            for (GroundTruth.Image im : gt.images()) {
                double[][] props = proposals.getOrDefault(im.id(), new double[0][]);
                int k = Math.min(n, props.length);
                if (!im.boxes().isEmpty()) {
                    used += k;
                    images++;
                }
                for (GroundTruth.Box g : im.boxes()) {
                    double best = 0;
                    for (int i = 0; i < k; i++) {
                        double[] p = props[i];
                        best = Math.max(best, BoxOps.iou(g.x(), g.y(), g.w(), g.h(), p[0], p[1], p[2], p[3]));
                    }
                    total++;
                    if (best >= 0.5) {
                        hit50++;
                    }
                    if (best >= 0.7) {
                        hit70++;
                    }
                    double[] acc = perClass.computeIfAbsent(g.categoryId(), c -> new double[2]);
                    acc[0] += best;
                    acc[1]++;
                }
            }
            double mabo = 0;
            for (double[] acc : perClass.values()) {
                mabo += acc[0] / acc[1];
            }
            mabo = perClass.isEmpty() ? Double.NaN : mabo / perClass.size();
            rows.add(new Row(n, total == 0 ? Double.NaN : (double) hit50 / total,
                    total == 0 ? Double.NaN : (double) hit70 / total, mabo, images == 0 ? 0 : used / images));
        }
        return rows;
    }
}
