package dev.cvkit.nn;

import dev.cvkit.tensor.Gemm;
import dev.cvkit.tensor.NativeFloats;
import dev.cvkit.tensor.Parallel;

/**
 * 3×3 stride-1 convolution by Winograd F(2×2, 3×3): each 2×2 output tile is
 * Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A of its 4×4 input tile d, so the channel sums become 16 GEMMs
 * (one per transform position ξ) of U_ξ (K×C) by V_ξ (C×tiles): 16 products per tile and
 * channel pair where the direct form needs 36 (2.25× fewer multiplications).
 *
 * <p>Work is split into chunks of whole tile rows (across images), sized by shape only so the
 * transformed input and product of a chunk stay in L2; every output value comes from exactly
 * one chunk, so results are identical for any thread count.
 *
 * <p>Error: the transforms only add, subtract and halve, so each transformed value is a sum of
 * at most 16 inputs (or 9 weights) with coefficients of magnitude ≤ 1; the float rounding grows
 * by a constant factor over the direct sum's, independent of C (measured on random data: worst
 * |error| / Σ|terms| ≈ 1.0–1.3e-7 per output, about twice the im2col path's; see the tests).
 */
final class ConvWinograd {
    /** Native scratch slots (as ConvShifted): transformed weights (shared); per task: input transform, product, weight-gradient sum. */
    private static final int U = 0, V = 1, M = 2, DU = 3;
    /**
     * auto: inference and training (forward, input and weight gradients) by {@link #wins};
     * inference: training keeps im2col; on / off: always / never (tests and measurements).
     *
     * <p>Training takes it since the quiet measurement of 2026-12-07 (docs/benchmarks.md): a Faster
     * R-CNN R18-FPN step went from 0.89–0.91× PyTorch's speed to 1.04× at one thread and from
     * 0.83–0.97× to 1.01× at two. Its gradients agree with im2col's to float rounding (tests);
     * the rounding moves short from-scratch runs onto another trajectory.
     */
    static volatile String mode = System.getProperty("cvkit.winograd", "auto");
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[3][0]);

    private ConvWinograd() {}

    /** The shapes this kernel computes: 3×3, stride 1, no dilation, ungrouped. */
    static boolean fits(ConvGeom g, int groups) {
        return groups == 1 && g.kh() == 3 && g.kw() == 3 && g.sh() == 1 && g.sw() == 1 && g.dh() == 1 && g.dw() == 1;
    }

    /** Whether an inference convolution of n images into k output channels takes this kernel (see {@link #wins}). */
    static boolean applies(ConvGeom g, int groups, int n, int k) {
        if (!fits(g, groups) || mode.equals("off")) return false;
        return mode.equals("on") || wins(g.c(), k, n * ((g.oh() + 1) / 2) * ((g.ow() + 1) / 2));
    }

    /** As {@link #applies} for a convolution that records gradients, and for its backward. */
    static boolean appliesInTraining(ConvGeom g, int groups, int n, int k) {
        return !mode.equals("inference") && applies(g, groups, n, k);
    }

    /**
     * The measured rule (bench/WinogradShapes.java, CPU time per call, one thread): Winograd
     * was 1.15–1.46× faster in inference and 1.07–1.22× in a training step for 64–256 channels
     * from 8² to 56² maps, but slower with 16–32 channels (0.37–0.72×: the transforms cost more
     * than the GEMMs save) and when the weights outweigh the tiles (512 channels at 7², 128
     * tiles: 0.98×; 256 at 14², one image, 49 tiles: 0.96×), where the weight transform and
     * thin GEMMs dominate. From 256 tiles on, wide inputs win too since chunks span hundreds of
     * tiles ({@link #chunkTiles}): FCN-ResNet50's head, 2048 → 512 at 40² (400 tiles), 497 → 281 ms.
     */
    static boolean wins(int c, int k, long tiles) {
        return c >= 64 && k >= 64 && tiles >= 64 && (tiles > c / 4 || tiles >= 256);
    }

    private static float[] scratch(int which, int n) {
        float[][] s = SCRATCH.get();
        if (s[which].length < n) s[which] = new float[n + n / 4];
        return s[which];
    }

    /** Weights per task of {@link #transformWeights}: enough to hide the hand-off (about 0.1 ms of work). */
    private static final int WEIGHT_BLOCK = 1 << 15;

    /**
     * u[ξ][k][c] = (G w[k][c] Gᵀ)_ξ into dst. Per output channel the nine taps are gathered into
     * rows over c first, so the combinations run as vector loops over c. Output channels are
     * split into fixed blocks over the threads (each channel's values do not depend on the
     * split; serial, this was 2 % of a Mask R-CNN step on the calling thread while the other
     * one waited).
     */
    static NativeFloats transformWeights(float[] w, int k, int c, NativeFloats dst) {
        return transformWeights(w, k, c, false, dst);
    }

    /**
     * As {@link #transformWeights(float[], int, int, NativeFloats)}; with {@code flipped}, of the
     * flipped transpose of a forward kernel w [c][k][3][3] (wt[k][c][i][j] = w[c][k][2−i][2−j],
     * the kernel of the input gradient), read in place: the same values in the same operations
     * as transforming a flipped copy, without building one.
     */
    static NativeFloats transformWeights(float[] w, int k, int c, boolean flipped, NativeFloats dst) {
        dst.ensure(16L * k * c);
        int per = Math.max(1, WEIGHT_BLOCK / (9 * c)), blocks = (k + per - 1) / per;
        Parallel.forEach(blocks, b -> {
            int k1 = Math.min(k, (b + 1) * per);
            for (int kk = b * per; kk < k1; kk++) transformChannel(w, k, c, flipped, kk, dst);
        });
        return dst;
    }

    /** Output channel kk of {@link #transformWeights}, through this thread's scratch row buffer. */
    private static void transformChannel(float[] w, int k, int c, boolean flipped, int kk, NativeFloats dst) {
        float[] buf = scratch(0, 28 * c);
        int t0 = 16 * c; // 12 rows of G·g: row a (0–3), column j (0–2) at t0 + (3a + j)·c
        for (int ci = 0; ci < c; ci++) {
            for (int j = 0; j < 3; j++) {
                float g0, g1, g2;
                if (flipped) {
                    int o = (ci * k + kk) * 9; // tap (i, j) of wt is tap 8 − 3i − j of w
                    g0 = w[o + 8 - j];
                    g1 = w[o + 5 - j];
                    g2 = w[o + 2 - j];
                } else {
                    int o = (kk * c + ci) * 9;
                    g0 = w[o + j];
                    g1 = w[o + 3 + j];
                    g2 = w[o + 6 + j];
                }
                buf[t0 + j * c + ci] = g0;
                buf[t0 + (3 + j) * c + ci] = 0.5f * (g0 + g1 + g2);
                buf[t0 + (6 + j) * c + ci] = 0.5f * (g0 - g1 + g2);
                buf[t0 + (9 + j) * c + ci] = g2;
            }
        }
        for (int a = 0; a < 4; a++) {
            int r0 = t0 + 3 * a * c, r1 = r0 + c, r2 = r1 + c, u0 = 4 * a * c;
            for (int ci = 0; ci < c; ci++) {
                float g0 = buf[r0 + ci], g1 = buf[r1 + ci], g2 = buf[r2 + ci];
                buf[u0 + ci] = g0;
                buf[u0 + c + ci] = 0.5f * (g0 + g1 + g2);
                buf[u0 + 2 * c + ci] = 0.5f * (g0 - g1 + g2);
                buf[u0 + 3 * c + ci] = g2;
            }
        }
        for (int xi = 0; xi < 16; xi++) dst.put((xi * k + kk) * c, buf, xi * c, c);
    }

    /**
     * dx[i] += the input gradient of a convolution with forward kernel w [c][k][3][3] (c = this
     * call's output channels, geo.c() = k): the full convolution of dy with the flipped kernel,
     * whose transform is read from w in place ({@link #transformWeights(float[], int, int, boolean, NativeFloats)}).
     */
    static void runFlipped(float[] dy, float[] w, float[] dx, int n, int k, ConvGeom geo) {
        NativeFloats u = transformWeights(w, k, geo.c(), true, NativeFloats.scratch(U, 16L * k * geo.c()));
        run(dy, w, u, dx, true, n, k, geo, null);
    }

    /**
     * out[i] = conv(x[i]) for n images of geo.c() channels into k channels (w [k][c][3][3]), then
     * {@code ep} per output channel and row range (may be null); with {@code accumulate} the result is
     * added into out (an input gradient) instead of stored. {@code wu}: w already transformed
     * (inference's cached {@link InferenceWeights}), or null to transform it here.
     */
    static void run(float[] x, float[] w, NativeFloats wu, float[] out, boolean accumulate, int n, int k, ConvGeom geo,
                    Conv.Epilogue ep) {
        int c = geo.c();
        int th = (geo.oh() + 1) / 2, tw = (geo.ow() + 1) / 2;
        NativeFloats u = wu != null ? wu : transformWeights(w, k, c, NativeFloats.scratch(U, 16L * k * c));
        int step = chunkRows(c, k, tw, n * th), tileRows = n * th;
        int nChunks = (tileRows + step - 1) / step;
        Gemm gemm = Gemm.get();
        Parallel.forEach(nChunks, t -> {
            int r0 = t * step, r1 = Math.min(tileRows, r0 + step), tiles = (r1 - r0) * tw;
            NativeFloats v = NativeFloats.scratch(V, 16L * c * tiles), m = NativeFloats.scratch(M, 16L * k * tiles);
            inputTransform(x, geo, r0, r1, th, tw, v);
            for (int xi = 0; xi < 16; xi++) {
                gemm.sgemm(false, false, k, tiles, c, 1f, u, xi * k * c, c, v, xi * c * tiles, tiles, 0f, m, xi * k * tiles, tiles);
            }
            outputTransform(m, out, accumulate, geo, k, r0, r1, th, tw, ep);
        });
    }

    /**
     * Tiles per chunk: 512, or fewer for layers so wide that a chunk's transformed input or
     * product would pass 8 M floats (32 MB), at least 64. Each chunk's 16 GEMMs repack the whole
     * U_ξ (K × C), so a chunk must span enough tiles to pay for that: with L2-sized chunks
     * (256 K floats: 32 tiles at 512 channels) OpenBLAS spent as long packing as multiplying.
     * Measured on the AMD EPYC, one thread, CPU ms per inference call, L2-sized → 512-tile chunks:
     * 1 × 512 → 512 @ 40² 116 → 71, 4 × 256 → 256 @ 40² 88 → 77, 4 × 256 → 819 @ 20² 81 → 57,
     * 8 × 128 → 128 @ 28² 26 → 28 (noise ±10 %), and FCN-ResNet50's head 1 × 2048 → 512 @ 40²
     * 570 → 281 with 256-tile chunks (497 on im2col).
     */
    private static int chunkTiles(int c, int k) {
        return (int) Math.min(512, Math.max(64, (1 << 19) / Math.max(c, k)));
    }

    /**
     * Tile rows per chunk, by shape only ({@link #chunkTiles}), in an even number of chunks (at
     * least two) so two threads share them.
     */
    private static int chunkRows(int c, int k, int tw, int tileRows) {
        int rows = Math.max(1, (chunkTiles(c, k) + tw / 2) / tw);
        int chunks = (tileRows + rows - 1) / rows;
        if (chunks < 2) chunks = Math.min(tileRows, 2);
        if (chunks > 1 && chunks % 2 == 1 && chunks < tileRows) chunks++;
        return (tileRows + chunks - 1) / chunks;
    }

    /**
     * dw[k][c] += the weight gradient of the convolution of x (n images, geo) into k channels with
     * output gradient dy: dU_ξ = Σ_tiles (A dY Aᵀ)_ξ · (Bᵀ d B)_ξᵀ, 16 GEMMs per chunk, then
     * dw = Gᵀ dU G. Chunks are summed in fixed groups (by shape) whose partials are added in
     * order, so the result does not depend on the thread count.
     */
    static void weightGrad(float[] x, float[] dy, int n, int k, ConvGeom geo, float[] dw) {
        int c = geo.c();
        int th = (geo.oh() + 1) / 2, tw = (geo.ow() + 1) / 2, tileRows = n * th;
        int step = chunkRows(c, k, tw, tileRows), nChunks = (tileRows + step - 1) / step;
        int uSize = 16 * k * c;
        // few groups for large layers: each holds a partial of 16·k·c floats until the sum
        int nGroups = (int) Math.min(nChunks, Math.min(8, Math.max(2, (1L << 22) / uSize)));
        int per = (nChunks + nGroups - 1) / nGroups;
        int groups = (nChunks + per - 1) / per;
        float[][] partial = new float[groups][];
        Gemm gemm = Gemm.get();
        Parallel.forEach(groups, gi -> {
            NativeFloats du = NativeFloats.scratch(DU, uSize);
            int t0 = gi * per, t1 = Math.min(nChunks, t0 + per);
            for (int t = t0; t < t1; t++) {
                int r0 = t * step, r1 = Math.min(tileRows, r0 + step), tiles = (r1 - r0) * tw;
                NativeFloats v = NativeFloats.scratch(V, 16L * c * tiles), m = NativeFloats.scratch(M, 16L * k * tiles);
                inputTransform(x, geo, r0, r1, th, tw, v);
                gradientTransform(dy, geo, k, r0, r1, th, tw, m);
                for (int xi = 0; xi < 16; xi++) {
                    gemm.sgemm(false, true, k, c, tiles, 1f, m, xi * k * tiles, tiles, v, xi * c * tiles, tiles,
                            t == t0 ? 0f : 1f, du, xi * k * c, c);
                }
            }
            float[] part = new float[uSize];
            du.get(0, part, 0, uSize);
            partial[gi] = part;
        });
        // the partials' sum and dw = Gᵀ dU G per block of output channels, over the threads
        // (serial, these were 2–3 % of a Mask R-CNN step with the other thread idle); each value
        // still adds the groups in order: ((p0 + p1) + p2) + …
        int kPer = Math.max(1, (1 << 12) / c), kBlocks = (k + kPer - 1) / kPer;
        Parallel.forEach(kBlocks, b -> gradFromTransformed(partial, groups, k, c, b * kPer, Math.min(k, (b + 1) * kPer), dw));
    }

    /** Output channels [k0, k1) of dw += Gᵀ (Σ_g partial[g]) G, the sum taken into partial[0]. */
    private static void gradFromTransformed(float[][] partial, int groups, int k, int c, int k0, int k1, float[] dw) {
        float[] sum = partial[0];
        int kc = k * c, from = k0 * c, to = k1 * c;
        for (int g = 1; g < groups; g++) {
            float[] pg = partial[g];
            for (int xi = 0; xi < 16; xi++) {
                for (int q = xi * kc + from, end = xi * kc + to; q < end; q++) sum[q] += pg[q];
            }
        }
        // dw = Gᵀ dU G: Gᵀ rows (1, ½, ½, 0), (0, ½, −½, 0), (0, ½, ½, 1)
        double[] t = new double[12];
        for (int kk = k0; kk < k1; kk++) {
            for (int ci = 0; ci < c; ci++) {
                int at = kk * c + ci;
                for (int b = 0; b < 4; b++) {
                    double u0 = sum[b * kc + at], u1 = sum[(4 + b) * kc + at], u2 = sum[(8 + b) * kc + at],
                            u3 = sum[(12 + b) * kc + at];
                    t[b] = u0 + 0.5 * (u1 + u2);
                    t[4 + b] = 0.5 * (u1 - u2);
                    t[8 + b] = 0.5 * (u1 + u2) + u3;
                }
                int o = at * 9;
                for (int j = 0; j < 3; j++) {
                    double u0 = t[4 * j], u1 = t[4 * j + 1], u2 = t[4 * j + 2], u3 = t[4 * j + 3];
                    dw[o + 3 * j] += (float) (u0 + 0.5 * (u1 + u2));
                    dw[o + 3 * j + 1] += (float) (0.5 * (u1 - u2));
                    dw[o + 3 * j + 2] += (float) (0.5 * (u1 + u2) + u3);
                }
            }
        }
    }

    /** m[ξ][k][tile] = (A dY Aᵀ)_ξ of each 2×2 output-gradient tile (values past the output edge are 0). */
    private static void gradientTransform(float[] dy, ConvGeom geo, int k, int r0, int r1, int th, int tw, NativeFloats m) {
        int oh = geo.oh(), ow = geo.ow(), p = oh * ow;
        int tiles = (r1 - r0) * tw, len = 2 * tw;
        float[] jv = scratch(1, 16 * tiles + 2 * len);
        int rb = 16 * tiles;
        for (int kk = 0; kk < k; kk++) {
            for (int rr = r0; rr < r1; rr++) {
                int img = rr / th, ty = rr % th;
                for (int a = 0; a < 2; a++) {
                    int oy = 2 * ty + a, dst = rb + a * len;
                    if (oy < oh) {
                        System.arraycopy(dy, (img * k + kk) * p + oy * ow, jv, dst, ow);
                        if (ow < len) jv[dst + ow] = 0f;
                    } else {
                        java.util.Arrays.fill(jv, dst, dst + len, 0f);
                    }
                }
                int tb = (rr - r0) * tw;
                for (int tx = 0; tx < tw; tx++) {
                    float d00 = jv[rb + 2 * tx], d01 = jv[rb + 2 * tx + 1];
                    float d10 = jv[rb + len + 2 * tx], d11 = jv[rb + len + 2 * tx + 1];
                    // A dY: rows d0, d0 + d1, d0 − d1, −d1; then the same along each row
                    int o = tb + tx;
                    spread(jv, o, tiles, d00, d01);
                    spread(jv, o + 4 * tiles, tiles, d00 + d10, d01 + d11);
                    spread(jv, o + 8 * tiles, tiles, d00 - d10, d01 - d11);
                    spread(jv, o + 12 * tiles, tiles, -d10, -d11);
                }
            }
            for (int xi = 0; xi < 16; xi++) m.put((xi * k + kk) * tiles, jv, xi * tiles, tiles);
        }
    }

    /** The four values (u0, u1)·Aᵀ = u0, u0 + u1, u0 − u1, −u1 at o, o + tiles, … */
    private static void spread(float[] jv, int o, int tiles, float u0, float u1) {
        jv[o] = u0;
        jv[o + tiles] = u0 + u1;
        jv[o + 2 * tiles] = u0 - u1;
        jv[o + 3 * tiles] = -u1;
    }

    /** v[ξ][c][tile] = (Bᵀ d B)_ξ for the tiles of tile rows [r0, r1) (row R: image R / th, tile row R % th). */
    private static void inputTransform(float[] x, ConvGeom geo, int r0, int r1, int th, int tw, NativeFloats v) {
        int c = geo.c(), h = geo.h(), wd = geo.w(), ph = geo.ph(), pw = geo.pw();
        int tiles = (r1 - r0) * tw, len = 2 * tw + 2;
        float[] jv = scratch(1, 16 * tiles + 8 * len);
        int rb = 16 * tiles; // four padded input rows, then their four vertical combinations
        for (int ci = 0; ci < c; ci++) {
            for (int rr = r0; rr < r1; rr++) {
                int img = rr / th, ty = rr % th;
                int plane = (img * c + ci) * h * wd;
                int iy0 = 2 * ty - ph;
                // padded column xx holds input column xx − pw
                int x0 = Math.max(0, pw), x1 = Math.min(len, wd + pw);
                int e0 = rb + 4 * len, e1 = e0 + len, e2 = e1 + len, e3 = e2 + len;
                if (iy0 >= 0 && iy0 + 3 < h && x1 > x0) {
                    // all four rows inside the input (every tile row but the edges): the vertical
                    // combinations straight from the input, without copying the rows first
                    for (int q = 0; q < x0; q++) jv[e0 + q] = jv[e1 + q] = jv[e2 + q] = jv[e3 + q] = 0f;
                    combineRows(x, plane + iy0 * wd - pw, wd, jv, e0, len, x0, x1);
                    for (int q = x1; q < len; q++) jv[e0 + q] = jv[e1 + q] = jv[e2 + q] = jv[e3 + q] = 0f;
                } else {
                    for (int a = 0; a < 4; a++) {
                        int iy = iy0 + a, dst = rb + a * len;
                        if (iy < 0 || iy >= h || x1 <= x0) {
                            java.util.Arrays.fill(jv, dst, dst + len, 0f);
                            continue;
                        }
                        for (int q = dst; q < dst + x0; q++) jv[q] = 0f;
                        System.arraycopy(x, plane + iy * wd + x0 - pw, jv, dst + x0, x1 - x0);
                        for (int q = dst + x1; q < dst + len; q++) jv[q] = 0f;
                    }
                    combineRows(jv, rb, len, jv, e0, len, 0, len);
                }
                int tb = (rr - r0) * tw;
                for (int a = 0; a < 4; a++) {
                    int e = e0 + a * len, o = 4 * a * tiles + tb;
                    for (int tx = 0; tx < tw; tx++) {
                        int q = e + 2 * tx;
                        float b0 = jv[q], b1 = jv[q + 1], b2 = jv[q + 2], b3 = jv[q + 3];
                        jv[o + tx] = b0 - b2;
                        jv[o + tiles + tx] = b1 + b2;
                        jv[o + 2 * tiles + tx] = b2 - b1;
                        jv[o + 3 * tiles + tx] = b1 - b3;
                    }
                }
            }
            for (int xi = 0; xi < 16; xi++) v.put((xi * c + ci) * tiles, jv, xi * tiles, tiles);
        }
    }

    /**
     * Bᵀ's vertical combinations of four rows (src[s + i·stride + q], i = 0..3) into four rows of
     * dst (e + i·len + q) for columns [q0, q1): d0 − d2, d1 + d2, d2 − d1, d1 − d3.
     */
    private static void combineRows(float[] src, int s, int stride, float[] dst, int e, int len, int q0, int q1) {
        int s1 = s + stride, s2 = s1 + stride, s3 = s2 + stride;
        int e1 = e + len, e2 = e1 + len, e3 = e2 + len;
        for (int q = q0; q < q1; q++) {
            float a0 = src[s + q], a1 = src[s1 + q], a2 = src[s2 + q], a3 = src[s3 + q];
            dst[e + q] = a0 - a2;
            dst[e1 + q] = a1 + a2;
            dst[e2 + q] = a2 - a1;
            dst[e3 + q] = a1 - a3;
        }
    }

    /** out tiles of tile rows [r0, r1) from m[ξ][k][tile]: Aᵀ M A, stored or added, then the epilogue. */
    private static void outputTransform(NativeFloats m, float[] out, boolean accumulate, ConvGeom geo, int k, int r0, int r1,
                                        int th, int tw, Conv.Epilogue ep) {
        int oh = geo.oh(), ow = geo.ow(), p = oh * ow;
        int tiles = (r1 - r0) * tw;
        float[] jm = scratch(2, 16 * tiles + 4 * tw);
        int sb = 16 * tiles; // s0 and s1 rows of one tile row, two values per tile each
        for (int kk = 0; kk < k; kk++) {
            for (int xi = 0; xi < 16; xi++) m.get((xi * k + kk) * tiles, jm, xi * tiles, tiles);
            for (int rr = r0; rr < r1; rr++) {
                int img = rr / th, ty = rr % th, tb = (rr - r0) * tw;
                int base = (img * k + kk) * p;
                // Aᵀ M: row 0 = m0 + m1 + m2, row 1 = m1 − m2 − m3 (per column b), then · A along columns
                for (int tx = 0; tx < tw; tx++) {
                    int q = tb + tx;
                    float y00, y01, y10, y11;
                    float c0 = jm[q] + jm[4 * tiles + q] + jm[8 * tiles + q];
                    float c1 = jm[tiles + q] + jm[5 * tiles + q] + jm[9 * tiles + q];
                    float c2 = jm[2 * tiles + q] + jm[6 * tiles + q] + jm[10 * tiles + q];
                    float c3 = jm[3 * tiles + q] + jm[7 * tiles + q] + jm[11 * tiles + q];
                    y00 = c0 + c1 + c2;
                    y01 = c1 - c2 - c3;
                    float f0 = jm[4 * tiles + q] - jm[8 * tiles + q] - jm[12 * tiles + q];
                    float f1 = jm[5 * tiles + q] - jm[9 * tiles + q] - jm[13 * tiles + q];
                    float f2 = jm[6 * tiles + q] - jm[10 * tiles + q] - jm[14 * tiles + q];
                    float f3 = jm[7 * tiles + q] - jm[11 * tiles + q] - jm[15 * tiles + q];
                    y10 = f0 + f1 + f2;
                    y11 = f1 - f2 - f3;
                    jm[sb + 2 * tx] = y00;
                    jm[sb + 2 * tx + 1] = y01;
                    jm[sb + 2 * tw + 2 * tx] = y10;
                    jm[sb + 2 * tw + 2 * tx + 1] = y11;
                }
                for (int dy = 0; dy < 2; dy++) {
                    int oy = 2 * ty + dy;
                    if (oy >= oh) break;
                    int src = sb + dy * 2 * tw, dst = base + oy * ow;
                    if (accumulate) {
                        for (int ox = 0; ox < ow; ox++) out[dst + ox] += jm[src + ox];
                    } else {
                        System.arraycopy(jm, src, out, dst, ow);
                    }
                }
            }
            if (ep != null) {
                for (int img = r0 / th; img <= (r1 - 1) / th; img++) {
                    int ty0 = Math.max(r0, img * th) - img * th, ty1 = Math.min(r1, (img + 1) * th) - img * th;
                    ep.apply(kk, kk + 1, (img * k + kk) * p, 2 * ty0 * ow, Math.min(oh, 2 * ty1) * ow);
                }
            }
        }
    }
}
