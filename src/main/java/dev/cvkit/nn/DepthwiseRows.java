package dev.cvkit.nn;

/**
 * Inference's depthwise convolution for the common shapes (3×3 and 5×5, stride 1 or 2, no
 * dilation; MobileNet's and SSDLite's): one (image, channel) plane per call, each output row
 * summed over all taps in passes C2 vectorises.
 *
 * <p>C2 (JDK 17) vectorises a loop over several float arrays only when every access is at the
 * same index: a store at {@code acc[x]} next to a load at {@code in[row + x]} or even
 * {@code row[x + 1]} stays scalar (measured: 0.5–1 GMAC/s against 2–6 for the same sum with
 * every operand at {@code [x]}). So each padded input row is copied once per kernel column into
 * its own array, shifted so that tap (ki, kj) of output column x is {@code t[ki][kj][x]} (for
 * stride 2 from the row's even or odd columns), in a ring of k rows; the output row is summed
 * into a scratch row and copied out.
 *
 * <p>Values equal {@link Conv}'s reference loop (taps summed from 0 in (ki, kj) order): where
 * that loop skips a tap in the padding this one adds w·0 = ±0, which leaves a sum that is never
 * −0 unchanged.
 */
final class DepthwiseRows {
    private DepthwiseRows() {}

    /** Per-thread ring of shifted rows ([slot][kj][x]), the even/odd split of one row, and the output row. */
    private static final class Scratch {
        final float[][][][] rings = new float[6][][][]; // by kernel size
        final float[][][][] views = new float[6][][][]; // the ring's rows, or zeros for padding rows
        final float[][][] zeros = new float[6][][]; // never written
        float[] even = new float[0], odd = new float[0], acc = new float[0];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** Whether {@link #plane} handles this geometry (a depthwise convolution's, one channel per group). */
    static boolean applies(ConvGeom g) {
        return g.kh() == g.kw() && (g.kw() == 3 || g.kw() == 5) && g.sh() == g.sw() && (g.sw() == 1 || g.sw() == 2)
                && g.dh() == 1 && g.dw() == 1;
    }

    /**
     * out[yo, yo + oh·ow) = the convolution of the plane x[xo, xo + h·w) with the kernel
     * w[wo, wo + k²) (no bias, no activation).
     */
    static void plane(float[] x, int xo, float[] w, int wo, float[] out, int yo, ConvGeom g) {
        int k = g.kw(), s = g.sw(), oh = g.oh(), ow = g.ow();
        Scratch sc = SCRATCH.get();
        if (sc.rings[k] == null || sc.rings[k][0][0].length < ow) {
            sc.rings[k] = new float[k][k][ow];
            sc.views[k] = new float[k][][];
            sc.zeros[k] = new float[k][ow];
        }
        if (sc.acc.length < ow) sc.acc = new float[ow];
        int half = ow + (k + 1) / 2; // even/odd columns read: 2m + kj < 2·ow + k
        if (s == 2 && sc.even.length < half) {
            sc.even = new float[half];
            sc.odd = new float[half];
        }
        float[][][] ring = sc.rings[k], rows = sc.views[k];
        float[][] zero = sc.zeros[k];
        float[] acc = sc.acc;
        int built = 0; // padded rows [0, built) are (or were) in the ring, row r in slot r % k
        for (int oy = 0; oy < oh; oy++) {
            int r0 = oy * s;
            for (; built < r0 + k; built++) {
                int iy = built - g.ph();
                float[][] t = ring[built % k];
                if (iy < 0 || iy >= g.h()) {
                    rows[built % k] = zero; // a padding row: every shifted copy is zeros
                    continue;
                }
                rows[built % k] = t;
                if (s == 1) {
                    shifted(x, xo + iy * g.w(), g.w(), g.pw(), t, ow);
                } else {
                    split(x, xo + iy * g.w(), g.w(), g.pw(), sc.even, sc.odd, half);
                    for (int kj = 0; kj < k; kj++) System.arraycopy((kj & 1) == 0 ? sc.even : sc.odd, kj >> 1, t[kj], 0, ow);
                }
            }
            // one pass per kernel row: a loop over all k² taps (ten arrays for 3×3) stayed scalar
            if (k == 3) {
                for (int ki = 0; ki < 3; ki++) taps3(rows[(r0 + ki) % 3], w, wo + ki * 3, ki == 0, acc, ow);
            } else {
                for (int ki = 0; ki < 5; ki++) taps5(rows[(r0 + ki) % 5], w, wo + ki * 5, ki == 0, acc, ow);
            }
            System.arraycopy(acc, 0, out, yo + oy * ow, ow);
        }
    }

    /** t[kj][x] = padded input column x + kj (input column x + kj − pad, 0 outside [0, w)) for x in [0, ow). */
    private static void shifted(float[] x, int src, int w, int pad, float[][] t, int ow) {
        for (int kj = 0; kj < t.length; kj++) {
            int shift = kj - pad; // t[x] = in[x + shift]
            int a = Math.min(ow, Math.max(0, -shift)), b = Math.max(a, Math.min(ow, w - shift));
            float[] d = t[kj];
            for (int i = 0; i < a; i++) d[i] = 0f; // the few padding columns: no fill call
            if (b > a) System.arraycopy(x, src + a + shift, d, a, b - a);
            for (int i = b; i < ow; i++) d[i] = 0f;
        }
    }

    /** even[m] = padded column 2m, odd[m] = padded column 2m + 1, for m in [0, len). */
    private static void split(float[] x, int src, int w, int pad, float[] even, float[] odd, int len) {
        splitPhase(x, src, w, -pad, even, len);
        splitPhase(x, src, w, 1 - pad, odd, len);
    }

    /** d[m] = in[2m + shift] inside [0, w), else 0. */
    private static void splitPhase(float[] x, int src, int w, int shift, float[] d, int len) {
        int a = Math.min(len, Math.max(0, (-shift + 1) / 2)); // first m with 2m + shift >= 0
        int b = Math.max(a, Math.min(len, w - shift > 0 ? (w - shift + 1) / 2 : 0)); // first m with 2m + shift >= w
        for (int m = 0; m < a; m++) d[m] = 0f;
        for (int m = a; m < b; m++) d[m] = x[src + 2 * m + shift];
        for (int m = b; m < len; m++) d[m] = 0f;
    }

    // The tap sums: Java's + is left-associative and the rows go in order, so each element is
    // ((0 + w00·x00) + w01·x01) + … in (ki, kj) order, as the reference loop sums it.

    /** One kernel row of a 3×3: acc[x] = (first ? 0 : acc[x]) + w0·t[0][x] + … (left to right). */
    private static void taps3(float[][] t, float[] w, int wk, boolean first, float[] acc, int ow) {
        float[] a0 = t[0], a1 = t[1], a2 = t[2];
        float w0 = w[wk + 0], w1 = w[wk + 1], w2 = w[wk + 2];
        if (first) {
            for (int x = 0; x < ow; x++) acc[x] = 0f + w0 * a0[x] + w1 * a1[x] + w2 * a2[x];
        } else {
            for (int x = 0; x < ow; x++) acc[x] = acc[x] + w0 * a0[x] + w1 * a1[x] + w2 * a2[x];
        }
    }

    /** One kernel row of a 5×5: acc[x] = (first ? 0 : acc[x]) + w0·t[0][x] + … (left to right). */
    private static void taps5(float[][] t, float[] w, int wk, boolean first, float[] acc, int ow) {
        float[] a0 = t[0], a1 = t[1], a2 = t[2], a3 = t[3], a4 = t[4];
        float w0 = w[wk + 0], w1 = w[wk + 1], w2 = w[wk + 2], w3 = w[wk + 3], w4 = w[wk + 4];
        if (first) {
            for (int x = 0; x < ow; x++) acc[x] = 0f + w0 * a0[x] + w1 * a1[x] + w2 * a2[x] + w3 * a3[x] + w4 * a4[x];
        } else {
            for (int x = 0; x < ow; x++) acc[x] = acc[x] + w0 * a0[x] + w1 * a1[x] + w2 * a2[x] + w3 * a3[x] + w4 * a4[x];
        }
    }

}
