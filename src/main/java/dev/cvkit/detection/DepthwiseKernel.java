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
     * One channel, output row by output row so the row being summed stays in L1. Interior
     * columns (all kw taps inside the image) take the whole kernel row in one pass (for 3-wide
     * kernels: three multiply-adds per element, a loop C2 vectorises at stride 1); the few border
     * columns check each tap.
     */
    private static void channel(float[] in, int xo, int h, int wd, float[] w, int wo, int kh, int kw, int stride,
                                int padTop, int padLeft, float[] out, int yo, int oh, int ow) {
        // interior: ox*stride - padLeft >= 0 and ox*stride - padLeft + kw - 1 <= wd - 1
        int in0 = Math.min(ow, (padLeft + stride - 1) / stride);
        int in1 = Math.max(in0, Math.min(ow, wd - kw + padLeft >= 0 ? (wd - kw + padLeft) / stride + 1 : 0));
        for (int oy = 0; oy < oh; oy++) {
            int yr = yo + oy * ow;
            for (int ki = 0; ki < kh; ki++) {
                int iy = oy * stride - padTop + ki;
                if (iy < 0 || iy >= h) {
                    continue;
                }
                int row = xo + iy * wd - padLeft; // input index of column ox*stride is row + ox*stride (+ kj)
                int wk = wo + ki * kw;
                if (kw == 3 && stride == 1) {
                    row3s1(out, yr, in, row, w[wk], w[wk + 1], w[wk + 2], in0, in1);
                } else if (kw == 3) {
                    float w0 = w[wk], w1 = w[wk + 1], w2 = w[wk + 2];
                    for (int ox = in0; ox < in1; ox++) {
                        int i = row + ox * stride;
                        out[yr + ox] += w0 * in[i] + w1 * in[i + 1] + w2 * in[i + 2];
                    }
                } else {
                    for (int ox = in0; ox < in1; ox++) {
                        float acc = 0;
                        for (int kj = 0; kj < kw; kj++) {
                            acc += w[wk + kj] * in[row + ox * stride + kj];
                        }
                        out[yr + ox] += acc;
                    }
                }
                border(out, yr, in, row, xo + iy * wd, wd, w, wk, kw, stride, padLeft, 0, in0);
                border(out, yr, in, row, xo + iy * wd, wd, w, wk, kw, stride, padLeft, in1, ow);
            }
        }
    }

    /** y[yo + i] += w0·x[xo + i] + w1·x[xo + i + 1] + w2·x[xo + i + 2] for i in [from, to). */
    private static void row3s1(float[] y, int yo, float[] x, int xo, float w0, float w1, float w2, int from, int to) {
        for (int i = from; i < to; i++) {
            y[yo + i] += w0 * x[xo + i] + w1 * x[xo + i + 1] + w2 * x[xo + i + 2];
        }
    }

    /** Columns [from, to) with a bounds check per tap (the image's left and right edges). */
    private static void border(float[] out, int yr, float[] in, int row, int rowStart, int wd, float[] w, int wk, int kw,
                               int stride, int padLeft, int from, int to) {
        for (int ox = from; ox < to; ox++) {
            float acc = 0;
            for (int kj = 0; kj < kw; kj++) {
                int ix = ox * stride - padLeft + kj;
                if (ix >= 0 && ix < wd) {
                    acc += w[wk + kj] * in[rowStart + ix];
                }
            }
            out[yr + ox] += acc;
        }
    }

    private static void epilogue(float[] out, int from, int n, float s, float t, float lo, float hi) {
        for (int q = from; q < from + n; q++) {
            out[q] = Math.min(Math.max(out[q] * s + t, lo), hi);
        }
    }
}
