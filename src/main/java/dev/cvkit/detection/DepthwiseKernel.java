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
            int xo = ch * h * wd, yo = ch * oh * ow, wo = ch * kh * kw;
            for (int ki = 0; ki < kh; ki++) {
                for (int kj = 0; kj < kw; kj++) {
                    float wv = w[wo + ki * kw + kj];
                    int off = kj - padLeft;
                    // output columns whose input column ox*stride + off lies inside [0, wd)
                    int lo0 = off >= 0 ? 0 : (-off + stride - 1) / stride;
                    int hi0 = Math.min(ow - 1, (wd - 1 - off) / stride);
                    if (wd - 1 - off < 0) {
                        continue;
                    }
                    for (int oy = 0; oy < oh; oy++) {
                        int iy = oy * stride - padTop + ki;
                        if (iy < 0 || iy >= h) {
                            continue;
                        }
                        int row = xo + iy * wd + off, yr = yo + oy * ow;
                        if (stride == 1) {
                            for (int ox = lo0; ox <= hi0; ox++) {
                                out[yr + ox] += wv * in[row + ox];
                            }
                        } else {
                            for (int ox = lo0; ox <= hi0; ox++) {
                                out[yr + ox] += wv * in[row + ox * stride];
                            }
                        }
                    }
                }
            }
            float s = scale == null ? 1f : scale[ch], t = shift == null ? 0f : shift[ch];
            for (int q = yo; q < yo + oh * ow; q++) {
                out[q] = Math.min(Math.max(out[q] * s + t, lo), hi);
            }
        });
        return Tensor.of(out, 1, c, oh, ow);
    }
}
