package dev.cvkit.detection.yolo;

import dev.cvkit.structures.ScoredBoxes;
import java.util.List;

/** The last step of both YOLO decoders: candidates clipped to the input, the best kept, NMS per class. */
final class Candidates {
    /** Below this score threshold (evaluation's 0.001) a box may propose several classes. */
    static final float MULTI_LABEL_BELOW = 0.01f;

    private Candidates() {}

    /**
     * Adds box q's candidates: at an evaluation threshold (below {@value #MULTI_LABEL_BELOW})
     * every class scoring above it, which is what COCO AP rewards; otherwise only its best class
     * when it scores above it, so that {@code detect} shows one label per object. Ultralytics
     * does the same (multi-label in validation, not in prediction).
     */
    static void add(List<int[]> cand, int q, float[] scores, int k, float conf) {
        if (conf < MULTI_LABEL_BELOW) {
            for (int c = 0; c < k; c++) if (scores[q * k + c] > conf) cand.add(new int[] {q, c});
            return;
        }
        int best = 0;
        for (int c = 1; c < k; c++) if (scores[q * k + c] > scores[q * k + best]) best = c;
        if (scores[q * k + best] > conf) cand.add(new int[] {q, best});
    }

    /**
     * @param cand   (box index, class) pairs
     * @param boxes  [·4] boxes by box index; {@code scores} [box index · K + class]
     */
    static ScoredBoxes nms(List<int[]> cand, float[] boxes, float[] scores, int k, int size, float iou, int maxDet, int maxCandidates) {
        cand.sort((x, y) -> Float.compare(scores[y[0] * k + y[1]], scores[x[0] * k + x[1]]));
        int m = Math.min(cand.size(), maxCandidates);
        float[] b = new float[4 * m], s = new float[m];
        int[] l = new int[m];
        for (int j = 0; j < m; j++) {
            int q = cand.get(j)[0];
            for (int c = 0; c < 4; c++) b[4 * j + c] = Math.max(0, Math.min(size, boxes[4 * q + c]));
            s[j] = scores[q * k + cand.get(j)[1]];
            l[j] = cand.get(j)[1];
        }
        return ScoredBoxes.nmsPerLabel(b, s, l, iou, maxDet);
    }
}
