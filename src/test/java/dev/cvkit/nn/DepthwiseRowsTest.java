package dev.cvkit.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cvkit.tensor.Parallel;
import dev.cvkit.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Inference's row-wise depthwise kernel ({@link DepthwiseRows}, taken by {@link Conv#conv2dFused})
 * gives the bits of the reference depthwise loop ({@link Conv#conv2d}) for 3×3 and 5×5 kernels
 * at stride 1 and 2, every padding up to the kernel's width, maps from 1² to odd and even
 * sizes; and the fused BatchNorm + Hardswish / Hardsigmoid / ReLU6 epilogue gives the bits of
 * the affine and {@link Functional}'s activations applied after it, at 1 and 2 threads.
 */
class DepthwiseRowsTest {
    @Test
    void equalsTheReferenceLoopBitForBit() {
        Random r = new Random(7);
        int cases = 0;
        try (var g = Tensor.noGrad()) {
            for (int k : new int[] {3, 5}) {
                for (int s : new int[] {1, 2}) {
                    for (int pad = 0; pad <= k; pad++) {
                        for (int[] hw : new int[][] {{1, 1}, {2, 3}, {5, 5}, {8, 7}, {13, 16}, {20, 20}}) {
                            int h = hw[0], w = hw[1];
                            if (ConvGeom.outSize(h, k, s, pad, 1) <= 0 || ConvGeom.outSize(w, k, s, pad, 1) <= 0) continue;
                            Tensor x = Tensor.randn(r, 2, 3, h, w), wt = Tensor.randn(r, 3, 1, k, k);
                            float[] ref = Conv.conv2d(x, wt, null, s, s, pad, pad, 1, 1, 3).data();
                            float[] got = Conv.conv2dFused(x, wt, null, null, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY,
                                    s, s, pad, pad, 1, 1, 3).data();
                            assertArrayEquals(ref, got, k + "x" + k + " stride " + s + " pad " + pad + " on " + h + "x" + w);
                            cases++;
                        }
                    }
                }
            }
        }
        assertTrue(cases > 80, cases + " cases");
    }

    @Test
    void fusedActivationsEqualTheSeparateOps() {
        Random r = new Random(8);
        int c = 6;
        Tensor x = Tensor.randn(r, 2, c, 11, 10), wt = Tensor.randn(r, c, 1, 5, 5);
        float[] scale = new float[c], shift = new float[c];
        for (int j = 0; j < c; j++) {
            scale[j] = 0.5f + r.nextFloat();
            shift[j] = r.nextFloat() * 4 - 2;
        }
        int old = Parallel.threads();
        try (var g = Tensor.noGrad()) {
            for (int s : new int[] {1, 2}) {
                Tensor conv = Conv.conv2d(x, wt, null, s, s, 2, 2, 1, 1, c);
                float[] v = conv.data().clone();
                int p = v.length / (2 * c);
                for (int i = 0; i < v.length; i++) v[i] = v[i] * scale[(i / p) % c] + shift[(i / p) % c];
                Tensor affine = Tensor.of(v, conv.shape());
                float[] hs = Functional.hardswish(affine).data(), hsig = Functional.hardsigmoid(affine).data();
                float[] relu6 = Functional.relu6(affine).data();
                for (int threads : new int[] {1, 2}) {
                    Parallel.setThreads(threads);
                    String at = "stride " + s + ", threads " + threads;
                    assertArrayEquals(hs, Conv.conv2dFused(x, wt, null, scale, shift, null, Float.NEGATIVE_INFINITY,
                            Float.POSITIVE_INFINITY, Activation.Kind.HARDSWISH, s, s, 2, 2, 1, 1, c).data(), "hardswish, " + at);
                    assertArrayEquals(hsig, Conv.conv2dFused(x, wt, null, scale, shift, null, Float.NEGATIVE_INFINITY,
                            Float.POSITIVE_INFINITY, Activation.Kind.HARDSIGMOID, s, s, 2, 2, 1, 1, c).data(), "hardsigmoid, " + at);
                    assertArrayEquals(relu6, Conv.conv2dFused(x, wt, scale, shift, 0f, 6f, s, s, 2, 2, 1, 1, c).data(), "relu6, " + at);
                }
            }
        } finally {
            Parallel.setThreads(old);
        }
    }

    /** PyTorch's CPU formulas, min(max(x + 3, 0), 6)·x / 6 and min(max(x + 3, 0), 6) / 6, at the edges of their pieces. */
    @Test
    void hardActivationsAtTheirBreakpoints() {
        float[] xs = {-4f, -3f, -2.5f, 0f, 1f, 3f, 5f};
        float[] swish = {-0f, -0f, -2.5f * 0.5f / 6f, 0f, 1f * 4f / 6f, 3f, 5f};
        float[] sig = {0f, 0f, 0.5f / 6f, 0.5f, 4f / 6f, 1f, 1f};
        for (int i = 0; i < xs.length; i++) {
            assertTrue(Functional.hardswish(xs[i]) == swish[i], "hardswish(" + xs[i] + ") = " + Functional.hardswish(xs[i]));
            assertTrue(Functional.hardsigmoid(xs[i]) == sig[i], "hardsigmoid(" + xs[i] + ") = " + Functional.hardsigmoid(xs[i]));
        }
    }
}
