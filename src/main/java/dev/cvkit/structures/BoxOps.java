package dev.cvkit.structures;

import java.util.Arrays;

/**
 * Box arithmetic: IoU of {x, y, w, h} boxes (COCO convention) and torchvision-exact non-maximum
 * suppression of {@code [x1, y1, x2, y2]} boxes.
 *
 * <p>The NMS functions reproduce {@code torchvision.ops.nms} / {@code batched_nms} (0.14, CPU)
 * bit for bit: float32 arithmetic in the same order, areas {@code (x2 − x1)·(y2 − y1)} without
 * the old "+1", a box is suppressed when its IoU with a kept box is strictly greater than the
 * threshold, and candidates are visited in a stable descending sort of the scores (equal scores
 * keep index order, NaN scores count as the largest, −0 equals +0).
 */
public final class BoxOps {
    private BoxOps() {}

    /** Intersection over union of two XYWH boxes; 0 when either is empty. */
    public static double iou(double ax, double ay, double aw, double ah, double bx, double by, double bw, double bh) {
        double iw = Math.min(ax + aw, bx + bw) - Math.max(ax, bx);
        double ih = Math.min(ay + ah, by + bh) - Math.max(ay, by);
        if (iw <= 0 || ih <= 0) {
            return 0;
        }
        double inter = iw * ih;
        return inter / (aw * ah + bw * bh - inter);
    }

    /**
     * Greedy NMS as {@code torchvision.ops.nms(boxes, scores, iouThreshold)}.
     *
     * @param boxes float[N·4], rows {@code [x1, y1, x2, y2]} (x1 ≤ x2, y1 ≤ y2 expected; other
     *              boxes get torchvision's arithmetic, e.g. a negative area)
     * @param scores float[N]
     * @return indices of the kept boxes, by descending score
     */
    public static int[] nms(float[] boxes, float[] scores, double iouThreshold) {
        int n = checkBoxes(boxes, scores);
        if (n == 0) {
            return new int[0];
        }
        int[] order = descendingOrder(scores);
        // The candidates still in play, in visiting order, as parallel arrays [head, m): the
        // head is kept, the IoU of every later one with it is computed in one loop the JIT
        // vectorises (same index everywhere, no branches), and only when some exceed the
        // threshold are the survivors moved down. This compares exactly the pairs torchvision's
        // loop compares (a kept box against every later unsuppressed one) with the same float
        // arithmetic, so the result is the same.
        float[] x1 = new float[n], y1 = new float[n], x2 = new float[n], y2 = new float[n], area = new float[n];
        float[] iou = new float[n];
        int[] idx = new int[n];
        for (int k = 0; k < n; k++) {
            int i = order[k] * 4;
            idx[k] = order[k];
            x1[k] = boxes[i];
            y1[k] = boxes[i + 1];
            x2[k] = boxes[i + 2];
            y2[k] = boxes[i + 3];
            area[k] = (x2[k] - x1[k]) * (y2[k] - y1[k]);
        }
        int[] keep = new int[n];
        int kept = 0;
        for (int head = 0, m = n; head < m; ) {
            keep[kept++] = idx[head];
            float ax1 = x1[head], ay1 = y1[head], ax2 = x2[head], ay2 = y2[head], aArea = area[head];
            // Math.max/min equal C++'s std::max/min on numbers; a NaN coordinate makes an area
            // NaN, so such a pair never suppresses in either (non-finite input aside)
            for (int b = head + 1; b < m; b++) {
                float iw = Math.max(0f, Math.min(ax2, x2[b]) - Math.max(ax1, x1[b]));
                float ih = Math.max(0f, Math.min(ay2, y2[b]) - Math.max(ay1, y1[b]));
                float inter = iw * ih;
                iou[b] = inter / (aArea + area[b] - inter);
            }
            int first = head + 1;
            while (first < m && !(iou[first] > iouThreshold)) first++; // float → double as C++ promotes it
            int w = first;
            for (int b = first; b < m; b++) {
                if (iou[b] > iouThreshold) continue;
                x1[w] = x1[b];
                y1[w] = y1[b];
                x2[w] = x2[b];
                y2[w] = y2[b];
                area[w] = area[b];
                idx[w++] = idx[b];
            }
            head++;
            m = w;
        }
        return Arrays.copyOf(keep, kept);
    }

