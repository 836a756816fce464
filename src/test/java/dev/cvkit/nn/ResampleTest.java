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
    /**
     * The backward (planes in blocks over the threads) against the serial scatter of each output
     * gradient to its four sources, bit for bit, on 1 and 3 threads; bilinear and nearest, on
     * 48 planes of 40×40 outputs (five blocks).
     */
    @Test
    void gradientsEqualTheSerialScatterOnAnyThreadCount() {
        int saved = dev.cvkit.tensor.Parallel.threads();
        try {
            for (boolean nearest : new boolean[] {false, true}) {
                Tensor x0 = random(2, 24, 20, 15);
                int h = 20, w = 15, oh = 40, ow = 40, planes = 48;
                int[] y0 = new int[oh], y1 = new int[oh], xa = new int[ow], xb = new int[ow];
                float[] ly = new float[oh], lx = new float[ow];
                if (nearest) {
                    for (int i = 0; i < oh; i++) y0[i] = y1[i] = Math.min((int) Math.floor(i * ((float) h / oh)), h - 1);
                    for (int i = 0; i < ow; i++) xa[i] = xb[i] = Math.min((int) Math.floor(i * ((float) w / ow)), w - 1);
                } else {
                    axis(h, oh, false, y0, y1, ly);
                    axis(w, ow, false, xa, xb, lx);
                }
                float[] dy = random(2, 24, oh, ow).data();
                float[] want = new float[x0.numel()];
                for (int pl = 0; pl < planes; pl++) {
                    for (int oy = 0; oy < oh; oy++) {
                        float b = ly[oy], a = 1f - b;
                        int r0 = pl * h * w + y0[oy] * w, r1 = pl * h * w + y1[oy] * w;
                        for (int ox = 0; ox < ow; ox++) {
                            float q = lx[ox], p = 1f - q, v = dy[(pl * oh + oy) * ow + ox];
                            want[r0 + xa[ox]] += a * p * v;
                            want[r0 + xb[ox]] += a * q * v;
                            want[r1 + xa[ox]] += b * p * v;
                            want[r1 + xb[ox]] += b * q * v;
                        }
                    }
                }
                for (int t : new int[] {1, 3}) {
                    dev.cvkit.tensor.Parallel.setThreads(t);
                    Tensor x = x0.copy().requiresGrad(true);
                    Tensor y = nearest ? Functional.upsampleNearest(x, oh, ow) : Functional.upsampleBilinear(x, oh, ow, false);
                    y.backward(dy);
                    org.junit.jupiter.api.Assertions.assertArrayEquals(want, x.grad(), (nearest ? "nearest" : "bilinear") + ", " + t + " threads");
                }
            }
        } finally {
            dev.cvkit.tensor.Parallel.setThreads(saved);
        }
    }
}
