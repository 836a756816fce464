package dev.cvkit.detection;

import dev.cvkit.image.RgbImage;

import dev.cvkit.tensor.Tensor;
import java.util.Arrays;

/**
 * TensorFlow(.js) operations whose exact numerics the imported models need and that cvkit's
 * PyTorch-style layers do not express directly: asymmetric ('same') padding, tf.js's bilinear
 * resize without half-pixel centres (of images and of feature maps), and face-api's leaky ReLU form.
 */
final class TfOps {
    private TfOps() {}

    /** Padding (before, after) of TensorFlow's 'same' for one axis. */
    static int[] samePadding(int in, int k, int stride) {
        int out = (in + stride - 1) / stride;
        int total = Math.max((out - 1) * stride + k - in, 0);
        return new int[] {total / 2, total - total / 2};
    }

    /** Pads [N,C,H,W] with {@code value}: top, bottom, left, right rows/columns. */
    static Tensor pad(Tensor x, int top, int bottom, int left, int right, float value) {
        if (top == 0 && bottom == 0 && left == 0 && right == 0) {
            return x;
        }
        int n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
        int oh = h + top + bottom, ow = w + left + right;
        float[] src = x.data();
        float[] dst = new float[n * c * oh * ow];
        if (value != 0f) {
            Arrays.fill(dst, value);
        }
        for (int p = 0; p < n * c; p++) {
            for (int y = 0; y < h; y++) {
                System.arraycopy(src, (p * h + y) * w, dst, (p * oh + y + top) * ow + left, w);
            }
        }
        return Tensor.of(dst, n, c, oh, ow);
    }

    /**
     * Inference-only k×k max pooling of [1, C, H, W] with implicit −∞ padding (top/left offsets;
     * TensorFlow 'same' or PyTorch's symmetric padding) to oh×ow, without the index bookkeeping
     * training needs. Parallel over channels.
     */
    static Tensor maxPool(Tensor x, int k, int stride, int padTop, int padLeft, int oh, int ow) {
        int c = x.size(1), h = x.size(2), w = x.size(3);
        float[] in = x.data();
        float[] out = new float[c * oh * ow];
        dev.cvkit.tensor.Parallel.forEach(c, ch -> {
            int xo = ch * h * w, yo = ch * oh * ow;
            for (int oy = 0; oy < oh; oy++) {
                int y0 = Math.max(0, oy * stride - padTop), y1 = Math.min(h, oy * stride - padTop + k);
                for (int ox = 0; ox < ow; ox++) {
                    int x0 = Math.max(0, ox * stride - padLeft), x1 = Math.min(w, ox * stride - padLeft + k);
                    float m = Float.NEGATIVE_INFINITY;
                    for (int iy = y0; iy < y1; iy++) {
                        int row = xo + iy * w;
                        for (int ix = x0; ix < x1; ix++) {
                            m = Math.max(m, in[row + ix]);
                        }
                    }
                    out[yo + oy * ow + ox] = m;
                }
            }
        });
        return Tensor.of(out, 1, c, oh, ow);
    }

    /** Max pooling with TensorFlow's 'same' padding: output ceil(H/stride) × ceil(W/stride). */
    static Tensor maxPoolSame(Tensor x, int k, int stride) {
        int h = x.size(2), w = x.size(3);
        return maxPool(x, k, stride, samePadding(h, k, stride)[0], samePadding(w, k, stride)[0],
                (h + stride - 1) / stride, (w + stride - 1) / stride);
    }

    /** Pads for TensorFlow 'same' with a k×k window and stride (zeros or {@code value}). */
    static Tensor padSame(Tensor x, int k, int stride, float value) {
        int[] ph = samePadding(x.size(2), k, stride), pw = samePadding(x.size(3), k, stride);
        return pad(x, ph[0], ph[1], pw[0], pw[1], value);
    }

    /**
     * tf.image.resizeBilinear with alignCorners = false and halfPixelCenters = false, as the
     * tfjs CPU kernel computes it (source index r·in/out, interpolation in double, result rounded
     * to float32). HWC in, HWC out.
     */
    static float[] resizeBilinear(float[] src, int h, int w, int c, int oh, int ow) {
        float[] dst = new float[oh * ow * c];
        double ry = (double) h / oh, rx = (double) w / ow;
        int[] x0 = new int[ow], x1 = new int[ow];
        double[] fx = new double[ow];
        for (int x = 0; x < ow; x++) {
            double sx = rx * x;
            x0[x] = Math.max(0, (int) Math.floor(sx));
            x1[x] = Math.min(w - 1, (int) Math.ceil(sx));
            fx[x] = sx - x0[x];
        }
        int o = 0;
        for (int y = 0; y < oh; y++) {
            double sy = ry * y;
            int y0 = Math.max(0, (int) Math.floor(sy));
            int y1 = Math.min(h - 1, (int) Math.ceil(sy));
            double fy = sy - y0;
            for (int x = 0; x < ow; x++) {
                int tl = (y0 * w + x0[x]) * c, tr = (y0 * w + x1[x]) * c;
                int bl = (y1 * w + x0[x]) * c, br = (y1 * w + x1[x]) * c;
                for (int ch = 0; ch < c; ch++) {
                    double top = src[tl + ch] + (src[tr + ch] - (double) src[tl + ch]) * fx[x];
                    double bottom = src[bl + ch] + (src[br + ch] - (double) src[bl + ch]) * fx[x];
                    dst[o++] = (float) (top + (bottom - top) * fy);
                }
            }
        }
        return dst;
    }

