package dev.cvkit.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cvkit.tensor.Parallel;
import dev.cvkit.tensor.Tensor;
import dev.cvkit.testing.Fixtures;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Winograd F(2×2, 3×3) against PyTorch's fixtures, a direct double-precision convolution and the
 * im2col path: forward, input gradient and weight gradient.
 *
 * <p>Tolerance: every output is a sum over C·9 products; the direct float sum has a rounding
 * error of order ε·Σ|w·x|. The transforms add at most 16 inputs (or 9 weights, halved) before
 * the product and recombine 9 products after, all with coefficients ±1, ±½, so the bound grows
 * by a constant factor, not with C. We assert |winograd − exact| ≤ 1e-5·max Σ|w|·|x| per
 * tensor (≈ 80 ε); random data stays ~100× inside it (worst |error| / Σ|terms| ≈ 1.3e-7).
 */
class ConvWinogradTest extends RestoresWinogradMode {
    @Test
    void conv2dFixturesMatchPyTorchThroughWinograd() throws Exception {
        ConvWinograd.mode = "on";
        for (String f : new String[] {"conv2d_same_n2", "conv2d_same_n5"}) {
            var c = Fixtures.load("nn/" + f + ".safetensors");
            ConvGeom g = new ConvGeom(4, 6, 5, 3, 3, 1, 1, 1, 1, 1, 1, 6, 5);
            assertTrue(ConvWinograd.applies(g, 1, 2, 4), "fixture " + f + " takes the Winograd kernel");
            LayerFixtureTest.check("conv2d", c);
        }
    }

    /** Direct convolution and the magnitude Σ|w|·|x| of each output's terms, in double. */
    private static double[][] exact(float[] x, float[] w, int n, int c, int h, int wd, int k, int pad) {
        return exact(x, w, null, n, c, h, wd, k, pad, 1);
    }

    /** As above with a bias (may be null) and a dilation (outputs: stride 1, 3×3). */
    static double[][] exact(float[] x, float[] w, float[] bias, int n, int c, int h, int wd, int k, int pad, int dil) {
        int oh = h + 2 * pad - 2 * dil, ow = wd + 2 * pad - 2 * dil;
        double[] y = new double[n * k * oh * ow], mag = new double[y.length];
        for (int i = 0; i < n; i++)
            for (int o = 0; o < k; o++)
                for (int oy = 0; oy < oh; oy++)
                    for (int ox = 0; ox < ow; ox++) {
                        double s = bias == null ? 0 : bias[o], m = Math.abs(s);
                        for (int ci = 0; ci < c; ci++)
                            for (int a = 0; a < 3; a++)
                                for (int b = 0; b < 3; b++) {
                                    int iy = oy - pad + a * dil, ix = ox - pad + b * dil;
                                    if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                                    double t = (double) w[((o * c + ci) * 3 + a) * 3 + b] * x[((i * c + ci) * h + iy) * wd + ix];
                                    s += t;
                                    m += Math.abs(t);
                                }
                        int at = ((i * k + o) * oh + oy) * ow + ox;
                        y[at] = s;
                        mag[at] = m;
                    }
        return new double[][] {y, mag};
    }

    @Test
    void forwardIsWithinTheTransformBoundOfTheExactConvolutionAndThreadInvariant() {
        Random r = new Random(11);
        int[][] cases = { // n, c, h, w, k, pad
                {1, 32, 14, 14, 32, 1}, {2, 3, 7, 9, 5, 1}, {3, 16, 9, 8, 24, 0}, {1, 64, 5, 5, 40, 2},
                {5, 8, 13, 11, 16, 1}, {1, 1, 3, 3, 1, 0},
                {4, 96, 10, 10, 80, 1}}; // weight gradient in two groups and two blocks of output channels
        ConvWinograd.mode = "on";
        for (int[] cs : cases) {
            int n = cs[0], c = cs[1], h = cs[2], wd = cs[3], k = cs[4], pad = cs[5];
            Tensor x = Tensor.randn(r, n, c, h, wd), w = Tensor.randn(r, k, c, 3, 3);
            double[][] ex = exact(x.data(), w.data(), n, c, h, wd, k, pad);
            double bound = 1e-5 * Arrays.stream(ex[1]).max().orElse(0);
            float[] first = null, firstDx = null, firstDw = null;
            float[] gy = Tensor.randn(r, n, k, h + 2 * pad - 2, wd + 2 * pad - 2).data();
            for (int t : new int[] {1, 2, 3}) {
                Parallel.setThreads(t);
                Tensor xr = x.copy().requiresGrad(true), wr = w.copy().requiresGrad(true);
                Tensor out = Conv.conv2d(xr, wr, null, 1, 1, pad, pad, 1, 1, 1);
                float[] y = out.data();
                for (int q = 0; q < y.length; q++) {
                    double err = Math.abs(y[q] - ex[0][q]);
                    assertTrue(err <= bound, "case " + Arrays.toString(cs) + " at " + q + ": " + y[q] + " vs " + ex[0][q]);
                }
                out.backward(gy);
                if (first == null) {
                    first = y;
                    firstDx = xr.grad();
                    firstDw = wr.grad();
                } else {
                    assertArrayEquals(first, y, "threads " + t + " changed the result");
                    assertArrayEquals(firstDx, xr.grad(), "threads " + t + " changed the input gradient");
                    assertArrayEquals(firstDw, wr.grad(), "threads " + t + " changed the weight gradient");
                }
            }
        }
    }

