package dev.cvkit.detection.ops;

import dev.cvkit.tensor.Parallel;

/**
 * Channels-last views of [N, C, P] data (P = H·W) as one {@code float[C]} per pixel, the layout
 * the RoI kernels run on. Why arrays per pixel rather than one flat [N, P, C] array: a loop like
 * {@code acc[c] += w * pixel[c]} indexes every array with the same {@code c}, which Java 17's
 * JIT vectorises; with one flat array ({@code acc[c] += w * f[o + c]}) it cannot rule out
 * overlap and runs scalar (measured ~3× slower). Pure copies: any thread count.
 */
final class ChannelsLast {
    private ChannelsLast() {}

    /** pixels[b·P + p][c] = x[(b·C + c)·P + p]. */
    static float[][] of(float[] x, int n, int c, int p) {
        float[][] t = new float[n * p][c];
        int rows = Math.max(1, Math.min(p, 64)), chunk = (p + rows - 1) / rows;
        Parallel.forEach(n * rows, task -> {
            int b = task / rows, p0 = (task % rows) * chunk, p1 = Math.min(p, p0 + chunk);
            for (int ch = 0; ch < c; ch++) {
                int src = (b * c + ch) * p;
                for (int i = p0; i < p1; i++) t[b * p + i][ch] = x[src + i];
            }
        });
        return t;
    }

    /** dst [N, C, P] += pixels[b·P + p][c]. */
    static void addInto(float[] dst, float[][] pixels, int n, int c, int p) {
        Parallel.forEach(n * c, plane -> {
            int b = plane / c, ch = plane % c, d = plane * p;
            for (int i = 0; i < p; i++) dst[d + i] += pixels[b * p + i][ch];
        });
    }
}