    /**
     * {@link #resizeBilinear} for a [1, C, H, W] feature map (tf.image.resizeBilinear without
     * aligned corners or half-pixel centres, as CenterNet's 2× upsampling runs it).
     */
    static Tensor resizeBilinearNchw(Tensor x, int oh, int ow) {
        int c = x.size(1), h = x.size(2), w = x.size(3);
        float[] src = x.data();
        float[] dst = new float[c * oh * ow];
        double ry = (double) h / oh, rx = (double) w / ow;
        int[] x0 = new int[ow], x1 = new int[ow];
        double[] fx = new double[ow];
        for (int ox = 0; ox < ow; ox++) {
            double sx = rx * ox;
            x0[ox] = Math.max(0, (int) Math.floor(sx));
            x1[ox] = Math.min(w - 1, (int) Math.ceil(sx));
            fx[ox] = sx - x0[ox];
        }
        dev.cvkit.tensor.Parallel.forEach(c, ch -> {
            int base = ch * h * w, o = ch * oh * ow;
            for (int oy = 0; oy < oh; oy++) {
                double sy = ry * oy;
                int y0 = Math.max(0, (int) Math.floor(sy)), y1 = Math.min(h - 1, (int) Math.ceil(sy));
                double fy = sy - y0;
                int r0 = base + y0 * w, r1 = base + y1 * w;
                for (int ox = 0; ox < ow; ox++) {
                    double top = src[r0 + x0[ox]] + (src[r0 + x1[ox]] - (double) src[r0 + x0[ox]]) * fx[ox];
                    double bottom = src[r1 + x0[ox]] + (src[r1 + x1[ox]] - (double) src[r1 + x0[ox]]) * fx[ox];
                    dst[o + oy * ow + ox] = (float) (top + (bottom - top) * fy);
                }
            }
        });
        return Tensor.of(dst, 1, c, oh, ow);
    }

    /** The image as float HWC, zero-padded at the bottom or right to a square (face-api's padToSquare). */
    static float[] padToSquareBottomRight(RgbImage img) {
        int side = Math.max(img.width(), img.height());
        float[] out = new float[side * side * 3];
        byte[] rgb = img.rgb();
        for (int y = 0; y < img.height(); y++) {
            for (int x = 0; x < img.width(); x++) {
                int s = (y * img.width() + x) * 3, d = (y * side + x) * 3;
                out[d] = rgb[s] & 0xff;
                out[d + 1] = rgb[s + 1] & 0xff;
                out[d + 2] = rgb[s + 2] & 0xff;
            }
        }
        return out;
    }

    /** The image as float HWC without padding. */
    static float[] toFloat(RgbImage img) {
        byte[] rgb = img.rgb();
        float[] out = new float[rgb.length];
        for (int i = 0; i < rgb.length; i++) {
            out[i] = rgb[i] & 0xff;
        }
        return out;
    }

    /** HWC → [1, C, H, W]. */
    static Tensor hwcToNchw(float[] hwc, int h, int w, int c) {
        float[] dst = new float[hwc.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int ch = 0; ch < c; ch++) {
                    dst[(ch * h + y) * w + x] = hwc[(y * w + x) * c + ch];
                }
            }
        }
        return Tensor.of(dst, 1, c, h, w);
    }

    /** face-api's leaky ReLU, relu(x − 0.1x) + 0.1x, in float32 like tf.js (in place). */
    static Tensor leakyFaceApi(Tensor x) {
        float[] d = x.data();
        for (int i = 0; i < d.length; i++) {
            float min = d[i] * 0.1f;
            d[i] = Math.max(d[i] - min, 0f) + min;
        }
        return x;
    }

    /** JavaScript's Math.round: floor(x + 0.5). */
    static long jsRound(double v) {
        return (long) Math.floor(v + 0.5);
    }

    static double sigmoid(double v) {
        return 1 / (1 + Math.exp(-v));
    }
}
