package dev.cvkit.importer.tfjs;

/**
 * Converts TensorFlow layouts to cvkit's (PyTorch's) layouts. All arrays are row-major.
 * <ul>
 * <li>conv filter HWIO {@code [kh, kw, in, out]} → OIHW {@code [out, in, kh, kw]};</li>
 * <li>depthwise filter {@code [kh, kw, C, M]} (M = channel multiplier, 1 in every detector here) →
 *     grouped-conv OIHW {@code [C*M, 1, kh, kw]} with groups = C; output channel c*M+m reads input c,
 *     as TensorFlow's depthwise_conv2d orders them;</li>
 * <li>activations NHWC {@code [n, h, w, c]} → NCHW {@code [n, c, h, w]} and back.</li>
 * </ul>
 */
public final class Layouts {
    private Layouts() {}

    /** HWIO → OIHW. */
    public static float[] hwioToOihw(float[] src, int kh, int kw, int in, int out) {
        check(src, (long) kh * kw * in * out, "HWIO filter");
        float[] dst = new float[src.length];
        for (int y = 0; y < kh; y++) {
            for (int x = 0; x < kw; x++) {
                for (int i = 0; i < in; i++) {
                    int s = ((y * kw + x) * in + i) * out;
                    for (int o = 0; o < out; o++) {
                        dst[((o * in + i) * kh + y) * kw + x] = src[s + o];
                    }
                }
            }
        }
        return dst;
    }

    /** Depthwise {@code [kh, kw, C, M]} → {@code [C*M, 1, kh, kw]}. */
    public static float[] depthwiseToOihw(float[] src, int kh, int kw, int channels, int multiplier) {
        check(src, (long) kh * kw * channels * multiplier, "depthwise filter");
        float[] dst = new float[src.length];
        for (int y = 0; y < kh; y++) {
            for (int x = 0; x < kw; x++) {
                for (int c = 0; c < channels; c++) {
                    for (int m = 0; m < multiplier; m++) {
                        dst[((c * multiplier + m) * kh + y) * kw + x] = src[((y * kw + x) * channels + c) * multiplier + m];
                    }
                }
            }
        }
        return dst;
    }

    /** NHWC → NCHW. */
    public static float[] nhwcToNchw(float[] src, int n, int h, int w, int c) {
        check(src, (long) n * h * w * c, "NHWC tensor");
        float[] dst = new float[src.length];
        for (int b = 0; b < n; b++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int s = ((b * h + y) * w + x) * c;
                    for (int ch = 0; ch < c; ch++) {
                        dst[((b * c + ch) * h + y) * w + x] = src[s + ch];
                    }
                }
            }
        }
        return dst;
    }

    /** NCHW → NHWC. */
    public static float[] nchwToNhwc(float[] src, int n, int c, int h, int w) {
        check(src, (long) n * h * w * c, "NCHW tensor");
        float[] dst = new float[src.length];
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        dst[((b * h + y) * w + x) * c + ch] = src[((b * c + ch) * h + y) * w + x];
                    }
                }
            }
        }
        return dst;
    }

    private static void check(float[] src, long expected, String what) {
        if (src.length != expected) {
            throw new IllegalArgumentException(what + " has " + src.length + " values, shape needs " + expected);
        }
    }
}
