package dev.cvkit.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cvkit.tensor.Tensor;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The graph kernels against definitions: convolution with TensorFlow's 'SAME' padding (odd
 * pixel at the bottom/right) against a direct sum, the transposed convolution as its adjoint,
 * depthwise as a block-diagonal convolution, bilinear resizing against hand-computed values,
 * broadcasting, concatenation, matrix products, and a small graph run from its JSON.
 */
class NhwcOpsTest {
    private static Value random(SplittableRandom r, int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        float[] d = new float[n];
        for (int i = 0; i < n; i++) {
            d[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return new Value(d, shape);
    }

    /** conv2d by its definition: out[y][x][o] = Σ in[y·s + ky − top][x·s + kx − left][c] · f[ky][kx][c][o]. */
    private static float[] direct(Value x, Value f, int s, int top, int left, int oh, int ow) {
        int h = x.dim(1), w = x.dim(2), c = x.dim(3), kh = f.dim(0), kw = f.dim(1), o = f.dim(3);
        float[] out = new float[oh * ow * o];
        for (int y = 0; y < oh; y++) {
            for (int xx = 0; xx < ow; xx++) {
                for (int oc = 0; oc < o; oc++) {
                    double sum = 0;
                    for (int ky = 0; ky < kh; ky++) {
                        for (int kx = 0; kx < kw; kx++) {
                            int iy = y * s + ky - top, ix = xx * s + kx - left;
                            if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
                                continue;
                            }
                            for (int ch = 0; ch < c; ch++) {
                                sum += x.data()[(iy * w + ix) * c + ch] * (double) f.data()[((ky * kw + kx) * c + ch) * o + oc];
                            }
                        }
                    }
                    out[(y * ow + xx) * o + oc] = (float) sum;
                }
            }
        }
        return out;
    }

    @Test
    void sameConvolutionPadsTheOddPixelAtTheEnd() {
        SplittableRandom r = new SplittableRandom(1);
        // 6×7 input, 3×3 stride 2: rows (3−1)·2 + 3 − 6 = 1 → pad 0 above, 1 below; columns 3·2 + 3 − 7 = 2 → 1 left, 1 right
        Value x = random(r, 1, 6, 7, 4), f = random(r, 3, 3, 4, 5);
        Value y = NhwcOps.conv2d(x, f, 2, 2, true);
        assertArrayEquals(new int[] {1, 3, 4, 5}, y.shape());
        float[] want = direct(x, f, 2, 0, 1, 3, 4);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], y.data()[i], 1e-5, "output " + i);
        }
        Value valid = NhwcOps.conv2d(x, f, 1, 1, false);
        assertArrayEquals(new int[] {1, 4, 5, 5}, valid.shape());
        float[] wantValid = direct(x, f, 1, 0, 0, 4, 5);
        for (int i = 0; i < wantValid.length; i++) {
            assertEquals(wantValid[i], valid.data()[i], 1e-5, "valid output " + i);
        }
    }

    @Test
    void transposedConvolutionIsTheAdjointOfConvolution() {
        SplittableRandom r = new SplittableRandom(2);
        for (int k : new int[] {2, 3}) {
            Value u = random(r, 1, 7, 6, 3), f = random(r, k, k, 3, 4);
            Value cu = NhwcOps.conv2d(u, f, 2, 2, true);
            Value y = random(r, cu.shape());
            Value ty = NhwcOps.convTranspose(y, f, new int[] {1, 7, 6, 3}, 2, 2, true);
            double lhs = 0, rhs = 0;
            for (int i = 0; i < cu.data().length; i++) {
                lhs += cu.data()[i] * (double) y.data()[i];
            }
            for (int i = 0; i < u.data().length; i++) {
                rhs += u.data()[i] * (double) ty.data()[i];
            }
            assertEquals(lhs, rhs, 1e-4, "<conv(u), y> = <u, convT(y)> for k=" + k);
        }
    }

    @Test
    void depthwiseIsABlockDiagonalConvolution() {
        SplittableRandom r = new SplittableRandom(3);
        Value x = random(r, 1, 9, 8, 5), f = random(r, 5, 5, 5, 1);
        float[] full = new float[5 * 5 * 5 * 5];
        for (int t = 0; t < 25; t++) {
            for (int c = 0; c < 5; c++) {
                full[(t * 5 + c) * 5 + c] = f.data()[t * 5 + c];
            }
        }
        Value a = NhwcOps.depthwise(x, f, 2, 2, true), b = NhwcOps.conv2d(x, new Value(full, new int[] {5, 5, 5, 5}), 2, 2, true);
        assertArrayEquals(b.shape(), a.shape());
        for (int i = 0; i < a.data().length; i++) {
            assertEquals(b.data()[i], a.data()[i], 1e-5);
        }
    }

    @Test
    void bilinearResizeFollowsTensorFlowsSourceIndex() {
        Value x = new Value(new float[] {0, 1, 2, 3}, new int[] {1, 2, 2, 1});
        assertArrayEquals(new float[] {0, .25f, .75f, 1, .5f, .75f, 1.25f, 1.5f, 1.5f, 1.75f, 2.25f, 2.5f, 2, 2.25f, 2.75f, 3},
                NhwcOps.resizeBilinear(x, 4, 4, false, true).data(), "half-pixel centres");
        assertArrayEquals(new float[] {0, .5f, 1, 1, 1, 1.5f, 2, 2, 2, 2.5f, 3, 3, 2, 2.5f, 3, 3},
                NhwcOps.resizeBilinear(x, 4, 4, false, false).data(), "tf.js default: source index r·in/out");
        assertArrayEquals(new float[] {0, 1 / 3f, 2 / 3f, 1},
                java.util.Arrays.copyOf(NhwcOps.resizeBilinear(x, 4, 4, true, false).data(), 4), 1e-6f, "aligned corners");
    }

    @Test
    void broadcastingConcatAndMatMul() {
        Value a = new Value(new float[] {1, 2, 3, 4, 5, 6}, new int[] {2, 3});
        Value b = new Value(new float[] {10, 20, 30}, new int[] {3});
        assertArrayEquals(new float[] {11, 22, 33, 14, 25, 36}, NhwcOps.binary(NhwcOps.Binary.ADD, a, b).data());
        Value col = new Value(new float[] {2, 3}, new int[] {2, 1});
        assertArrayEquals(new float[] {2, 4, 6, 12, 15, 18}, NhwcOps.binary(NhwcOps.Binary.MUL, a, col).data());
        assertArrayEquals(new float[] {-1, 0, 1, 2, 3, 4}, NhwcOps.binary(NhwcOps.Binary.SUB, a, new Value(new float[] {2}, new int[] {1})).data());
        assertThrows(IllegalArgumentException.class, () -> NhwcOps.binary(NhwcOps.Binary.ADD, a, new Value(new float[2], new int[] {2})));

        Value c = NhwcOps.concat(new Value[] {a, new Value(new float[] {7, 8}, new int[] {2, 1})}, -1);
        assertArrayEquals(new int[] {2, 4}, c.shape());
        assertArrayEquals(new float[] {1, 2, 3, 7, 4, 5, 6, 8}, c.data());
        Value rows = NhwcOps.concat(new Value[] {a, a}, 0);
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6}, rows.data());

        Value m = NhwcOps.matMul(a, a, false, true); // a·aᵀ
        assertArrayEquals(new float[] {14, 32, 32, 77}, m.data());
        Value n = NhwcOps.matMul(a, a, true, false); // aᵀ·a
        assertArrayEquals(new float[] {17, 22, 27, 22, 29, 36, 27, 36, 45}, n.data());
        assertArrayEquals(new int[] {3, 2}, NhwcOps.reshape(a, new int[] {-1, 2}).shape());
    }

    @Test
    void averagePoolingOverWindows() {
        Value x = new Value(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, new int[] {1, 2, 4, 1});
        assertArrayEquals(new float[] {3.5f, 5.5f}, NhwcOps.avgPool(x, 2, 2, 2, 2).data());
        assertArrayEquals(new float[] {4.5f}, NhwcOps.avgPool(x, 2, 4, 2, 4).data());
    }

    @Test
    void graphRunsFromItsJson() throws Exception {
        JsonNode g = new ObjectMapper().readTree("""
                [{"name":"x","op":"Placeholder","inputs":[],"shape":[1,2,2,1]},
                 {"name":"f","op":"Const","inputs":[]},
                 {"name":"conv","op":"Conv2D","inputs":["x","f"],"strides":[1,1,1,1],"padding":"VALID"},
                 {"name":"b","op":"Const","inputs":[]},
                 {"name":"add","op":"Add","inputs":["conv","b"]},
                 {"name":"r6","op":"Relu6","inputs":["add"]},
                 {"name":"shape","op":"Const","inputs":[],"value":[-1]},
                 {"name":"flat","op":"Reshape","inputs":["r6","shape"]}]""");
        Map<String, Tensor> t = Map.of("f", Tensor.of(new float[] {1, -1}, 1, 1, 1, 2), "b", Tensor.of(new float[] {0.5f, 7}, 2));
        TfGraph graph = new TfGraph(g, t, "x", "flat");
        Value y = graph.run(new Value(new float[] {1, 2, 3, 10}, new int[] {1, 2, 2, 1}));
        assertArrayEquals(new int[] {8}, y.shape());
        assertArrayEquals(new float[] {1.5f, 6, 2.5f, 5, 3.5f, 4, 6, 0}, y.data());

        var unknown = assertThrows(IllegalArgumentException.class, () -> new TfGraph(new ObjectMapper().readTree(
                "[{\"name\":\"x\",\"op\":\"Placeholder\"},{\"name\":\"y\",\"op\":\"Switch\",\"inputs\":[\"x\"]}]"), t, "x", "y"));
        assertTrue(unknown.getMessage().contains("unknown op 'Switch'"), unknown.getMessage());
        var missing = assertThrows(IllegalArgumentException.class, () -> new TfGraph(new ObjectMapper().readTree(
                "[{\"name\":\"x\",\"op\":\"Placeholder\"},{\"name\":\"y\",\"op\":\"Relu\",\"inputs\":[\"z\"]}]"), t, "x", "y"));
        assertTrue(missing.getMessage().contains("reads 'z'"), missing.getMessage());
    }
}
