package dev.cvkit.detection.ssd;

import dev.cvkit.detection.targets.AnchorOrder;
import dev.cvkit.detection.targets.BoxCoder;
import dev.cvkit.detection.targets.Matcher;
import dev.cvkit.nn.Functional;
import dev.cvkit.nn.Losses;
import dev.cvkit.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * SSD's loss, as torchvision's SSD.compute_loss: each ground-truth box takes its best default box
 * and every default box with IoU ≥ 0.5 takes its best ground truth; smooth L1 (β 1) on the
 * matched boxes' deltas (weights 10, 10, 5, 5) and cross-entropy on the matched boxes plus, per
 * image, the 3× as many unmatched boxes with the highest cross-entropy (hard negative mining),
 * both summed and divided by the number of matched boxes in the batch.
 */
public final class SsdLosses {
    private static final BoxCoder CODER = new BoxCoder(10f, 10f, 5f, 5f);
    private static final Matcher MATCHER = new Matcher(0.5f, 0.5f, false);

    private SsdLosses() {}

    /** Box regression and classification losses. */
    public record Pair(Tensor regression, Tensor classification) {}

    /**
     * @param boxes one image's default boxes [A·4] (shared by the batch)
     * @param gtBoxes per image [G·4]; {@code gtLabels} per image, classes ≥ 1
     */
    public static Pair compute(SsdHead.Output head, int classes, float[] boxes, List<float[]> gtBoxes, List<int[]> gtLabels) {
        int n = gtBoxes.size(), a = boxes.length / 4;
        Tensor logits = AnchorOrder.flatten(head.classLogits(), classes), deltas = AnchorOrder.flatten(head.boxDeltas(), 4);
        int fgTotal = 0;
        List<Integer> fgRows = new ArrayList<>();
        List<Float> targets = new ArrayList<>();
        float[] cls = new float[n * a];
        for (int i = 0; i < n; i++) {
            float[] gt = gtBoxes.get(i);
            int g = gt.length / 4;
            int[] m = match(gt, g, boxes, a);
            for (int j = 0; j < a; j++) {
                if (m[j] < 0) continue;
                fgTotal++;
                fgRows.add(i * a + j);
                cls[i * a + j] = gtLabels.get(i)[m[j]];
                float[] t = CODER.encode(java.util.Arrays.copyOfRange(gt, 4 * m[j], 4 * m[j] + 4),
                        java.util.Arrays.copyOfRange(boxes, 4 * j, 4 * j + 4));
                for (float v : t) targets.add(v);
            }
        }
        float denom = Math.max(1, fgTotal);
        Tensor reg;
        if (fgRows.isEmpty()) {
            reg = deltas.sum().mul(0f);
        } else {
            float[] t = new float[targets.size()];
            for (int k = 0; k < t.length; k++) t[k] = targets.get(k);
            reg = Losses.smoothL1(Functional.rows(deltas, ints(fgRows)), Tensor.of(t, fgRows.size(), 4), 1f)
                    .mul(t.length / denom);
        }
        // per-box cross-entropy (values only) to rank the negatives of each image
        float[] ce = crossEntropies(logits.data(), cls, classes);
        List<Integer> chosen = new ArrayList<>(fgRows);
        for (int i = 0; i < n; i++) {
            int fg = 0;
            List<Integer> neg = new ArrayList<>();
            for (int j = 0; j < a; j++) {
                if (cls[i * a + j] > 0) fg++;
                else neg.add(i * a + j);
            }
            neg.sort((x, y) -> Float.compare(ce[y], ce[x]));
            for (int k = 0; k < Math.min(3 * fg, neg.size()); k++) chosen.add(neg.get(k));
        }
        int[] rows = ints(chosen);
        float[] t = new float[rows.length];
        for (int k = 0; k < rows.length; k++) t[k] = cls[rows[k]];
        Tensor clsLoss = Losses.crossEntropy(Functional.rows(logits, rows), Tensor.of(t, rows.length))
                .mul(rows.length / denom);
        return new Pair(reg, clsLoss);
    }

    /** SSDMatcher: IoU ≥ 0.5 to the best ground truth, and each ground truth's best box forced to it. */
    static int[] match(float[] gt, int g, float[] boxes, int a) {
        int[] m = new int[a];
        if (g == 0) {
            java.util.Arrays.fill(m, Matcher.BELOW_LOW);
            return m;
        }
        float[] iou = Matcher.boxIou(gt, boxes);
        m = MATCHER.match(iou, g, a);
        for (int i = 0; i < g; i++) {
            int best = 0;
            for (int j = 1; j < a; j++) if (iou[i * a + j] > iou[i * a + best]) best = j;
            m[best] = i;
        }
        return m;
    }

    /** −log softmax(x)[label] per row, float32 as torch's log_softmax. */
    private static float[] crossEntropies(float[] x, float[] labels, int c) {
        float[] out = new float[labels.length];
        for (int r = 0; r < labels.length; r++) {
            float max = Float.NEGATIVE_INFINITY;
            for (int k = 0; k < c; k++) max = Math.max(max, x[r * c + k]);
            double sum = 0;
            for (int k = 0; k < c; k++) sum += Math.exp(x[r * c + k] - max);
            out[r] = (float) (Math.log(sum) - (x[r * c + (int) labels[r]] - max));
        }
        return out;
    }

    private static int[] ints(List<Integer> xs) {
        int[] r = new int[xs.size()];
        for (int i = 0; i < r.length; i++) r[i] = xs.get(i);
        return r;
    }
}
