package dev.cvkit.detection.targets;

/**
 * Assigns each prediction (anchor or proposal) the ground-truth box it overlaps most, as
 * {@code torchvision.models.detection._utils.Matcher}: IoU ≥ high matches that box; below
 * low is background ({@link #BELOW_LOW}); in between is ignored ({@link #BETWEEN}). With
 * {@code allowLowQuality} (Faster R-CNN's RPN), every prediction whose IoU equals some ground
 * truth's best IoU keeps its own best match even below the thresholds, so no ground-truth box
 * is left without a prediction.
 */
public final class Matcher {
    /** Match value of a prediction whose best IoU is below the low threshold. */
    public static final int BELOW_LOW = -1;
    /** Match value of a prediction whose best IoU lies between the thresholds. */
    public static final int BETWEEN = -2;
    private final float high, low;
    private final boolean allowLowQuality;

    public Matcher(float high, float low, boolean allowLowQuality) {
        if (!(low <= high)) throw new IllegalArgumentException("matcher: low threshold " + low + " above high " + high);
        this.high = high;
        this.low = low;
        this.allowLowQuality = allowLowQuality;
    }

    /**
     * @param quality [G·P] IoUs, row g = ground-truth box g against the P predictions
     * @return [P] the matched ground-truth index, {@link #BELOW_LOW} or {@link #BETWEEN}
     */
    public int[] match(float[] quality, int g, int p) {
        if (g <= 0) throw new IllegalArgumentException("matcher: no ground-truth boxes (torchvision raises here too)");
        if (p <= 0) throw new IllegalArgumentException("matcher: no predictions to match (torchvision raises here too)");
        if (quality.length != (long) g * p) throw new IllegalArgumentException("matcher: " + quality.length + " IoUs for " + g + "×" + p);
        int[] matches = new int[p];
        float[] best = new float[p];
        for (int j = 0; j < p; j++) {
            // torch.max over dim 0: the first maximum (a NaN wins, as in torch's max kernel)
            float m = quality[j];
            int arg = 0;
            for (int i = 1; i < g; i++) {
                float v = quality[i * p + j];
                if (!(v <= m) && !Float.isNaN(m)) {
                    m = v;
                    arg = i;
                }
            }
            best[j] = m;
            matches[j] = arg;
        }
        int[] all = allowLowQuality ? matches.clone() : null;
        for (int j = 0; j < p; j++) {
            if (best[j] < low) matches[j] = BELOW_LOW;
            else if (best[j] < high) matches[j] = BETWEEN;
        }
        if (allowLowQuality) {
            for (int i = 0; i < g; i++) {
                float top = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < p; j++) top = Math.max(top, quality[i * p + j]);
                for (int j = 0; j < p; j++) if (quality[i * p + j] == top) matches[j] = all[j];
            }
        }
        return matches;
    }

    /**
     * IoU of every box of {@code a} [G·4] with every box of {@code b} [P·4] → [G·P], as
     * {@code torchvision.ops.box_iou} in float32: inter / (area_a + area_b − inter).
     */
    public static float[] boxIou(float[] a, float[] b) {
        int g = a.length / 4, p = b.length / 4;
        float[] out = new float[g * p];
        for (int i = 0; i < g; i++) {
            float ax1 = a[4 * i], ay1 = a[4 * i + 1], ax2 = a[4 * i + 2], ay2 = a[4 * i + 3];
            float areaA = (ax2 - ax1) * (ay2 - ay1);
            for (int j = 0; j < p; j++) {
                float bx1 = b[4 * j], by1 = b[4 * j + 1], bx2 = b[4 * j + 2], by2 = b[4 * j + 3];
                float areaB = (bx2 - bx1) * (by2 - by1);
                float w = Math.max(Math.min(ax2, bx2) - Math.max(ax1, bx1), 0f);
                float h = Math.max(Math.min(ay2, by2) - Math.max(ay1, by1), 0f);
                float inter = w * h;
                out[i * p + j] = inter / (areaA + areaB - inter);
            }
        }
        return out;
    }
}
