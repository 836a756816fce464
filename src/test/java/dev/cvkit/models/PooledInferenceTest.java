package dev.cvkit.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cvkit.nn.Init;
import dev.cvkit.nn.Module;
import dev.cvkit.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Fused inference recycles intermediate activations through BufferPool. A recycled array reaching
 * a live tensor would show up as logits that change between runs or differ from the unfused,
 * unpooled path (eval mode with gradients recorded), so both are checked, with batch sizes
 * interleaved so arrays of every size go round the pool.
 */
class PooledInferenceTest {
    @Test
    void pooledFusedInferenceEqualsTheUnfusedPath() {
        for (Architecture a : new Architecture[] {Architecture.RESNET18, Architecture.RESNET50, Architecture.MOBILENET_V2,
                Architecture.GOOGLENET}) {
            Init.seed(1);
            Module m = a.build(10).eval();
            Random r = new Random(2);
            Tensor x1 = Tensor.randn(r, 2, 3, 64, 64), x2 = Tensor.randn(r, 1, 3, 64, 64);
            float[] reference = m.forward(x1).data().clone(); // eval, gradients on: no fusion, no pool
            float[] first, second, other;
            try (var g = Tensor.noGrad()) {
                first = m.forward(x1).data().clone();
                other = m.forward(x2).data().clone();
                second = m.forward(x1).data().clone();
                assertArrayEquals(other, m.forward(x2).data(), a.cliName());
            }
            assertArrayEquals(first, second, a.cliName() + ": repeated run");
            assertEquals(reference.length, first.length);
            for (int i = 0; i < first.length; i++) {
                assertEquals(reference[i], first[i], 1e-4f * (1 + Math.abs(reference[i])), a.cliName() + " logit " + i);
            }
        }
    }

    /** Inference keeps off-heap weight copies; after loading weights or an optimizer step it must use the new ones. */
    @Test
    void inferenceFollowsChangedWeights() {
        Init.seed(3);
        Module m = Architecture.RESNET20.build(10).eval();
        Tensor x = Tensor.randn(new Random(4), 2, 3, 32, 32);
        try (var g = Tensor.noGrad()) {
            m.forward(x); // fills the weight copies
        }
        java.util.Map<String, Tensor> state = new java.util.LinkedHashMap<>();
        m.stateDict().forEach((k, t) -> state.put(k, k.endsWith("weight") ? t.mul(1.5f) : t.copy()));
        m.loadStateDict(state);
        assertFusedEqualsUnfused(m, x, "after loadStateDict");

        m.train(true);
        dev.cvkit.optim.Sgd opt = new dev.cvkit.optim.Sgd(m.parameters(), 0.1f, 0f, 0f, false);
        dev.cvkit.nn.Losses.crossEntropy(m.forward(x), Tensor.of(new float[] {1, 7}, 2)).backward();
        m.eval();
        try (var g = Tensor.noGrad()) {
            m.forward(x); // copies taken after eval(), before the step
        }
        opt.step();
        assertFusedEqualsUnfused(m, x, "after an optimizer step");
    }

    private static void assertFusedEqualsUnfused(Module m, Tensor x, String when) {
        float[] reference = m.forward(x).data().clone();
        float[] fused;
        try (var g = Tensor.noGrad()) {
            fused = m.forward(x).data().clone();
        }
        for (int i = 0; i < fused.length; i++) {
            assertEquals(reference[i], fused[i], 1e-4f * (1 + Math.abs(reference[i])), when + ", logit " + i);
        }
    }
}
