package dev.cvkit.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cvkit.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * ReLU's gradient as PyTorch's threshold_backward gives it: the whole upstream gradient where the
 * input is above 0, none at 0 or below, for tiny and subnormal inputs too (the branch-free mask
 * once scaled those by v·1e30, so 1e-31 passed a tenth of its gradient).
 */
class ReluGradientTest {
    private static final float[] X = {1e-31f, Float.MIN_VALUE, Float.MIN_NORMAL, 1e-30f, 3f, 0f, -0f, -Float.MIN_VALUE, -2f,
            Float.MAX_VALUE, Float.NEGATIVE_INFINITY};
    private static final float[] WHOLE = {1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 0};

    @Test
    void everyPositiveInputPassesItsWholeGradient() {
        Tensor x = Tensor.of(X.clone(), X.length).requiresGrad(true);
        float[] dy = new float[X.length];
        for (int i = 0; i < dy.length; i++) dy[i] = 0.5f + i;
        Functional.relu(x).backward(dy);
        float[] want = new float[X.length];
        for (int i = 0; i < want.length; i++) want[i] = WHOLE[i] * dy[i];
        assertArrayEquals(want, x.grad(), 0f);
    }

    @Test
    void theMaskIsAStep() {
        for (int i = 0; i < X.length; i++) {
            assertEquals(WHOLE[i], Functional.stepMask(X[i]), 0f, "mask of " + X[i]);
        }
    }
}
