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
 * The channels-last RoI Align kernels against the literal channels-first port of torchvision's
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
