package dev.cvkit.detection.ops;

import dev.cvkit.tensor.Parallel;

/** Layout changes between [N, C, P] (channels first, P = H·W) and [N, P, C]; pure copies, any thread count. */
final class ChannelsLast {
    private ChannelsLast() {}

    /** A channels-last copy of x [N, C, P]. */
    static float[] of(float[] x, int n, int c, int p) {
        float[] t = new float[x.length];
        int rows = Math.max(1, Math.min(p, 64)), chunk = (p + rows - 1) / rows;
        Parallel.forEach(n * rows, task -> {
            int b = task / rows, p0 = (task % rows) * chunk, p1 = Math.min(p, p0 + chunk);
            for (int ch = 0; ch < c; ch++) {
                int src = (b * c + ch) * p;
                for (int i = p0; i < p1; i++) t[(b * p + i) * c + ch] = x[src + i];
            }
        });
        return t;
    }

    /** dst [N, C, P] += src [N, P, C]. */
    static void addInto(float[] dst, float[] src, int n, int c, int p) {
        Parallel.forEach(n * c, plane -> {
            int b = plane / c, ch = plane % c, d = plane * p;
            for (int i = 0; i < p; i++) dst[d + i] += src[(b * p + i) * c + ch];
        });
    }
}
