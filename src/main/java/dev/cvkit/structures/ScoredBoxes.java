package dev.cvkit.structures;

/**
 * A detector's output for one image: boxes [K·4] (x1, y1, x2, y2), their scores and labels, by
 * descending score. The R-CNN, RetinaNet and SSD decoders all end the same way, with
 * {@link #nmsPerLabel}.
 */
public record ScoredBoxes(float[] boxes, float[] scores, int[] labels) {
    public int count() { return scores.length; }

    /**
     * NMS per label ({@link BoxOps#batchedNms}, torchvision's), then the best {@code max}
     * survivors, highest score first.
     */
    public static ScoredBoxes nmsPerLabel(float[] boxes, float[] scores, int[] labels, double iou, int max) {
        int[] keep = BoxOps.batchedNms(boxes, scores, labels, iou);
        int k = Math.min(keep.length, max);
        float[] b = new float[4 * k], s = new float[k];
        int[] l = new int[k];
        for (int j = 0; j < k; j++) {
            System.arraycopy(boxes, 4 * keep[j], b, 4 * j, 4);
            s[j] = scores[keep[j]];
            l[j] = labels[keep[j]];
        }
        return new ScoredBoxes(b, s, l);
    }
}
