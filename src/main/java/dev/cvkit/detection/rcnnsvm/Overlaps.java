package dev.cvkit.detection.rcnnsvm;

/** Intersection over union between regions and ground-truth boxes (x1, y1, x2, y2, flat). */
final class Overlaps {
    private Overlaps() {}

    static float iou(float[] a, int i, float[] b, int j) {
        float ix = Math.min(a[i + 2], b[j + 2]) - Math.max(a[i], b[j]);
        float iy = Math.min(a[i + 3], b[j + 3]) - Math.max(a[i + 1], b[j + 1]);
        if (ix <= 0 || iy <= 0) return 0;
        float inter = ix * iy;
        float union = (a[i + 2] - a[i]) * (a[i + 3] - a[i + 1]) + (b[j + 2] - b[j]) * (b[j + 3] - b[j + 1]) - inter;
        return union > 0 ? inter / union : 0;
    }

    /** For each region: the index of the ground-truth box it overlaps most (−1: none) and that IoU. */
    record Match(int[] best, float[] iou) {}

    static Match match(float[] regions, float[] truth) {
        int n = regions.length / 4, g = truth.length / 4;
        int[] best = new int[n];
        float[] iou = new float[n];
        for (int i = 0; i < n; i++) {
            best[i] = -1;
            for (int j = 0; j < g; j++) {
                float v = iou(regions, 4 * i, truth, 4 * j);
                if (v > iou[i]) {
                    iou[i] = v;
                    best[i] = j;
                }
            }
        }
        return new Match(best, iou);
    }

    /** For each region, its highest IoU with a ground-truth box of each class (labels 1-based): [regions][classes]. */
    static float[][] perClass(float[] regions, float[] truth, int[] labels, int classes) {
        int n = regions.length / 4;
        float[][] out = new float[n][classes];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < labels.length; j++) {
                float v = iou(regions, 4 * i, truth, 4 * j);
                int c = labels[j] - 1;
                if (v > out[i][c]) out[i][c] = v;
            }
        }
        return out;
    }
}
