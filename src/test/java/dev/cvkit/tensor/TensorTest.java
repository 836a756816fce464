package dev.cvkit.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Autograd on hand-differentiated expressions. */
class TensorTest {
    @Test
    void gradientsOfSmallExpression() {
        // f = sum((a*b + a) * 3) → df/da = 3(b + 1), df/db = 3a
        Tensor a = Tensor.param(new float[] {1, -2, 3}, 3);
        Tensor b = Tensor.param(new float[] {4, 5, -6}, 3);
        Tensor f = a.mul(b).add(a).mul(3f).sum();
        assertEquals(3 * (4 + 1 - 10 - 2 - 18 + 3), f.item(), 1e-6);
        f.backward();
        assertArrayEquals(new float[] {15, 18, -15}, a.grad(), 1e-6f);
        assertArrayEquals(new float[] {3, -6, 9}, b.grad(), 1e-6f);
    }

    @Test
    void sharedInputAccumulatesAndReshapePassesGradient() {
        Tensor a = Tensor.param(new float[] {1, 2, 3, 4}, 2, 2);
        Tensor f = a.reshape(4).mul(a.reshape(-1)).sub(a.flatten().reshape(4)).mean(); // mean(a² − a)
        f.backward();
        assertArrayEquals(new float[] {0.25f, 0.75f, 1.25f, 1.75f}, a.grad(), 1e-6f); // (2a − 1)/4
    }

    @Test
    void noGradRecordsNothing() {
        Tensor a = Tensor.param(new float[] {1, 2}, 2);
        Tensor y;
        try (var g = Tensor.noGrad()) {
            assertFalse(Tensor.gradEnabled());
            y = a.mul(a);
        }
        assertTrue(Tensor.gradEnabled());
        assertFalse(y.requiresGrad());
        assertNull(a.grad());
    }
}
