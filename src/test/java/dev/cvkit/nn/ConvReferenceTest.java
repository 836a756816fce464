package dev.cvkit.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cvkit.tensor.Parallel;
import dev.cvkit.tensor.Tensor;
import dev.cvkit.testing.Fixtures;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The im2col/GEMM convolution against a direct seven-loop reference on shapes large enough to
 * use column and row task splitting, and bitwise-identical results for 1, 2 and 3 threads.
 */
class ConvReferenceTest {
    private final int savedThreads = Parallel.threads();

    @AfterEach
    void restore() {
        Parallel.setThreads(savedThreads);
    }

    /** Direct convolution in double: out[n,k,oy,ox] = b[k] + Σ w[k,c',i,j]·x[n, g·cg + c', oy·s − p + i·d, …]. */
    static float[] naive(Tensor x, Tensor w, Tensor b, int s, int p, int d, int groups) {
        int n = x.size(0), c = x.size(1), h = x.size(2), wd = x.size(3), k = w.size(0), kh = w.size(2), kw = w.size(3);
        int cg = c / groups, kg = k / groups;
        int oh = (h + 2 * p - d * (kh - 1) - 1) / s + 1, ow = (wd + 2 * p - d * (kw - 1) - 1) / s + 1;
        float[] out = new float[n * k * oh * ow];
        for (int i = 0; i < n; i++)
            for (int o = 0; o < k; o++)
                for (int oy = 0; oy < oh; oy++)
                    for (int ox = 0; ox < ow; ox++) {
                        double acc = b == null ? 0 : b.data()[o];
                        int g = o / kg;
                        for (int ci = 0; ci < cg; ci++)
                            for (int a = 0; a < kh; a++)
                                for (int e = 0; e < kw; e++) {
                                    int iy = oy * s - p + a * d, ix = ox * s - p + e * d;
                                    if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                                    acc += (double) w.data()[((o * cg + ci) * kh + a) * kw + e]
                                            * x.data()[((i * c + g * cg + ci) * h + iy) * wd + ix];
                                }
                        out[((i * k + o) * oh + oy) * ow + ox] = (float) acc;
                    }
        return out;
    }

    @Test
    void matchesDirectConvolutionAndIsThreadCountInvariant() {
        Random r = new Random(7);
        int[][] cases = { // n, c, h, w, k, kernel, stride, pad, dilation, groups
                {1, 64, 32, 32, 64, 3, 1, 1, 1, 1},
                {2, 8, 15, 13, 12, 5, 2, 2, 1, 1},
                {1, 6, 9, 9, 6, 3, 1, 2, 2, 3},
                {2, 16, 8, 8, 16, 3, 2, 1, 1, 16},
                {3, 32, 7, 7, 48, 1, 1, 0, 1, 1},
                {6, 8, 6, 6, 10, 3, 1, 1, 1, 1}, // several images per GEMM
                {1, 256, 7, 7, 64, 3, 1, 1, 1, 1}, // one unit shared by the threads
                {3, 16, 20, 18, 24, 3, 1, 2, 2, 1}, // tap by tap (ConvShifted), dilated
                {1, 32, 20, 20, 80, 5, 1, 0, 1, 1}}; // tap by tap, unpadded, one image
        for (int[] cs : cases) {
            Tensor x = Tensor.randn(r, cs[0], cs[1], cs[2], cs[3]);
            Tensor w = Tensor.randn(r, cs[4], cs[1] / cs[9], cs[5], cs[5]);
            Tensor b = Tensor.randn(r, cs[4]);
            float[] ref = naive(x, w, b, cs[6], cs[7], cs[8], cs[9]);
            float[] first = null;
            for (int t : new int[] {1, 2, 3}) {
                Parallel.setThreads(t);
                float[] y = Conv.conv2d(x, w, b, cs[6], cs[6], cs[7], cs[7], cs[8], cs[8], cs[9]).data();
                Fixtures.assertClose(ref, y, 1e-4f, (float) (1e-5 * Fixtures.maxAbs(ref)), "conv " + java.util.Arrays.toString(cs));
                if (first == null) first = y;
                else assertArrayEquals(first, y, "threads " + t + " changed the result");
            }
        }
    }

