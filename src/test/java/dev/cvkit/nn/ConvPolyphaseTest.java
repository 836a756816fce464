package dev.cvkit.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cvkit.tensor.Parallel;
import dev.cvkit.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Dilated 3×3 convolutions through their phases and Winograd ({@link ConvPolyphase}) against a
 * direct double-precision dilated convolution and against the im2col path's gradients, with
 * ConvWinogradTest's bound: |error| ≤ 1e-5·max Σ|w·x| per tensor.
 */
class ConvPolyphaseTest extends RestoresWinogradMode {
    /** Direct dilated convolution (padding d) and Σ|w|·|x| of each output's terms, in double. */
    private static double[][] exact(float[] x, float[] w, float[] bias, int n, int c, int h, int wd, int k, int d) {
        return ConvWinogradTest.exact(x, w, bias, n, c, h, wd, k, d, d);
    }

    private static double max(double[] a) {
        double m = 0;
        for (double v : a) m = Math.max(m, v);
        return m;
    }

    private static void assertWithin(double[] exact, float[] got, double tol, String what) {
        assertEquals(exact.length, got.length, what);
        for (int i = 0; i < got.length; i++) {
            assertTrue(Math.abs(got[i] - exact[i]) <= tol, what + " at " + i + ": " + got[i] + " vs " + exact[i]);
        }
    }

    @Test
    void appliesToPaddedDilationsOnDivisibleMapsOnly() {
        ConvGeom fcn = new ConvGeom(256, 40, 40, 3, 3, 1, 1, 2, 2, 2, 2, 40, 40);
        assertTrue(ConvPolyphase.applies(fcn, 1, 1, 256, false), "FCN-ResNet50's layer3 3×3");
        assertTrue(ConvPolyphase.applies(new ConvGeom(512, 40, 40, 3, 3, 1, 1, 4, 4, 4, 4, 40, 40), 1, 1, 512, false), "layer4");
        assertFalse(ConvPolyphase.applies(new ConvGeom(256, 41, 40, 3, 3, 1, 1, 2, 2, 2, 2, 41, 40), 1, 1, 256, false), "odd rows");
        assertFalse(ConvPolyphase.applies(new ConvGeom(256, 40, 40, 3, 3, 1, 1, 1, 1, 2, 2, 38, 38), 1, 1, 256, false), "padding ≠ dilation");
        assertFalse(ConvPolyphase.applies(new ConvGeom(256, 40, 40, 3, 3, 1, 1, 1, 1, 1, 1, 40, 40), 1, 1, 256, false), "undilated");
        assertFalse(ConvPolyphase.applies(new ConvGeom(16, 40, 40, 3, 3, 1, 1, 2, 2, 2, 2, 40, 40), 1, 1, 16, false),
                "16 channels: Winograd does not win, the phases would only cost");
        ConvWinograd.mode = "inference";
        assertTrue(ConvPolyphase.applies(fcn, 1, 1, 256, false));
        assertFalse(ConvPolyphase.applies(fcn, 1, 1, 256, true), "training stays on im2col with Winograd for inference only");
        ConvWinograd.mode = "off";
        assertFalse(ConvPolyphase.applies(fcn, 1, 1, 256, false));
    }

    @Test
    void forwardMatchesTheExactDilatedConvolutionAndIsThreadInvariant() {
        Random r = new Random(5);
        int[][] cases = {{1, 8, 12, 16, 6, 2}, {2, 5, 9, 6, 7, 3}, {1, 3, 8, 8, 4, 4}}; // n, c, h, w, k, d
        ConvWinograd.mode = "on";
        for (int[] cs : cases) {
            int n = cs[0], c = cs[1], h = cs[2], wd = cs[3], k = cs[4], d = cs[5];
            Tensor x = Tensor.randn(r, n, c, h, wd), w = Tensor.randn(r, k, c, 3, 3), b = Tensor.randn(r, k);
            ConvGeom g = new ConvGeom(c, h, wd, 3, 3, 1, 1, d, d, d, d, h, wd);
            assertTrue(ConvPolyphase.applies(g, 1, n, k, false));
            double[][] ex = exact(x.data(), w.data(), b.data(), n, c, h, wd, k, d);
            double tol = 1e-5 * max(ex[1]);
            float[] one = null;
            for (int threads : new int[] {1, 3}) {
                Parallel.setThreads(threads);
                try (var ng = Tensor.noGrad()) {
                    Tensor y = Conv.conv2d(x, w, b, 1, 1, d, d, d, d, 1);
                    assertArrayEquals(new int[] {n, k, h, wd}, y.shape());
                    assertWithin(ex[0], y.data(), tol, "d=" + d);
                    if (one == null) one = y.data().clone();
                    else assertArrayEquals(one, y.data(), "bit-identical at 1 and 3 threads");
                }
            }
        }
    }

