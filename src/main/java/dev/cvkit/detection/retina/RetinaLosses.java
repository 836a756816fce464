package dev.cvkit.detection.retina;

import dev.cvkit.detection.targets.AnchorOrder;
import dev.cvkit.detection.targets.BoxCoder;
import dev.cvkit.detection.targets.Matcher;
import dev.cvkit.nn.Functional;
import dev.cvkit.nn.Losses;
import dev.cvkit.tensor.Tensor;
import java.util.List;

/**
 * RetinaNet's losses, as torchvision's RetinaNet.compute_loss: anchors matched to ground truth
 * with Matcher(0.5, 0.4, low-quality matches); per image, the sigmoid focal loss (α 0.25, γ 2)
 * summed over every anchor not in the ignored band, one-hot on the matched class, and the L1
 * loss of the foreground anchors' deltas (weights 1, 1, 1, 1), each divided by the image's
 * number of foreground anchors (at least 1); both averaged over the images.
 */
public final class RetinaLosses {
    private static final Matcher MATCHER = new Matcher(0.5f, 0.4f, true);
    private static final BoxCoder CODER = new BoxCoder(1f, 1f, 1f, 1f);

    private RetinaLosses() {}

    /** Classification (focal) and box-regression (L1) losses. */
    public record Pair(Tensor classification, Tensor regression) {}

    /**
     * @param head the head's outputs per level
     * @param anchors one image's anchors [ΣA·4] (shared by the batch)
     * @param gtBoxes per image [G·4]; {@code gtLabels} per image, class indices 0 … K−1
     */
    public static Pair compute(RetinaHead.Output head, int classes, float[] anchors, List<float[]> gtBoxes, List<int[]> gtLabels) {
        int n = gtBoxes.size(), a = anchors.length / 4;
        Tensor logits = AnchorOrder.flatten(head.classLogits(), classes), deltas = AnchorOrder.flatten(head.boxDeltas(), 4);
        if (logits.size(0) != n * a) throw new IllegalArgumentException("RetinaNet loss: " + logits.size(0) / Math.max(1, n) + " predictions per image for " + a + " anchors");
        Tensor cls = null, reg = null;
        for (int i = 0; i < n; i++) {
            float[] gt = gtBoxes.get(i);
            int g = gt.length / 4;
            int[] m = new int[a];
            if (g == 0) java.util.Arrays.fill(m, Matcher.BELOW_LOW);
            else m = MATCHER.match(Matcher.boxIou(gt, anchors), g, a);
            int valid = 0, fg = 0;
            for (int v : m) {
                if (v != Matcher.BETWEEN) valid++;
                if (v >= 0) fg++;
            }
            int[] validRows = new int[valid], fgRows = new int[fg], fgLocal = new int[fg];
            float[] target = new float[valid * classes];
            for (int j = 0, vi = 0, fi = 0; j < a; j++) {
                if (m[j] == Matcher.BETWEEN) continue;
                if (m[j] >= 0) {
                    target[vi * classes + gtLabels.get(i)[m[j]]] = 1f;
                    fgRows[fi] = i * a + j;
                    fgLocal[fi++] = j;
                }
                validRows[vi++] = i * a + j;
            }
            float denom = Math.max(1, fg);
            Tensor focal = Losses.focal(Functional.rows(logits, validRows), Tensor.of(target, valid, classes), 0.25f, 2f)
                    .mul(valid * classes / denom);
            Tensor l1;
            if (fg == 0) {
                l1 = deltas.sum().mul(0f);
            } else {
                float[] matched = new float[fg * 4], fgAnchors = new float[fg * 4];
                for (int k = 0; k < fg; k++) {
                    System.arraycopy(gt, 4 * m[fgLocal[k]], matched, 4 * k, 4);
                    System.arraycopy(anchors, 4 * fgLocal[k], fgAnchors, 4 * k, 4);
                }
                float[] t = CODER.encode(matched, fgAnchors);
                l1 = Losses.l1(Functional.rows(deltas, fgRows), Tensor.of(t, fg, 4)).mul(fg * 4 / denom);
            }
            cls = cls == null ? focal : cls.add(focal);
            reg = reg == null ? l1 : reg.add(l1);
        }
        return new Pair(cls.mul(1f / n), reg.mul(1f / n));
    }
}