    /**
     * Batches under 4 take the per-image backward (tasks inside an image); 4 and more the
     * batch-chunk one. Duplicating a batch of 2 into 4 must give the same input gradients and
     * twice the weight gradient, and each path must be thread-count invariant.
     */
    @Test
    void smallBatchBackwardAgreesWithBatchedBackward() {
        Random r = new Random(8);
        int[][] cases = {{64, 20, 20, 96, 3, 1, 1}, {16, 17, 15, 24, 3, 2, 1}, {32, 12, 12, 40, 1, 1, 0}};
        for (int[] cs : cases) {
            int c = cs[0], h = cs[1], wd = cs[2], k = cs[3], kk = cs[4], s = cs[5], p = cs[6];
            Tensor x2 = Tensor.randn(r, 2, c, h, wd);
            Tensor w = Tensor.randn(r, k, c, kk, kk);
            int oh = (h + 2 * p - kk) / s + 1, ow = (wd + 2 * p - kk) / s + 1;
            float[] dy2 = Tensor.randn(r, 2, k, oh, ow).data();
            float[] x4 = new float[2 * x2.numel()], dy4 = new float[2 * dy2.length];
            for (int rep = 0; rep < 2; rep++) {
                System.arraycopy(x2.data(), 0, x4, rep * x2.numel(), x2.numel());
                System.arraycopy(dy2, 0, dy4, rep * dy2.length, dy2.length);
            }
            float[][] first = null;
            for (int t : new int[] {1, 2, 3}) {
                Parallel.setThreads(t);
                Tensor xa = x2.copy().requiresGrad(true), wa = w.copy().requiresGrad(true);
                Conv.conv2d(xa, wa, null, s, s, p, p, 1, 1, 1).backward(dy2);
                float[][] now = {xa.grad(), wa.grad()};
                if (first == null) first = now;
                else {
                    assertArrayEquals(first[0], now[0], "dx, threads " + t);
                    assertArrayEquals(first[1], now[1], "dw, threads " + t);
                }
            }
            Tensor xb = Tensor.of(x4, 4, c, h, wd).requiresGrad(true), wb = w.copy().requiresGrad(true);
            Conv.conv2d(xb, wb, null, s, s, p, p, 1, 1, 1).backward(dy4);
            float[] half = new float[wb.numel()];
            for (int i = 0; i < half.length; i++) half[i] = wb.grad()[i] / 2;
            Fixtures.assertClose(java.util.Arrays.copyOf(xb.grad(), x2.numel()), first[0], 1e-4f,
                    (float) (1e-5 * Fixtures.maxAbs(first[0])), "dx per-image vs batched");
            Fixtures.assertClose(half, first[1], 1e-4f, (float) (1e-5 * Fixtures.maxAbs(half)), "dw per-image vs batched");
        }
    }

    /**
     * Small output maps put several images' columns side by side in one GEMM (forward and
     * weight gradient): against the direct reference, and against the same images run two at a
     * time (which takes the one-image-per-GEMM path), including a partial last group.
     */
    @Test
    void severalImagesPerGemmWithoutColumnCache() {
        long old = Conv.cacheLimit;
        Conv.cacheLimit = 0;
        try {
            severalImagesPerGemmMatchReferenceAndPairs();
        } finally {
            Conv.cacheLimit = old;
        }
    }

    @Test
    void severalImagesPerGemmInInference() {
        Random r = new Random(12);
        Tensor x = Tensor.randn(r, 9, 4, 6, 7), w = Tensor.randn(r, 5, 4, 3, 3);
        float[] ref = naive(x, w, null, 2, 1, 1, 1);
        try (var g = Tensor.noGrad()) {
            Fixtures.assertClose(ref, Conv.conv2d(x, w, null, 2, 2, 1, 1, 1, 1, 1).data(), 1e-4f,
                    (float) (1e-5 * Fixtures.maxAbs(ref)), "no-grad forward");
        }
    }