    @Test
    void fusedInferenceWithResidualAndClampMatchesTheExactResult() {
        Random r = new Random(9);
        int n = 2, c = 6, h = 8, wd = 12, k = 5, d = 2;
        Tensor x = Tensor.randn(r, n, c, h, wd), w = Tensor.randn(r, k, c, 3, 3), res = Tensor.randn(r, n, k, h, wd);
        float[] scale = Tensor.randn(r, k).data(), shift = Tensor.randn(r, k).data();
        ConvWinograd.mode = "on";
        double[][] ex = exact(x.data(), w.data(), null, n, c, h, wd, k, d);
        double tol = 1e-5 * max(ex[1]) * 4; // |scale| of a normal draw stays well under 4
        double[] want = new double[ex[0].length];
        for (int i = 0; i < want.length; i++) {
            int ch = i / (h * wd) % k;
            want[i] = Math.max(0, ex[0][i] * scale[ch] + shift[ch] + res.data()[i]);
        }
        try (var ng = Tensor.noGrad()) {
            Tensor y = Conv.conv2dFused(x, w, null, scale, shift, res, 0f, Float.POSITIVE_INFINITY, 1, 1, d, d, d, d, 1);
            assertWithin(want, y.data(), tol, "fused");
        }
    }

    @Test
    void gradientsMatchTheIm2colPath() {
        Random r = new Random(3);
        int n = 2, c = 7, h = 10, wd = 8, k = 9, d = 2;
        float[] xv = Tensor.randn(r, n, c, h, wd).data(), wv = Tensor.randn(r, k, c, 3, 3).data(), bv = Tensor.randn(r, k).data();
        float[] seed = Tensor.randn(r, n, k, h, wd).data();
        float[][] viaPhases = grads(xv, wv, bv, seed, n, c, h, wd, k, d, "on");
        float[][] im2col = grads(xv, wv, bv, seed, n, c, h, wd, k, d, "off");
        String[] names = {"output", "input gradient", "weight gradient", "bias gradient"};
        for (int t = 0; t < 4; t++) {
            double scale = 0;
            for (float v : im2col[t]) scale = Math.max(scale, Math.abs(v));
            for (int i = 0; i < im2col[t].length; i++) {
                assertEquals(im2col[t][i], viaPhases[t][i], 1e-5 * scale, names[t] + " at " + i);
            }
        }
    }

    /** Output and input, weight and bias gradients of one dilated convolution under a Winograd mode. */
    private static float[][] grads(float[] xv, float[] wv, float[] bv, float[] seed, int n, int c, int h, int wd, int k, int d,
                                   String mode) {
        ConvWinograd.mode = mode;
        Tensor x = Tensor.of(xv.clone(), n, c, h, wd).requiresGrad(true);
        Tensor w = Tensor.of(wv.clone(), k, c, 3, 3).requiresGrad(true);
        Tensor b = Tensor.of(bv.clone(), k).requiresGrad(true);
        assertEquals(mode.equals("on"), ConvPolyphase.applies(new ConvGeom(c, h, wd, 3, 3, 1, 1, d, d, d, d, h, wd), 1, n, k, true));
        Tensor y = Conv.conv2d(x, w, b, 1, 1, d, d, d, d, 1);
        y.backward(seed);
        return new float[][] {y.data().clone(), x.grad().clone(), w.grad().clone(), b.grad().clone()};
    }
}