    /**
     * NMS within each category as {@code torchvision.ops.batched_nms(boxes, scores, idxs,
     * iouThreshold)}: boxes of different {@code idxs} never suppress each other. Like
     * torchvision, up to 1000 boxes shift each category's boxes by {@code idx·(max coordinate + 1)}
     * (float32) and run one NMS — the shifted coordinates round as torchvision's do — and more
     * boxes run NMS per category and sort the survivors by score with torch's unstable sort
     * (replicated by {@link TorchSort}, so equal scores come in torch's order too).
     *
     * @param boxes float[N·4] {@code [x1, y1, x2, y2]}
     * @param idxs int[N] category (or image) of each box
     * @return indices of the kept boxes, by descending score
     */
    public static int[] batchedNms(float[] boxes, float[] scores, int[] idxs, double iouThreshold) {
        int n = checkBoxes(boxes, scores);
        if (idxs.length != n) {
            throw new IllegalArgumentException("batchedNms: " + n + " boxes but " + idxs.length + " idxs");
        }
        if (n == 0) {
            return new int[0];
        }
        if (boxes.length > 4000) {
            return batchedNmsPerCategory(boxes, scores, idxs, iouThreshold);
        }
        float max = Float.NEGATIVE_INFINITY;
        for (float v : boxes) {
            max = v != v ? v : Math.max(max, v); // torch.max propagates NaN
        }
        float step = max + 1f;
        float[] shifted = new float[boxes.length];
        for (int i = 0; i < n; i++) {
            float off = (float) idxs[i] * step;
            for (int k = 0; k < 4; k++) {
                shifted[i * 4 + k] = boxes[i * 4 + k] + off;
            }
        }
        return nms(shifted, scores, iouThreshold);
    }

    private static int[] batchedNmsPerCategory(float[] boxes, float[] scores, int[] idxs, double iouThreshold) {
        int n = scores.length;
        int[] byCat = new int[n];
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            keys[i] = ((long) idxs[i] << 32) | i;
        }
        Arrays.sort(keys);
        for (int i = 0; i < n; i++) {
            byCat[i] = (int) keys[i];
        }
        boolean[] keepMask = new boolean[n];
        for (int s = 0; s < n; ) {
            int e = s;
            while (e < n && idxs[byCat[e]] == idxs[byCat[s]]) e++;
            float[] b = new float[(e - s) * 4], sc = new float[e - s];
            for (int k = s; k < e; k++) {
                System.arraycopy(boxes, byCat[k] * 4, b, (k - s) * 4, 4);
                sc[k - s] = scores[byCat[k]];
            }
            for (int k : nms(b, sc, iouThreshold)) {
                keepMask[byCat[s + k]] = true;
            }
            s = e;
        }
        int m = 0;
        for (boolean k : keepMask) if (k) m++;
        int[] kept = new int[m];
        float[] keptScores = new float[m];
        for (int i = 0, j = 0; i < n; i++) {
            if (keepMask[i]) {
                kept[j] = i;
                keptScores[j++] = scores[i];
            }
        }
        int[] order = TorchSort.descendingIndices(keptScores); // torch's unstable sort: its tie order
        int[] out = new int[m];
        for (int i = 0; i < m; i++) out[i] = kept[order[i]];
        return out;
    }

    /**
     * Indices that sort {@code scores} descending, stably (torch's stable descending sort: NaN
     * first, −0 == +0). One primitive sort of (key, index) pairs packed into longs.
     */
    static int[] descendingOrder(float[] scores) {
        int n = scores.length;
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            float s = scores[i];
            int bits = s != s ? 0x7fc00000 : Float.floatToIntBits(s + 0f); // canonical NaN; -0 → +0
            int asc = bits ^ ((bits >> 31) & 0x7fffffff); // signed-int order == float order
            keys[i] = ((long) ~asc << 32) | i; // ~ flips to descending; low half breaks ties by index
        }
        Arrays.sort(keys);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = (int) keys[i];
        }
        return order;
    }

    private static int checkBoxes(float[] boxes, float[] scores) {
        if (boxes.length != scores.length * 4) {
            throw new IllegalArgumentException("nms: boxes must be N·4 floats for N scores, got " + boxes.length
                    + " floats and " + scores.length + " scores");
        }
        return scores.length;
    }

    /**
     * A box coordinate clamped into [0, size], as torchvision's clip_boxes_to_image (torch's
     * clamp: NaN stays NaN).
     */
    public static float clampToImage(float v, float size) {
        return v != v ? v : Math.min(Math.max(v, 0f), size);
    }
}
