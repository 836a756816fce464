package dev.cvkit.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cvkit.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Max pooling's argmax on ties and NaNs, worked out by hand from PyTorch's CPU loop
 * ({@code if (val > maxval || isnan(val))} in row-major window order): a tie keeps the first
 * maximum, a NaN wins and a later NaN replaces an earlier one.
 */
class MaxPoolIndicesTest {
    @Test
    void twoByTwoTiesKeepTheFirstAndTheLastNanWins() {
        float nan = Float.NaN;
        Tensor x = Tensor.of(new float[] {
                1, 3, nan, 5, 0, 0,
                3, 2, nan, 0, 0, 0}, 1, 1, 2, 6).requiresGrad(true);
        Functional.Pooled p = Functional.maxPool2d(x, 2, 2, 2, 2, 0, 0, false);
        // window 1: 3 at (0,1) and (1,0) → first, index 1; window 2: NaNs at 2 and 8 → 8;
        // window 3: all zeros → index 4
        assertArrayEquals(new int[] {1, 8, 4}, p.indices());
        float[] y = p.output().data();
        assertEquals(3f, y[0]);
        assertEquals(true, Float.isNaN(y[1]));
        assertEquals(0f, y[2]);
        // the gradient goes to the chosen positions only
        p.output().backward(new float[] {1, 2, 4});
        assertArrayEquals(new float[] {0, 1, 0, 0, 4, 0, 0, 0, 2, 0, 0, 0}, x.grad());
    }

    @Test
    void generalWindowsFollowTheSameRules() {
        float nan = Float.NaN;
        // 3×3 stride 3 takes the general path: same rules
        Tensor x = Tensor.of(new float[] {
                2, 7, 7, nan, 1, 1,
                0, 7, 1, 1, nan, 1,
                1, 1, 1, 1, 1, 1}, 1, 1, 3, 6).requiresGrad(true);
        Functional.Pooled p = Functional.maxPool2d(x, 3, 3, 3, 3, 0, 0, false);
        assertArrayEquals(new int[] {1, 10}, p.indices());
    }
}
