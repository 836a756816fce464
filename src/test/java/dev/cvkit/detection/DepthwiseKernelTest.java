package dev.cvkit.detection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cvkit.nn.Conv;
import dev.cvkit.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fused depthwise kernel vs the engine's general grouped convolution on explicitly padded input. */
class DepthwiseKernelTest {
    @Test
    void matchesGroupedConvWithAsymmetricPadding() {
        Random rng = new Random(6);
        int[][] cases = {{5, 8, 8, 1, 1, 1, 1, 1}, {4, 8, 10, 2, 0, 1, 0, 1}, {3, 7, 9, 2, 1, 1, 1, 1}, {2, 2, 2, 2, 0, 1, 0, 1}, {3, 5, 6, 1, 0, 0, 0, 0}};
        for (int[] k : cases) {
            int c = k[0], h = k[1], w = k[2], s = k[3], top = k[4], bottom = k[5], left = k[6], right = k[7];
            Tensor x = Tensor.randn(rng, 1, c, h, w);
            Tensor wt = Tensor.randn(rng, c, 1, 3, 3);
            float[] scale = new float[c], shift = new float[c];
            for (int i = 0; i < c; i++) {
                scale[i] = 0.5f + rng.nextFloat();
                shift[i] = rng.nextFloat() - 0.5f;
            }
            Tensor ref;
            try (var g = Tensor.noGrad()) {
                ref = Conv.conv2d(TfOps.pad(x, top, bottom, left, right, 0f), wt, null, s, s, 0, 0, 1, 1, c);
            }
            int oh = ref.size(2), ow = ref.size(3);
            Tensor got = DepthwiseKernel.forward(x, wt.data(), 3, 3, s, top, left, oh, ow, scale, shift, 0f, 6f);
            assertArrayEquals(ref.shape(), got.shape());
            for (int ch = 0; ch < c; ch++) {
                for (int q = 0; q < oh * ow; q++) {
                    float want = Math.min(Math.max(ref.data()[ch * oh * ow + q] * scale[ch] + shift[ch], 0f), 6f);
                    assertEquals(want, got.data()[ch * oh * ow + q], 1e-5f, "case " + java.util.Arrays.toString(k) + " channel " + ch + " at " + q);
                }
            }
        }
    }

    @Test
    void maxPoolMatchesTheEnginesOnMinusInfinityPadding() {
        Random rng = new Random(7);
        int[][] cases = {{3, 9, 8, 3, 2, 1, 1, 1, 1}, {2, 7, 7, 2, 2, 0, 1, 0, 1}, {2, 13, 13, 2, 1, 0, 1, 0, 1}};
        for (int[] k : cases) {
            Tensor x = Tensor.randn(rng, 1, k[0], k[1], k[2]);
            int size = k[3], s = k[4];
            Tensor ref;
            try (var g = Tensor.noGrad()) {
                ref = dev.cvkit.nn.Functional.maxPool2d(TfOps.pad(x, k[5], k[6], k[7], k[8], Float.NEGATIVE_INFINITY),
                        size, size, s, s, 0, 0, false).output();
            }
            Tensor got = TfOps.maxPool(x, size, s, k[5], k[7], ref.size(2), ref.size(3));
            assertArrayEquals(ref.data(), got.data(), java.util.Arrays.toString(k));
        }
    }

    @Test
    void samePaddingIsTensorFlows() {
        assertArrayEquals(new int[] {0, 1}, TfOps.samePadding(512, 3, 2), "even input, stride 2: one after");
        assertArrayEquals(new int[] {1, 1}, TfOps.samePadding(512, 3, 1));
        assertArrayEquals(new int[] {1, 1}, TfOps.samePadding(7, 3, 2), "odd input, stride 2");
        assertArrayEquals(new int[] {0, 1}, TfOps.samePadding(13, 2, 1), "2x2 pool, stride 1");
        assertArrayEquals(new int[] {0, 0}, TfOps.samePadding(8, 1, 1));
    }
}
