package dev.cvkit.importer.tfjs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Layout conversions checked element by element against the index formulas of both layouts. */
class LayoutsTest {
    /** A value that names its TensorFlow coordinates, so a misplaced element shows which. */
    private static float code(int a, int b, int c, int d) {
        return a * 1000 + b * 100 + c * 10 + d;
    }

    @Test
    void hwioToOihwPutsEveryElementWherePyTorchExpectsIt() {
        int kh = 3, kw = 2, in = 4, out = 5;
        float[] hwio = new float[kh * kw * in * out];
        for (int y = 0; y < kh; y++) for (int x = 0; x < kw; x++) for (int i = 0; i < in; i++) for (int o = 0; o < out; o++) {
            hwio[((y * kw + x) * in + i) * out + o] = code(y, x, i, o);
        }
        float[] oihw = Layouts.hwioToOihw(hwio, kh, kw, in, out);
        for (int o = 0; o < out; o++) for (int i = 0; i < in; i++) for (int y = 0; y < kh; y++) for (int x = 0; x < kw; x++) {
            assertEquals(code(y, x, i, o), oihw[((o * in + i) * kh + y) * kw + x]);
        }
    }

    @Test
    void depthwiseBecomesOneInputChannelPerGroup() {
        int kh = 3, kw = 3, c = 4, m = 2;
        float[] src = new float[kh * kw * c * m];
        for (int y = 0; y < kh; y++) for (int x = 0; x < kw; x++) for (int ch = 0; ch < c; ch++) for (int k = 0; k < m; k++) {
            src[((y * kw + x) * c + ch) * m + k] = code(y, x, ch, k);
        }
        float[] dst = Layouts.depthwiseToOihw(src, kh, kw, c, m);
        for (int ch = 0; ch < c; ch++) for (int k = 0; k < m; k++) for (int y = 0; y < kh; y++) for (int x = 0; x < kw; x++) {
            assertEquals(code(y, x, ch, k), dst[((ch * m + k) * kh + y) * kw + x]);
        }
    }

    @Test
    void nhwcAndNchwRoundTrip() {
        int n = 2, h = 3, w = 4, c = 5;
        float[] nhwc = new float[n * h * w * c];
        for (int b = 0; b < n; b++) for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) for (int ch = 0; ch < c; ch++) {
            nhwc[((b * h + y) * w + x) * c + ch] = code(b, y, x, ch);
        }
        float[] nchw = Layouts.nhwcToNchw(nhwc, n, h, w, c);
        for (int b = 0; b < n; b++) for (int ch = 0; ch < c; ch++) for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) {
            assertEquals(code(b, y, x, ch), nchw[((b * c + ch) * h + y) * w + x]);
        }
        assertArrayEquals(nhwc, Layouts.nchwToNhwc(nchw, n, c, h, w));
    }

    @Test
    void halfFloatsDecodeToTheirExactValues() {
        assertEquals(1.0f, WeightDecoder.halfToFloat(0x3c00));
        assertEquals(-2.0f, WeightDecoder.halfToFloat(0xc000));
        assertEquals(65504f, WeightDecoder.halfToFloat(0x7bff));
        assertEquals(0x1p-24f, WeightDecoder.halfToFloat(0x0001), "smallest subnormal");
        assertEquals(0x1p-14f, WeightDecoder.halfToFloat(0x0400), "smallest normal");
        assertEquals(Float.NEGATIVE_INFINITY, WeightDecoder.halfToFloat(0xfc00));
        assertEquals(true, Float.isNaN(WeightDecoder.halfToFloat(0x7e00)));
    }
}