    @Test
    void fusedInferenceAndGradientsMatchTheIm2colPath() {
        Random r = new Random(12);
        int[][] cases = { // n, c, h, w, k, pad
                {4, 32, 15, 16, 48, 1}, {1, 8, 9, 7, 16, 0}, {2, 16, 6, 5, 8, 2}, {5, 4, 4, 4, 4, 1}};
        for (int[] cs : cases) matchesIm2col(r, cs[0], cs[1], cs[2], cs[3], cs[4], cs[5]);
    }

    private static void matchesIm2col(Random r, int n, int c, int h, int wd, int k, int pad) {
        int oh = h + 2 * pad - 2, ow = wd + 2 * pad - 2;
        Tensor x = Tensor.randn(r, n, c, h, wd), w = Tensor.randn(r, k, c, 3, 3), b = Tensor.randn(r, k);
        Tensor gy = Tensor.randn(r, n, k, oh, ow);
        float[][] fused = new float[2][], dx = new float[2][], dw = new float[2][];
        float[] scale = new float[k], shift = new float[k];
        for (int j = 0; j < k; j++) {
            scale[j] = 0.5f + j / (float) k;
            shift[j] = j % 3 - 1f;
        }
        String[] modes = {"on", "off"};
        for (int m = 0; m < 2; m++) {
            ConvWinograd.mode = modes[m];
            fused[m] = Conv.conv2dFused(x, w, scale, shift, 0f, Float.POSITIVE_INFINITY, 1, 1, pad, pad, 1, 1, 1).data().clone();
            Tensor xr = x.copy().requiresGrad(true), wr = w.copy().requiresGrad(true);
            Tensor y = Conv.conv2d(xr, wr, b, 1, 1, pad, pad, 1, 1, 1);
            y.backward(gy.data());
            dx[m] = xr.grad().clone();
            dw[m] = wr.grad().clone();
        }
        double[][] ex = exact(x.data(), w.data(), n, c, h, wd, k, pad);
        double magY = Arrays.stream(ex[1]).max().orElse(0);
        Fixtures.assertClose(fused[1], fused[0], 0f, (float) (2e-5 * magY), "fused inference" + " pad " + pad);
        boolean anyPositive = false, anyZero = false;
        for (float v : fused[0]) {
            anyPositive |= v > 0;
            anyZero |= v == 0;
        }
        assertTrue(anyPositive && anyZero, "the ReLU clamp was applied to a mixed-sign output");
        // the input gradient is a 3×3 convolution of gy (K channels) with the flipped weights:
        // its terms are bounded by max|gy| · Σ_{k,taps} |w[k][c]| for the worst input channel
        double gyMax = 0, wCol = 0;
        for (float v : gy.data()) gyMax = Math.max(gyMax, Math.abs(v));
        for (int ci = 0; ci < c; ci++) {
            double s = 0;
            for (int j = 0; j < k; j++) for (int q = 0; q < 9; q++) s += Math.abs(w.data()[(j * c + ci) * 9 + q]);
            wCol = Math.max(wCol, s);
        }
        Fixtures.assertClose(dx[1], dx[0], 0f, (float) (2e-5 * gyMax * wCol), "input gradient" + " pad " + pad);
        // dW[k][c] sums gy·x over n·h·w positions: the same ε·Σ|terms| argument, with the largest
        // Σ|gy|·|x| over (k, c, tap) bounded by max|gy| · Σ|x| of one channel
        double xCh = 0;
        for (int ci = 0; ci < c; ci++) {
            double s = 0;
            for (int i = 0; i < n; i++) for (int q = 0; q < h * wd; q++) s += Math.abs(x.data()[(i * c + ci) * h * wd + q]);
            xCh = Math.max(xCh, s);
        }
        String what = " n " + n + " c " + c + " " + h + "×" + wd + " k " + k + " pad " + pad;
        Fixtures.assertClose(dw[1], dw[0], 0f, (float) (2e-5 * gyMax * xCh), "weight gradient" + what);
        assertFalse(Arrays.equals(dx[0], dx[1]), "dx" + what);
        assertFalse(Arrays.equals(dw[0], dw[1]), "dw" + what);
        assertFalse(Arrays.equals(fused[0], fused[1]),
                "the two modes took different kernels" + what);
    }

