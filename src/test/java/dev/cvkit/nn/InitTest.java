package dev.cvkit.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cvkit.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Initialisers follow torch.nn.init's formulas (checked by hand: fan_in = in·kh·kw, gain √2 for
 * ReLU, √(2/(1+5)) for a = √5) and are reproducible from the seed.
 */
class InitTest {
    @Test
    void boundsAndSpreadsFollowPyTorchFormulas() {
        Init.seed(1);
        Tensor w = Tensor.zeros(64, 32, 3, 3); // fan_in 288, fan_out 576
        Init.kaimingUniform(w, 0f, false);
        double bound = Math.sqrt(2) * Math.sqrt(3.0 / 288);
        assertTrue(max(w) <= bound && max(w) > 0.99 * bound);
        Init.kaimingNormal(w, 0f, true);
        assertEquals(Math.sqrt(2.0 / 576), std(w), 0.02 * Math.sqrt(2.0 / 576));
        Init.xavierUniform(w, 1f);
        assertTrue(max(w) <= Math.sqrt(6.0 / (288 + 576)) && max(w) > 0.99 * Math.sqrt(6.0 / (288 + 576)));
        Conv2d c = new Conv2d(32, 64, 3); // default: bound 1/√fan_in for weight and bias
        assertTrue(max(c.weight) <= 1 / Math.sqrt(288) && max(c.weight) > 0.99 / Math.sqrt(288));
        assertTrue(max(c.bias) <= 1 / Math.sqrt(288));
    }

    @Test
    void seededBuildsAreIdentical() {
        Init.seed(5);
        float[] a = new Linear(10, 4).weight.data();
        Init.seed(5);
        assertArrayEquals(a, new Linear(10, 4).weight.data());
    }

    private static double max(Tensor t) {
        double m = 0;
        for (float v : t.data()) m = Math.max(m, Math.abs(v));
        return m;
    }

    private static double std(Tensor t) {
        double s = 0, ss = 0;
        for (float v : t.data()) {
            s += v;
            ss += v * v;
        }
        int n = t.numel();
        return Math.sqrt(ss / n - (s / n) * (s / n));
    }
}
