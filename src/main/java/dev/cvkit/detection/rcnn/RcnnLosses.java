package dev.cvkit.detection.rcnn;

import dev.cvkit.nn.Functional;
import dev.cvkit.nn.Losses;
import dev.cvkit.tensor.Tensor;

/**
 * Faster R-CNN's four losses, as torchvision's {@code RegionProposalNetwork.compute_loss} and
 * {@code fastrcnn_loss}, differentiable with respect to the heads' outputs. Summed, they are the
 * detector's training objective.
 */
public final class RcnnLosses {
    /** Smooth-L1 threshold of both box losses (torchvision: 1/9). */
    public static final float BETA = 1f / 9;

    private RcnnLosses() {}

    /** A stage's classification and box-regression losses. */
    public record Pair(Tensor classification, Tensor box) {
        /** classification + box. */
        public Tensor total() { return classification.add(box); }
    }

    /**
     * RPN: binary cross-entropy on the sampled anchors' logits (mean) and smooth L1 on the
     * positive anchors' deltas, summed and divided by the number sampled.
     *
     * @param objectness [A] logits of all anchors of the batch (images concatenated)
     * @param deltas [A, 4]
     * @param labels [A] 1 / 0 / −1 ({@link TrainingTargets#rpn}, images concatenated)
     * @param targets [A·4]
     * @param positives sampled anchors with label 1, ascending; {@code negatives} likewise with label 0
     */
    public static Pair rpn(Tensor objectness, Tensor deltas, float[] labels, float[] targets, int[] positives, int[] negatives) {
        int[] sampled = new int[positives.length + negatives.length];
        System.arraycopy(positives, 0, sampled, 0, positives.length);
        System.arraycopy(negatives, 0, sampled, positives.length, negatives.length);
        if (sampled.length == 0) throw new IllegalArgumentException("RPN loss: no anchors sampled");
        Tensor logits = Functional.rows(objectness.reshape(objectness.numel(), 1), sampled);
        float[] t = new float[sampled.length];
        for (int i = 0; i < sampled.length; i++) t[i] = labels[sampled[i]];
        Tensor cls = Losses.bceWithLogits(logits.reshape(sampled.length), Tensor.of(t, sampled.length));
        Tensor box = boxSum(Functional.rows(deltas.reshape(deltas.numel() / 4, 4), positives), targets, positives)
                .mul(1f / sampled.length);
        return new Pair(cls, box);
    }

    /**
     * Box head: cross-entropy of the class logits over all sampled proposals (mean), and smooth
     * L1 of the deltas of each positive proposal's own class, summed and divided by the number
     * of proposals.
     *
     * @param classLogits [N, C]
     * @param boxRegression [N, C·4]
     * @param labels [N] classes of the sampled proposals (0 background)
     * @param targets [N·4] their regression targets
     */
    public static Pair fastRcnn(Tensor classLogits, Tensor boxRegression, int[] labels, float[] targets) {
        int n = classLogits.size(0), c = classLogits.size(1);
        float[] lab = new float[n];
        int pos = 0;
        for (int i = 0; i < n; i++) {
            lab[i] = labels[i];
            if (labels[i] > 0) pos++;
        }
        Tensor cls = Losses.crossEntropy(classLogits, Tensor.of(lab, n));
        int[] rowsOfClass = new int[pos], posIdx = new int[pos];
        for (int i = 0, k = 0; i < n; i++) {
            if (labels[i] > 0) {
                rowsOfClass[k] = i * c + labels[i];
                posIdx[k++] = i;
            }
        }
        Tensor picked = Functional.rows(boxRegression.reshape(n * c, 4), rowsOfClass);
        Tensor box = boxSum(picked, targets, posIdx).mul(1f / n);
        return new Pair(cls, box);
    }

    /** Σ smooth-L1(pred, targets[rows]) with β = 1/9 (a sum: torchvision's reduction="sum"). */
    private static Tensor boxSum(Tensor pred, float[] targets, int[] rows) {
        if (rows.length == 0) return pred.sum().mul(0f);
        float[] t = new float[rows.length * 4];
        for (int i = 0; i < rows.length; i++) System.arraycopy(targets, 4 * rows[i], t, 4 * i, 4);
        return Losses.smoothL1(pred, Tensor.of(t, rows.length, 4), BETA).mul(rows.length * 4f);
    }
}