    @Test
    void ruleKeepsThinLayersOnIm2col() {
        ConvWinograd.mode = "auto";
        ConvGeom same56 = new ConvGeom(64, 56, 56, 3, 3, 1, 1, 1, 1, 1, 1, 56, 56);
        assertTrue(ConvWinograd.applies(same56, 1, 1, 64), "resnet18's first stage");
        assertTrue(ConvWinograd.appliesInTraining(same56, 1, 1, 64), "training by the same rule");
        assertFalse(ConvWinograd.appliesInTraining(new ConvGeom(16, 32, 32, 3, 3, 1, 1, 1, 1, 1, 1, 32, 32), 1, 64, 16),
                "training keeps thin layers on im2col too");
        ConvWinograd.mode = "inference";
        assertFalse(ConvWinograd.appliesInTraining(same56, 1, 1, 64), "inference only when asked");
        assertTrue(ConvWinograd.applies(same56, 1, 1, 64));
        ConvWinograd.mode = "auto";
        assertFalse(ConvWinograd.applies(same56, 2, 1, 64), "grouped");
        assertFalse(ConvWinograd.applies(new ConvGeom(16, 32, 32, 3, 3, 1, 1, 1, 1, 1, 1, 32, 32), 1, 64, 16), "16 channels");
        assertFalse(ConvWinograd.applies(new ConvGeom(64, 56, 56, 3, 3, 2, 2, 1, 1, 1, 1, 28, 28), 1, 8, 64), "stride 2");
        ConvGeom late = new ConvGeom(512, 7, 7, 3, 3, 1, 1, 1, 1, 1, 1, 7, 7);
        assertFalse(ConvWinograd.applies(late, 1, 8, 512), "512 channels on 128 tiles");
        assertTrue(ConvWinograd.applies(late, 1, 16, 512), "512 channels on 256 tiles");
    }
    /**
     * The weight transform, split over output channels: against G g Gᵀ written out with the same
     * float operations, and the flipped form read in place against the transform of a flipped
     * copy (ConvBackward.flipTranspose), bit for bit, on 1 and 3 threads and several blocks.
     */
    @Test
    void weightTransformsMatchTheirSerialDefinitionsBitForBit() {
        Random r = new Random(13);
        int k = 70, c = 150; // 24 channels per block: 3 blocks
        float[] w = Tensor.randn(r, k, c, 3, 3).data();
        float[] expected = new float[16 * k * c];
        for (int kk = 0; kk < k; kk++) {
            for (int ci = 0; ci < c; ci++) {
                float[] g = Arrays.copyOfRange(w, (kk * c + ci) * 9, (kk * c + ci) * 9 + 9);
                float[] gg = new float[12]; // G·g, 4 × 3
                for (int j = 0; j < 3; j++) {
                    float g0 = g[j], g1 = g[3 + j], g2 = g[6 + j];
                    gg[j] = g0;
                    gg[3 + j] = 0.5f * (g0 + g1 + g2);
                    gg[6 + j] = 0.5f * (g0 - g1 + g2);
                    gg[9 + j] = g2;
                }
                for (int a = 0; a < 4; a++) {
                    float g0 = gg[3 * a], g1 = gg[3 * a + 1], g2 = gg[3 * a + 2];
                    float[] row = {g0, 0.5f * (g0 + g1 + g2), 0.5f * (g0 - g1 + g2), g2};
                    for (int b = 0; b < 4; b++) expected[((4 * a + b) * k + kk) * c + ci] = row[b];
                }
            }
        }
        float[] flippedCopy = ConvBackward.flipTranspose(w, 1, k, c, 3, 3);
        for (int t : new int[] {1, 3}) {
            Parallel.setThreads(t);
            float[] got = new float[16 * k * c];
            ConvWinograd.transformWeights(w, k, c, new dev.cvkit.tensor.NativeFloats()).get(0, got, 0, got.length);
            assertArrayEquals(expected, got, "G g Gᵀ, " + t + " threads");
            float[] viaCopy = new float[16 * k * c], inPlace = new float[16 * k * c];
            ConvWinograd.transformWeights(flippedCopy, c, k, new dev.cvkit.tensor.NativeFloats()).get(0, viaCopy, 0, viaCopy.length);
            ConvWinograd.transformWeights(w, c, k, true, new dev.cvkit.tensor.NativeFloats()).get(0, inPlace, 0, inPlace.length);
            assertArrayEquals(viaCopy, inPlace, "flipped kernel read in place, " + t + " threads");
            assertTrue(Arrays.stream(new int[] {0, 1, 5000}).allMatch(q -> inPlace[q] != 0f), "real values");
        }
        // the flipped copy itself: W[k][c][i][j] at Wt[c][k][2 − i][2 − j]
        assertTrue(flippedCopy[(7 * k + 3) * 9 + 2] == w[(3 * c + 7) * 9 + 6], "flipTranspose layout");
    }
}
