package dev.cvkit.detection;

import dev.cvkit.tensor.Parallel;
import dev.cvkit.tensor.Tensor;

/**
 * Inference-only depthwise convolution (one filter per channel) with TensorFlow-style
 * asymmetric zero padding given as (top, left) offsets plus the output size, and a fused
 * per-channel affine + clamp epilogue (a folded batch norm and ReLU6). The valid output range of
 * each tap is computed once per row, so the inner loop has no bounds checks and vectorises for
 * stride 1. The detectors spend most of their depthwise time here; the general (trainable)
 * convolution lives in {@code nn.Conv}, which this is tested against.
 */
final class DepthwiseKernel {
    private DepthwiseKernel() {}

    /**
     * x [1, C, H, W], w [C·kh·kw] → [1, C, oh, ow]; y = clamp(conv · scale[c] + shift[c], lo, hi)
     * (scale/shift null = 1/0).
     */
    static Tensor forward(Tensor x, float[] w, int kh, int kw, int stride, int padTop, int padLeft, int oh, int ow,
                          float[] scale, float[] shift, float lo, float hi) {
        int c = x.size(1), h = x.size(2), wd = x.size(3);
        if (x.size(0) != 1 || w.length != c * kh * kw) {
            throw new IllegalArgumentException("depthwise: input " + x + " does not fit " + w.length + " weights");
        }
        float[] in = x.data();
        float[] out = new float[c * oh * ow];
        Parallel.forEach(c, ch -> {
            channel(in, ch * h * wd, h, wd, w, ch * kh * kw, kh, kw, stride, padTop, padLeft, out, ch * oh * ow, oh, ow);
            float s = scale == null ? 1f : scale[ch], t = shift == null ? 0f : shift[ch];
            epilogue(out, ch * oh * ow, oh * ow, s, t, lo, hi);
        });
        return Tensor.of(out, 1, c, oh, ow);
    }

    /**
     * One channel, output row by output row so the row being summed stays in L1: every tap adds
     * weight × a (strided) input row over the columns where that input row is inside the image.
     */
    private static void channel(float[] in, int xo, int h, int wd, float[] w, int wo, int kh, int kw, int stride,
                                int padTop, int padLeft, float[] out, int yo, int oh, int ow) {
        int[] lo = new int[kw], hi = new int[kw];
        for (int kj = 0; kj < kw; kj++) {
            int off = kj - padLeft;
            lo[kj] = off >= 0 ? 0 : (-off + stride - 1) / stride;
            hi[kj] = wd - 1 - off < 0 ? -1 : Math.min(ow - 1, (wd - 1 - off) / stride);
        }
        for (int oy = 0; oy < oh; oy++) {
            int yr = yo + oy * ow;
            for (int ki = 0; ki < kh; ki++) {
                int iy = oy * stride - padTop + ki;
                if (iy < 0 || iy >= h) {
                    continue;
                }
                for (int kj = 0; kj < kw; kj++) {
                    float wv = w[wo + ki * kw + kj];
                    int row = xo + iy * wd + kj - padLeft;
                    if (stride == 1) {
                        axpy(out, yr, in, row, wv, lo[kj], hi[kj] + 1);
                    } else {
                        for (int ox = lo[kj]; ox <= hi[kj]; ox++) {
                            out[yr + ox] += wv * in[row + ox * stride];
                        }
                    }
                }
            }
        }
    }

    /** y[yo + i] += a · x[xo + i] for i in [from, to): a plain loop C2 vectorises. */
    private static void axpy(float[] y, int yo, float[] x, int xo, float a, int from, int to) {
        for (int i = from; i < to; i++) {
            y[yo + i] += a * x[xo + i];
        }
    }

    private static void epilogue(float[] out, int from, int n, float s, float t, float lo, float hi) {
        for (int q = from; q < from + n; q++) {
            out[q] = Math.min(Math.max(out[q] * s + t, lo), hi);
        }
    }
}
