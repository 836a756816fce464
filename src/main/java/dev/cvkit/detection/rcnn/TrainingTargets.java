package dev.cvkit.detection.rcnn;

import dev.cvkit.detection.targets.BoxCoder;
import dev.cvkit.detection.targets.Matcher;

/**
 * What the two stages of Faster R-CNN are trained towards, per image, as torchvision's
 * {@code RegionProposalNetwork.assign_targets_to_anchors} and
 * {@code RoIHeads.assign_targets_to_proposals}: IoU matching ({@link Matcher}), labels, and
 * regression targets encoded against each anchor or proposal ({@link BoxCoder}).
 */
public final class TrainingTargets {
    private TrainingTargets() {}

    /**
     * Per anchor or proposal: {@code labels} (RPN: 1 object, 0 background, −1 ignored; box head:
     * the class, 0 background, −1 ignored) and {@code targets} [N·4], the deltas that move it onto
     * its matched ground-truth box (computed for every row, as torchvision, and used only for
     * positives), and {@code matched}, the index of that box (0 for rows matched to none).
     */
    public record Assigned(float[] labels, float[] targets, int[] matched) {}

    /** RPN targets: Matcher(0.7, 0.3, low-quality matches) and weights (1, 1, 1, 1) in Faster R-CNN. */
    public static Assigned rpn(float[] anchors, float[] gt, Matcher matcher, BoxCoder coder) {
        int a = anchors.length / 4;
        float[] labels = new float[a], matched = new float[anchors.length];
        int[] idx = new int[a];
        if (gt.length > 0) {
            int[] m = matcher.match(Matcher.boxIou(gt, anchors), gt.length / 4, a);
            for (int j = 0; j < a; j++) {
                idx[j] = Math.max(m[j], 0);
                System.arraycopy(gt, 4 * idx[j], matched, 4 * j, 4);
                labels[j] = m[j] >= 0 ? 1f : m[j] == Matcher.BELOW_LOW ? 0f : -1f;
            }
        }
        return new Assigned(labels, coder.encode(matched, anchors), idx);
    }

    /**
     * Box-head targets for {@code proposals} with the ground-truth boxes appended as proposals
     * (torchvision's add_gt_proposals; the returned rows follow that order): Matcher(0.5, 0.5)
     * and weights (10, 10, 5, 5) in Faster R-CNN. {@code gtLabels} are the classes (≥ 1).
     */
    public static Assigned boxHead(float[] proposals, float[] gt, int[] gtLabels, Matcher matcher, BoxCoder coder) {
        float[] all = new float[proposals.length + gt.length];
        System.arraycopy(proposals, 0, all, 0, proposals.length);
        System.arraycopy(gt, 0, all, proposals.length, gt.length);
        int n = all.length / 4;
        float[] labels = new float[n], matched = new float[all.length];
        int[] idx = new int[n];
        if (gt.length > 0) {
            int[] m = matcher.match(Matcher.boxIou(gt, all), gt.length / 4, n);
            for (int j = 0; j < n; j++) {
                int g = Math.max(m[j], 0);
                idx[j] = g;
                System.arraycopy(gt, 4 * g, matched, 4 * j, 4);
                labels[j] = m[j] == Matcher.BELOW_LOW ? 0f : m[j] == Matcher.BETWEEN ? -1f : gtLabels[g];
            }
        }
        return new Assigned(labels, coder.encode(matched, all), idx);
    }

    /** The proposals the box head trains on: the given ones followed by the ground truth. */
    public static float[] withGroundTruth(float[] proposals, float[] gt) {
        float[] all = java.util.Arrays.copyOf(proposals, proposals.length + gt.length);
        System.arraycopy(gt, 0, all, proposals.length, gt.length);
        return all;
    }
}
