package dev.cvkit.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cvkit.tensor.Tensor;
import java.util.Random;
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

    /** PyTorch's CPU max-pool loop, literally: output values (as bits) then argmax indices per plane. */
    private static int[][] reference(float[] d, int n, int c, int h, int w, int k, int s, int p, int oh, int ow) {
        int[] vals = new int[n * c * oh * ow], idx = new int[vals.length];
        for (int pl = 0; pl < n * c; pl++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    int ys = oy * s - p, xs = ox * s - p;
                    int ye = Math.min(ys + k, h), xe = Math.min(xs + k, w);
                    ys = Math.max(ys, 0);
                    xs = Math.max(xs, 0);
                    float maxval = Float.NEGATIVE_INFINITY;
                    int maxindex = ys * w + xs;
                    for (int yy = ys; yy < ye; yy++) {
                        for (int xx = xs; xx < xe; xx++) {
                            float val = d[pl * h * w + yy * w + xx];
                            if (val > maxval || Float.isNaN(val)) {
                                maxval = val;
                                maxindex = yy * w + xx;
                            }
                        }
                    }
                    int o = (pl * oh + oy) * ow + ox;
                    vals[o] = Float.floatToRawIntBits(maxval);
                    idx[o] = maxindex;
                }
            }
        }
        return new int[][] {vals, idx};
    }

    @Test
    void branchFreeWindowsMatchPyTorchsLoop() {
        Random r = new Random(9);
        int n = 2, c = 3, h = 11, w = 13;
        float[] d = new float[n * c * h * w];
        // few distinct values (many ties), ±0, −∞ and some NaNs
        float[] pick = {0f, -0f, 1f, 2f, -1f, Float.NEGATIVE_INFINITY, Float.NaN};
        for (int i = 0; i < d.length; i++) d[i] = pick[r.nextInt(i % 5 == 0 ? pick.length : pick.length - 1)];
        // kernel, stride, padding, ceil: the 3×3/2 stem pool, overlapping, ceil-mode and a window over 32 (general loop)
        int[][] cases = {{3, 2, 1, 0}, {3, 1, 1, 0}, {2, 1, 0, 0}, {5, 2, 2, 1}, {3, 2, 0, 1}, {7, 3, 3, 0}};
        for (int[] cs : cases) {
            Tensor x = Tensor.of(d.clone(), n, c, h, w).requiresGrad(true);
            Functional.Pooled pooled = Functional.maxPool2d(x, cs[0], cs[0], cs[1], cs[1], cs[2], cs[2], cs[3] == 1);
            int oh = pooled.output().size(2), ow = pooled.output().size(3);
            int[][] ref = reference(d, n, c, h, w, cs[0], cs[1], cs[2], oh, ow);
            float[] y = pooled.output().data();
            int[] bits = new int[y.length];
            for (int i = 0; i < y.length; i++) bits[i] = Float.floatToRawIntBits(y[i]);
            String what = "k " + cs[0] + " s " + cs[1] + " p " + cs[2] + " ceil " + cs[3];
            assertArrayEquals(ref[1], pooled.indices(), what);
            assertArrayEquals(ref[0], bits, what);
        }
    }
}
