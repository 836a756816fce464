package dev.cvkit.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cvkit.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The resizes give, bit for bit, the four-point formula a·(p·d00 + q·d01) + b·(p·d10 + q·d11)
 * evaluated per output pixel with PyTorch's source coordinates, whatever order the
 * implementation computes it in (segment's outputs must not change with its speed).
 */
class ResampleTest {
    private static Tensor random(int n, int c, int h, int w) {
        Random rng = new Random(5);
        float[] d = new float[n * c * h * w];
        for (int i = 0; i < d.length; i++) d[i] = (float) (rng.nextGaussian() * 3);
        return Tensor.of(d, n, c, h, w);
    }

    /** Source index pairs and the weight of the second, as PyTorch's upsample_bilinear2d. */
    private static void axis(int in, int out, boolean align, int[] i0, int[] i1, float[] lam) {
        for (int i = 0; i < out; i++) {
            float src = align ? i * (out > 1 ? (float) (in - 1) / (out - 1) : 0f)
                    : Math.max((float) in / out * (i + 0.5f) - 0.5f, 0f);
            int a = Math.min((int) Math.floor(src), in - 1);
            i0[i] = a;
            i1[i] = Math.min(a + 1, in - 1);
            lam[i] = src - a;
        }
    }

    private static void checkBilinear(int h, int w, int oh, int ow, boolean align) {
        Tensor x = random(2, 3, h, w);
        float[] got = Functional.upsampleBilinear(x, oh, ow, align).data();
        int[] y0 = new int[oh], y1 = new int[oh], x0 = new int[ow], x1 = new int[ow];
        float[] ly = new float[oh], lx = new float[ow];
        axis(h, oh, align, y0, y1, ly);
        axis(w, ow, align, x0, x1, lx);
        float[] d = x.data();
        for (int pl = 0; pl < 6; pl++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    float b = ly[oy], a = 1f - b, q = lx[ox], p = 1f - q;
                    int r0 = pl * h * w + y0[oy] * w, r1 = pl * h * w + y1[oy] * w;
                    float want = a * (p * d[r0 + x0[ox]] + q * d[r0 + x1[ox]]) + b * (p * d[r1 + x0[ox]] + q * d[r1 + x1[ox]]);
                    int at = (pl * oh + oy) * ow + ox;
                    assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(got[at]),
                            h + "x" + w + "→" + oh + "x" + ow + " align " + align + " at " + at);
                }
            }
        }
    }

    @Test
    void bilinearMatchesTheFourPointFormulaBitForBit() {
        checkBilinear(20, 20, 160, 160, false); // FCN-8s: stride-8 scores to the input
        checkBilinear(5, 5, 10, 10, false);
        checkBilinear(7, 9, 23, 17, false);
        checkBilinear(40, 30, 9, 13, false);    // shrinking skips source rows
        checkBilinear(7, 9, 23, 17, true);
        checkBilinear(12, 12, 12, 12, false);
        checkBilinear(1, 4, 3, 8, false);
    }

    @Test
    void nearestCopiesTheFloorSource() {
        Tensor x = random(1, 2, 5, 7);
        float[] got = Functional.upsampleNearest(x, 12, 9).data(), d = x.data();
        for (int pl = 0; pl < 2; pl++) {
            for (int oy = 0; oy < 12; oy++) {
                for (int ox = 0; ox < 9; ox++) {
                    int sy = Math.min((int) Math.floor(oy * (5f / 12)), 4), sx = Math.min((int) Math.floor(ox * (7f / 9)), 6);
                    assertEquals(d[pl * 35 + sy * 7 + sx], got[(pl * 12 + oy) * 9 + ox]);
                }
            }
        }
    }
}
