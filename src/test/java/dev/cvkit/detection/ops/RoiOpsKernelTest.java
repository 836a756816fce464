package dev.cvkit.detection.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cvkit.tensor.Parallel;
import dev.cvkit.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The channels-last RoI Align and RoI Pool kernels against literal channels-first ports of torchvision's
 * loops (bitwise), on more channels than one backward block and several images; and 1, 2, 3
 * threads giving bit-identical outputs and gradients for both RoI ops.
 */
class RoiOpsKernelTest {
    private final int savedThreads = Parallel.threads();

    @AfterEach
    void restore() {
        Parallel.setThreads(savedThreads);
    }

    /** 40 RoIs over 3 images of 20×24 at stride 4 (image 80×96), some partly or fully outside. */
    private static Tensor rois(Random r) {
        float[] v = new float[40 * 5];
        for (int i = 0; i < 40; i++) {
            float x = r.nextFloat() * 110 - 15, y = r.nextFloat() * 90 - 10;
            v[i * 5] = r.nextInt(3);
            v[i * 5 + 1] = x;
            v[i * 5 + 2] = y;
            v[i * 5 + 3] = x + r.nextFloat() * 60;
            v[i * 5 + 4] = y + r.nextFloat() * 50;
        }
        return Tensor.of(v, 40, 5);
    }

    @Test
    void fastRoiAlignEqualsTheReferenceLoopsBitForBit() {
        Random r = new Random(3);
        Tensor x = Tensor.randn(r, 3, 150, 20, 24), rois = rois(r);
        Shape s = new Shape(3, 150, 20, 24, 40);
        for (int sr : new int[] {2, 0}) {
            for (boolean aligned : new boolean[] {false, true}) {
                Tensor xg = x.copy().requiresGrad(true);
                Tensor y = RoiAlign.apply(xg, rois, 7, 5, 0.25f, sr, aligned);
                assertArrayEquals(RoiAlign.forwardReference(x.data(), rois.data(), s, 7, 5, 0.25f, sr, aligned), y.data());
                float[] gy = Tensor.randn(r, y.shape()).data();
                y.backward(gy);
                assertArrayEquals(RoiAlign.backwardReference(gy, rois.data(), s, 7, 5, 0.25f, sr, aligned), xg.grad());
            }
        }
    }

    @Test
    void fastRoiPoolEqualsTheReferenceLoopsBitForBit() {
        // values on a coarse grid (many tied maxima) plus NaN, ±0, −inf and −FLT_MAX, which
        // torchvision's strict "v > max" starting from −FLT_MAX never takes
        Random r = new Random(5);
        Tensor x = Tensor.zeros(3, 40, 20, 24);
        float[] special = {Float.NaN, 0f, -0f, Float.NEGATIVE_INFINITY, -Float.MAX_VALUE};
        float[] d = x.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = r.nextInt(8) == 0 ? special[r.nextInt(special.length)] : Math.round(r.nextGaussian() * 2) / 2f;
        }
        java.util.Arrays.fill(d, 0, 2 * 20 * 24, -Float.MAX_VALUE); // two planes with nothing above the start
        Tensor rois = rois(r);
        Shape s = new Shape(3, 40, 20, 24, 40);
        for (float scale : new float[] {0.25f, 0.125f}) {
            Tensor xg = x.copy().requiresGrad(true);
            Tensor y = RoiPool.apply(xg, rois, 6, 5, scale);
            int[] argmax = new int[y.numel()];
            float[] ref = RoiPool.forwardReference(d, rois.data(), s, 6, 5, scale, argmax);
            assertArrayEquals(ref, y.data());
            // the gradient lands on the reference's argmax positions
            float[] gy = new float[y.numel()];
            java.util.Arrays.fill(gy, 1f);
            y.backward(gy);
            float[] expected = new float[d.length];
            int bins = 30, hw = 20 * 24;
            for (int k = 0; k < 40; k++) {
                int b = (int) rois.data()[k * 5];
                for (int c = 0; c < 40; c++) {
                    for (int q = 0; q < bins; q++) {
                        int a = argmax[(k * 40 + c) * bins + q];
                        if (a >= 0) expected[(b * 40 + c) * hw + a] += 1f;
                    }
                }
            }
            assertArrayEquals(expected, xg.grad());
        }
    }

    @Test
    void resultsAreBitIdenticalForAnyThreadCount() {
        Random r = new Random(4);
        Tensor x = Tensor.randn(r, 3, 70, 20, 24), rois = rois(r);
        float[] gy = Tensor.randn(r, 40, 70, 7, 7).data();
        float[][] ref = null;
        for (int threads = 1; threads <= 3; threads++) {
            Parallel.setThreads(threads);
            Tensor xa = x.copy().requiresGrad(true), xp = x.copy().requiresGrad(true);
            Tensor ya = RoiAlign.apply(xa, rois, 7, 7, 0.25f, 0, true);
            ya.backward(gy);
            Tensor yp = RoiPool.apply(xp, rois, 7, 7, 0.25f);
            yp.backward(gy);
            float[][] got = {ya.data(), xa.grad(), yp.data(), xp.grad()};
            if (ref == null) {
                ref = got;
            } else {
                for (int i = 0; i < got.length; i++) assertArrayEquals(ref[i], got[i], threads + " threads, result " + i);
            }
        }
    }

    @Test
    void noGradAndBadShapes() {
        Tensor x = Tensor.zeros(1, 2, 4, 4).requiresGrad(true);
        Tensor rois = Tensor.of(new float[] {0, 0, 0, 3, 3}, 1, 5);
        try (var g = Tensor.noGrad()) {
            assertEquals(false, RoiAlign.apply(x, rois, 2, 2, 1f, 2, false).requiresGrad());
        }
        assertThrows(IllegalArgumentException.class, () -> RoiAlign.apply(x, Tensor.zeros(1, 4), 2, 2, 1f, 2, false));
        assertThrows(IllegalArgumentException.class, () -> RoiPool.apply(x, Tensor.of(new float[] {1, 0, 0, 3, 3}, 1, 5), 2, 2, 1f),
                "batch index 1 of a batch of 1");
        assertThrows(IllegalArgumentException.class, () -> RoiPool.apply(x, rois, 0, 2, 1f));
    }
}