    @Test
    void severalImagesPerGemmMatchReferenceAndPairs() {
        Random r = new Random(10);
        int n = 7, c = 8, h = 10, wd = 9, k = 12;
        Tensor x = Tensor.randn(r, n, c, h, wd), w = Tensor.randn(r, k, c, 3, 3), b = Tensor.randn(r, k);
        Tensor xg = x.copy().requiresGrad(true), wg = w.copy().requiresGrad(true);
        Tensor y = Conv.conv2d(xg, wg, b, 1, 1, 1, 1, 1, 1, 1);
        float[] ref = naive(x, w, b, 1, 1, 1, 1);
        Fixtures.assertClose(ref, y.data(), 1e-4f, (float) (1e-5 * Fixtures.maxAbs(ref)), "forward");
        float[] dy = Tensor.randn(r, y.shape()).data();
        y.backward(dy);
        int per = c * h * wd, perY = dy.length / n;
        float[] dx = new float[x.numel()], dw = new float[w.numel()];
        for (int i0 = 0; i0 < n; i0 += 2) {
            int m = Math.min(2, n - i0);
            Tensor xp = Tensor.of(java.util.Arrays.copyOfRange(x.data(), i0 * per, (i0 + m) * per), m, c, h, wd).requiresGrad(true);
            Tensor wp = w.copy().requiresGrad(true);
            Conv.conv2d(xp, wp, null, 1, 1, 1, 1, 1, 1, 1).backward(java.util.Arrays.copyOfRange(dy, i0 * perY, (i0 + m) * perY));
            System.arraycopy(xp.grad(), 0, dx, i0 * per, m * per);
            for (int q = 0; q < dw.length; q++) dw[q] += wp.grad()[q];
        }
        Fixtures.assertClose(dx, xg.grad(), 1e-4f, (float) (1e-5 * Fixtures.maxAbs(dx)), "dx");
        Fixtures.assertClose(dw, wg.grad(), 1e-4f, (float) (1e-5 * Fixtures.maxAbs(dw)), "dw");
        org.junit.jupiter.api.Assertions.assertEquals(5, Conv.imagesPerGemm(n, new ConvGeom(c, h, wd, 3, 3, 1, 1, 1, 1, 1, 1, h, wd)));
    }

    /** Direct dx and dw in double: the sums of the forward's products, one term per (output, tap). */
    static float[][] naiveGrads(Tensor x, Tensor w, float[] dy, int s, int p, int d, int groups) {
        int n = x.size(0), c = x.size(1), h = x.size(2), wd = x.size(3), k = w.size(0), kh = w.size(2), kw = w.size(3);
        int cg = c / groups, kg = k / groups;
        int oh = (h + 2 * p - d * (kh - 1) - 1) / s + 1, ow = (wd + 2 * p - d * (kw - 1) - 1) / s + 1;
        double[] dx = new double[x.numel()], dw = new double[w.numel()];
        for (int i = 0; i < n; i++)
            for (int o = 0; o < k; o++)
                for (int oy = 0; oy < oh; oy++)
                    for (int ox = 0; ox < ow; ox++) {
                        double g = dy[((i * k + o) * oh + oy) * ow + ox];
                        int grp = o / kg;
                        for (int ci = 0; ci < cg; ci++)
                            for (int a = 0; a < kh; a++)
                                for (int e = 0; e < kw; e++) {
                                    int iy = oy * s - p + a * d, ix = ox * s - p + e * d;
                                    if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                                    int xi = ((i * c + grp * cg + ci) * h + iy) * wd + ix, wi = ((o * cg + ci) * kh + a) * kw + e;
                                    dx[xi] += g * w.data()[wi];
                                    dw[wi] += g * x.data()[xi];
                                }
                    }
        float[][] r = {new float[dx.length], new float[dw.length]};
        for (int q = 0; q < dx.length; q++) r[0][q] = (float) dx[q];
        for (int q = 0; q < dw.length; q++) r[1][q] = (float) dw[q];
        return r;
    }

