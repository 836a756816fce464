package dev.cvkit.detection.rcnn;

import dev.cvkit.image.RgbImage;
import dev.cvkit.proposals.SelectiveSearch;
import dev.cvkit.proposals.SelectiveSearchMode;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Fast R-CNN's proposals: selective search (cvkit's, the lecture's region proposal method) on the
 * original image, best-ranked first, at most {@code max}, as x1, y1, x2, y2 in its pixels.
 * Seeded, so an image always gets the same proposals.
 */
public record SelectiveSearchProposals(SelectiveSearchMode mode, int max, long seed) {
    public SelectiveSearchProposals {
        if (max < 1 || max > 100_000) throw new IllegalArgumentException("proposals: max " + max + " is not in 1..100000");
    }

    public float[] propose(RgbImage img) {
        int[][] r;
        try (Mat bgr = img.toBgrMat()) {
            r = new SelectiveSearch(mode, seed).propose(bgr);
        }
        int n = Math.min(max, r.length);
        float[] out = new float[4 * n];
        for (int k = 0; k < n; k++) {
            out[4 * k] = r[k][0];
            out[4 * k + 1] = r[k][1];
            out[4 * k + 2] = r[k][0] + r[k][2];
            out[4 * k + 3] = r[k][1] + r[k][3];
        }
        return out;
    }
}
