package dev.cvkit.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cvkit.optim.Sgd;
import dev.cvkit.tensor.Parallel;
import dev.cvkit.tensor.Tensor;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Inference's cached weight forms ({@link InferenceWeights}): results equal the uncached kernels
 * bit for bit, and every declared weight change (optimizer step, loadStateDict) shows in the
 * next inference call.
 */
class InferenceWeightsTest {
    /** One layer per cached form: Winograd (64→64 on 16², 64 tiles), tap-major (16→32 on 16²), as stored (3×3/2). */
    private static Conv2d[] layers() {
        dev.cvkit.nn.Init.seed(5);
        return new Conv2d[] {new Conv2d(64, 64, 3, 1, 1), new Conv2d(16, 32, 3, 1, 1), new Conv2d(16, 32, 3, 2, 1)};
    }

    private static Tensor input(Conv2d c, long seed) {
        return Tensor.randn(new Random(seed), 2, c.in, 16, 16);
    }

    /** The kernels without any cache: the public conv2d, which copies or transforms the weight per call. */
    private static float[] uncached(Conv2d c, Tensor x) {
        try (var g = Tensor.noGrad()) {
            return Conv.conv2d(x, c.weight, c.bias, c.stride, c.stride, c.padding, c.padding, 1, 1, 1).data().clone();
        }
    }

    private static float[] cached(Conv2d c, Tensor x) {
        try (var g = Tensor.noGrad()) {
            return c.forward(x).data().clone();
        }
    }

    private static float[] fusedRelu(Conv2d c, Tensor x) {
        try (var g = Tensor.noGrad()) {
            return c.forwardFused(x, null, 0f, Float.POSITIVE_INFINITY).data().clone();
        }
    }

    private static float[] relu(float[] y) {
        float[] r = y.clone();
        for (int i = 0; i < r.length; i++) r[i] = Math.max(r[i], 0f);
        return r;
    }

    @Test
    void theLayersTakeTheCachedKernels() {
        Conv2d[] l = layers();
        ConvGeom wino = new ConvGeom(64, 16, 16, 3, 3, 1, 1, 1, 1, 1, 1, 16, 16);
        assertTrue(ConvWinograd.applies(wino, 1, 2, 64));
        ConvGeom taps = new ConvGeom(16, 16, 16, 3, 3, 1, 1, 1, 1, 1, 1, 16, 16);
        assertFalse(ConvWinograd.applies(taps, 1, 2, 32));
        assertTrue(ConvShifted.applies(taps, 1));
        assertEquals(2, l[2].stride);
    }

    @Test
    void cachedEqualsUncachedBitForBitOnRepeatedCalls() {
        for (Conv2d c : layers()) {
            c.eval();
            Tensor a = input(c, 1), b = input(c, 2);
            float[] ya = uncached(c, a), yb = uncached(c, b);
            for (int rep = 0; rep < 3; rep++) {
                assertArrayEquals(ya, cached(c, a), "unfused, call " + rep);
                assertArrayEquals(yb, cached(c, b), "unfused, other input, call " + rep);
                assertArrayEquals(relu(ya), fusedRelu(c, a), "fused, call " + rep);
            }
        }
    }