    /**
     * Input and weight gradients against the direct sums, on the shapes of every backward path:
     * tap by tap (ConvShifted: stride 1, ≥ 16 channels, ≥ 14 wide), flipped-kernel im2col, col2im
     * (strided), 1×1, grouped, transposed weight gradient, batches under and over 4.
     */
    @Test
    void gradientsMatchDirectSums() {
        Random r = new Random(21);
        int[][] cases = { // n, c, h, w, k, kernel, stride, pad, dilation, groups
                {3, 16, 16, 15, 24, 3, 1, 1, 1, 1},
                {5, 32, 14, 14, 16, 3, 1, 1, 1, 1},
                {1, 20, 16, 18, 40, 5, 1, 2, 1, 1},
                {4, 8, 9, 9, 12, 3, 1, 2, 2, 1},
                {2, 12, 11, 10, 8, 3, 2, 1, 1, 1},
                {6, 16, 6, 6, 16, 1, 1, 0, 1, 1},
                {4, 16, 8, 8, 64, 3, 1, 1, 1, 1}, // dW transposed at 64 channels, batch chunks
                {4, 8, 8, 8, 12, 3, 1, 1, 1, 4}};
        for (int[] cs : cases) {
            Tensor x = Tensor.randn(r, cs[0], cs[1], cs[2], cs[3]);
            Tensor w = Tensor.randn(r, cs[4], cs[1] / cs[9], cs[5], cs[5]);
            Tensor xg = x.copy().requiresGrad(true), wg = w.copy().requiresGrad(true);
            Tensor y = Conv.conv2d(xg, wg, null, cs[6], cs[6], cs[7], cs[7], cs[8], cs[8], cs[9]);
            float[] dy = Tensor.randn(r, y.shape()).data();
            y.backward(dy);
            float[][] ref = naiveGrads(x, w, dy, cs[6], cs[7], cs[8], cs[9]);
            String what = java.util.Arrays.toString(cs);
            Fixtures.assertClose(ref[0], xg.grad(), 1e-4f, (float) (1e-5 * Fixtures.maxAbs(ref[0])), "dx " + what);
            Fixtures.assertClose(ref[1], wg.grad(), 1e-4f, (float) (1e-5 * Fixtures.maxAbs(ref[1])), "dw " + what);
        }
    }
    /**
     * Batches whose forward multiplied all images in one GEMM (small maps) take
     * ConvBackward.wholeBatch: dW's rows in fixed blocks, dX by images, as one set of tasks.
     * Against the direct sums, bit for bit across 1–3 threads, with the forward's column cache
     * and without it; flipped-kernel im2col and col2im input gradients, dW transposed or not.
     */
    @Test
    void wholeBatchBackwardMatchesDirectSumsAndIsThreadCountInvariant() {
        Random r = new Random(23);
        int[][] cases = { // n, c, h, w, k, stride, pad
                {8, 40, 5, 5, 48, 1, 1}, // dW transposed (48 channels, 360 kernel rows)
                {5, 16, 4, 4, 200, 1, 1}, // dW not transposed (200 channels)
                {6, 24, 8, 8, 32, 2, 1}}; // strided: col2im input gradient
        long oldLimit = Conv.cacheLimit;
        try {
            for (long limit : new long[] {oldLimit, 0}) {
                Conv.cacheLimit = limit;
                for (int[] cs : cases) {
                    int n = cs[0], c = cs[1], h = cs[2], wd = cs[3], k = cs[4], s = cs[5], p = cs[6];
                    int oh = (h + 2 * p - 3) / s + 1, ow = (wd + 2 * p - 3) / s + 1;
                    String what = java.util.Arrays.toString(cs) + " cache limit " + limit;
                    assertTrue(Conv.imagesPerGemm(n, new ConvGeom(c, h, wd, 3, 3, s, s, p, p, 1, 1, oh, ow)) >= n,
                            "one GEMM for the whole batch " + what);
                    Tensor x = Tensor.randn(r, n, c, h, wd), w = Tensor.randn(r, k, c, 3, 3);
                    float[] dy = Tensor.randn(r, n, k, oh, ow).data();
                    float[][] ref = naiveGrads(x, w, dy, s, p, 1, 1);
                    float[] dx1 = null, dw1 = null;
                    for (int t = 1; t <= 3; t++) {
                        Parallel.setThreads(t);
                        Tensor xg = x.copy().requiresGrad(true), wg = w.copy().requiresGrad(true);
                        Conv.conv2d(xg, wg, null, s, s, p, p, 1, 1, 1).backward(dy);
                        if (t == 1) {
                            dx1 = xg.grad();
                            dw1 = wg.grad();
                            Fixtures.assertClose(ref[0], dx1, 1e-4f, (float) (1e-5 * Fixtures.maxAbs(ref[0])), "dx " + what);
                            Fixtures.assertClose(ref[1], dw1, 1e-4f, (float) (1e-5 * Fixtures.maxAbs(ref[1])), "dw " + what);
                        } else {
                            assertArrayEquals(dx1, xg.grad(), "dx, " + t + " threads, " + what);
                            assertArrayEquals(dw1, wg.grad(), "dw, " + t + " threads, " + what);
                        }
                    }
                }
            }
        } finally {
            Conv.cacheLimit = oldLimit;
        }
    }
}