    @Test
    void cachedIsIdenticalForAnyThreadCount() {
        int saved = Parallel.threads();
        try {
            for (Conv2d c : layers()) {
                c.eval();
                Tensor x = input(c, 3);
                Parallel.setThreads(1);
                float[] one = cached(c, x);
                Parallel.setThreads(3);
                assertArrayEquals(one, cached(c, x));
                assertArrayEquals(one, uncached(c, x));
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void inferenceFollowsAnOptimizerStepBetweenCalls() {
        for (Conv2d c : layers()) {
            Tensor x = input(c, 4);
            c.eval();
            float[] before = cached(c, x);
            fusedRelu(c, x);
            // one training step, then validation-style inference with the same weight arrays
            c.train(false); // stay in eval: the stamp must move by the step alone
            Sgd opt = new Sgd(c.parameters(), 0.5f, 0f, 0f, false);
            opt.zeroGrad();
            c.forward(x).sum().backward();
            float[] old = c.weight.data().clone();
            opt.step();
            assertFalse(Arrays.equals(old, c.weight.data()), "the step changed the weight");
            float[] after = cached(c, x);
            assertFalse(Arrays.equals(before, after), "inference moved with the weights");
            assertArrayEquals(uncached(c, x), after, "unfused after the step");
            assertArrayEquals(relu(uncached(c, x)), fusedRelu(c, x), "fused after the step");
        }
    }

    @Test
    void inferenceFollowsLoadStateDict() {
        for (Conv2d c : layers()) {
            Tensor x = input(c, 5);
            c.eval();
            float[] before = cached(c, x);
            fusedRelu(c, x);
            Map<String, Tensor> sd = new HashMap<>();
            sd.put("weight", Tensor.randn(new Random(6), c.weight.shape()));
            sd.put("bias", Tensor.randn(new Random(7), c.out));
            c.loadStateDict(sd);
            float[] after = cached(c, x);
            assertFalse(Arrays.equals(before, after));
            assertArrayEquals(uncached(c, x), after);
            assertArrayEquals(relu(uncached(c, x)), fusedRelu(c, x));
        }
    }

    @Test
    void aSequentialEqualsItsLayersAfterTraining() {
        // RetinaNet-head style: the same convolutions on two "levels", a step, then both again
        dev.cvkit.nn.Init.seed(8);
        Conv2d c1 = new Conv2d(64, 64, 3, 1, 1), c2 = new Conv2d(64, 64, 3, 1, 1);
        Sequential s = new Sequential(c1, Activation.relu(), c2);
        Tensor[] levels = {Tensor.randn(new Random(9), 1, 64, 16, 16), Tensor.randn(new Random(10), 2, 64, 8, 8)};
        for (int round = 0; round < 2; round++) {
            s.eval();
            for (Tensor x : levels) {
                float[] ref = uncached(c2, Tensor.of(relu(uncached(c1, x)), x.size(0), 64, x.size(2), x.size(3)));
                try (var g = Tensor.noGrad()) {
                    assertArrayEquals(ref, s.forward(x).data(), "round " + round);
                }
            }
            s.train(true);
            Sgd opt = new Sgd(s.parameters(), 0.1f, 0.9f, 0f, false);
            s.forward(levels[0]).sum().backward();
            opt.step();
        }
    }

    @Test
    void linearInferenceFollowsAStepAndEqualsFunctionalLinear() {
        dev.cvkit.nn.Init.seed(12);
        Linear l = new Linear(64, 40);
        Tensor x = Tensor.randn(new Random(13), 3, 64);
        for (int round = 0; round < 2; round++) {
            float[] ref;
            try (var g = Tensor.noGrad()) {
                ref = Functional.linear(x, l.weight, l.bias).data().clone();
                assertArrayEquals(ref, l.forward(x).data(), "round " + round);
                assertArrayEquals(ref, l.forward(x).data(), "round " + round + ", cached");
                assertArrayEquals(ref, l.forward(x.reshape(3, 4, 4, 4)).data(), "4-D input");
            }
            Sgd opt = new Sgd(l.parameters(), 0.5f, 0f, 0f, false);
            l.forward(x).sum().backward();
            opt.step();
            try (var g = Tensor.noGrad()) {
                assertFalse(Arrays.equals(ref, l.forward(x).data()), "moved with the step");
            }
        }
    }

    @Test
    void anUndeclaredWriteFailsInsteadOfUsingOldWeights() {
        assumeTrue(InferenceWeights.CHECK, "needs -Dcvkit.checkInferenceWeights=true (set by the test configuration)");
        for (Conv2d c : layers()) {
            c.eval();
            Tensor x = input(c, 11);
            cached(c, x);
            c.weight.data()[0] += 1f;
            assertThrows(IllegalStateException.class, () -> cached(c, x));
            Module.parametersChanged();
            assertArrayEquals(uncached(c, x), cached(c, x), "declared: rebuilt");
        }
    }
}
