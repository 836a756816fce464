package dev.cvkit.detection.ops;

import dev.cvkit.tensor.Parallel;
import dev.cvkit.tensor.Tensor;

/**
 * RoI Align (Mask R-CNN) forward and backward, reproducing {@code torchvision.ops.roi_align}
 * (0.14, CPU kernel) bit for bit: each of the outH×outW bins of a RoI averages gridH×gridW
 * bilinear samples, float32 arithmetic in torchvision's order.
 *
 * <p>Rules, as torchvision: RoI corners are scaled by {@code spatialScale} and, when
 * {@code aligned}, shifted by −0.5 (pixel centres); without {@code aligned} a RoI is at least
 * 1×1. The grid is {@code samplingRatio} per axis, or when {@code samplingRatio ≤ 0}
 * {@code ceil(roiSize / outSize)} (adaptive). A sample with y &lt; −1, y &gt; H, x &lt; −1 or
 * x &gt; W contributes 0; otherwise negative coordinates are clamped to 0 and samples past
 * the last row/column use it (no interpolation beyond the edge).
 *
 * <p>Speed without changing any value: the feature map is read channels-last (one transposed
 * copy per call, {@link ChannelsLast}) so the per-sample work runs over contiguous channels, which the JIT
 * vectorises; per-bin sums keep torchvision's order per channel. Threads: forward tasks are
 * RoIs; backward tasks are (image, block of 64 channels), each walking that image's RoIs in
 * index order, so every gradient value receives its contributions in torchvision's order
 * whatever the thread count (no atomics, bitwise identical for any {@code --threads}).
 */
public final class RoiAlign {
    /** Channels per backward task (a split by shape only). */
    static final int CHANNEL_BLOCK = 64;
    /** RoIs per forward task (a split by shape only; the task's buffers are reused across them). */
    static final int ROI_CHUNK = 16;

    private RoiAlign() {}

    /**
     * @param features [N, C, H, W]
     * @param rois [K, 5] rows {@code (batch index, x1, y1, x2, y2)} in input-image coordinates
     * @param spatialScale feature-map pixels per input pixel (1/16 for a stride-16 map)
     * @return [K, C, outH, outW]; differentiable with respect to {@code features} (not the RoIs,
     *         as in torchvision)
     */
    public static Tensor apply(Tensor features, Tensor rois, int outH, int outW, float spatialScale,
                               int samplingRatio, boolean aligned) {
        Shape s = Shape.of("roiAlign", features, rois, outH, outW);
        float[] roi = rois.data().clone(); // the backward closure must see these values
        int hw = s.h() * s.w(), bins = outH * outW, nc = s.c();
        float[][] px = ChannelsLast.of(features.data(), s.n(), nc, hw);
        float[] y = new float[s.k() * nc * bins];
        int tasks = (s.k() + ROI_CHUNK - 1) / ROI_CHUNK;
        Parallel.forEach(tasks, task -> {
            Plan p = new Plan();
            float[][] acc = new float[bins][nc];
            for (int r = task * ROI_CHUNK; r < Math.min(s.k(), (task + 1) * ROI_CHUNK); r++) {
                p.build(roi, r, s.h(), s.w(), outH, outW, spatialScale, samplingRatio, aligned);
                int base = (int) roi[r * 5] * hw;
                int per = p.gridH * p.gridW;
                float count = Math.max(per, 1);
                for (int bin = 0, q = 0; bin < bins; bin++) {
                    float[] a = acc[bin];
                    if (per == 0) java.util.Arrays.fill(a, 0f);
                    for (int t = 0; t < per; t++, q++) {
                        float[] v1 = px[base + p.pos[4 * q]], v2 = px[base + p.pos[4 * q + 1]];
                        float[] v3 = px[base + p.pos[4 * q + 2]], v4 = px[base + p.pos[4 * q + 3]];
                        float w1 = p.w[4 * q], w2 = p.w[4 * q + 1], w3 = p.w[4 * q + 2], w4 = p.w[4 * q + 3];
                        if (t == 0) { // 0 + first sample, as torchvision's sum starting at 0 (turns −0 into +0)
                            for (int c = 0; c < nc; c++) {
                                a[c] = 0f + (w1 * v1[c] + w2 * v2[c] + w3 * v3[c] + w4 * v4[c]);
                            }
                        } else {
                            for (int c = 0; c < nc; c++) {
                                a[c] += w1 * v1[c] + w2 * v2[c] + w3 * v3[c] + w4 * v4[c];
                            }
                        }
                    }
                }
                // divide where it vectorises, then write the output sequentially (the RoI's
                // [C, outH, outW] block streams out; the reads stay in the cache-resident acc)
                for (float[] a : acc) {
                    for (int c = 0; c < nc; c++) a[c] = a[c] / count;
                }
                for (int c = 0, o = r * nc * bins; c < nc; c++) {
                    for (int bin = 0; bin < bins; bin++) y[o++] = acc[bin][c];
                }
            }
        });
        Tensor out = Tensor.result(y, new int[] {s.k(), nc, outH, outW}, features);
        if (out.requiresGrad()) {
            out.setBackward(() -> {
                float[][] g = backward(out.grad(), roi, s, outH, outW, spatialScale, samplingRatio, aligned);
                ChannelsLast.addInto(features.gradBuffer(), g, s.n(), nc, hw);
            });
        }
        return out;
    }

    /** Gradient of the features, one channel vector per pixel (see {@link ChannelsLast}), for dy [K, C, outH, outW]. */
    private static float[][] backward(float[] dy, float[] roi, Shape s, int outH, int outW, float spatialScale,
                                      int samplingRatio, boolean aligned) {
        int hw = s.h() * s.w(), nc = s.c(), bins = outH * outW;
        float[][] g = new float[s.n() * hw][nc];
        int blocks = (nc + CHANNEL_BLOCK - 1) / CHANNEL_BLOCK;
        Parallel.forEach(s.n() * blocks, task -> {
            int b = task / blocks, c0 = (task % blocks) * CHANNEL_BLOCK, c1 = Math.min(nc, c0 + CHANNEL_BLOCK);
            int base = b * hw;
            Plan p = new Plan();
            float[] go = new float[nc];
            for (int r = 0; r < s.k(); r++) {
                if ((int) roi[r * 5] != b) continue;
                p.build(roi, r, s.h(), s.w(), outH, outW, spatialScale, samplingRatio, aligned);
                int per = p.gridH * p.gridW;
                float count = per;
                for (int bin = 0, q = 0; bin < bins; bin++) {
                    for (int c = c0; c < c1; c++) go[c] = dy[(r * nc + c) * bins + bin];
                    for (int t = 0; t < per; t++, q++) {
                        if (!p.valid[q]) continue;
                        // one pass per corner, in torchvision's order g1..g4: corners coincide
                        // at the border and then add to the same value in that order
                        for (int k = 0; k < 4; k++) {
                            float[] gp = g[base + p.pos[4 * q + k]];
                            float w = p.w[4 * q + k];
                            for (int c = c0; c < c1; c++) gp[c] += go[c] * w / count;
                        }
                    }
                }
            }
        });
        return g;
    }

    /**
     * One RoI's sampling plan, shared by all channels: for every bin (row-major) and sample
     * (row-major in the bin) the four neighbour positions {@code y·W + x} and bilinear weights.
     * Samples outside the map have weights 0 at position 0 and {@code valid} false.
     */
    static final class Plan {
        int gridH, gridW;
        int[] pos = new int[0];
        float[] w = new float[0];
        boolean[] valid = new boolean[0];

        void build(float[] roi, int r, int h, int wd, int outH, int outW, float scale, int samplingRatio, boolean aligned) {
            float offset = aligned ? 0.5f : 0f;
            float x1 = roi[r * 5 + 1] * scale - offset, y1 = roi[r * 5 + 2] * scale - offset;
            float x2 = roi[r * 5 + 3] * scale - offset, y2 = roi[r * 5 + 4] * scale - offset;
            float roiW = x2 - x1, roiH = y2 - y1;
            if (!aligned) { // malformed RoIs become 1×1
                roiW = Math.max(roiW, 1f);
                roiH = Math.max(roiH, 1f);
            }
            float binH = roiH / outH, binW = roiW / outW;
            gridH = Math.max(samplingRatio > 0 ? samplingRatio : (int) Math.ceil(roiH / outH), 0);
            gridW = Math.max(samplingRatio > 0 ? samplingRatio : (int) Math.ceil(roiW / outW), 0);
            int m = outH * outW * gridH * gridW;
            if (valid.length < m) {
                pos = new int[4 * m];
                w = new float[4 * m];
                valid = new boolean[m];
            }
            int q = 0;
            for (int ph = 0; ph < outH; ph++) {
                for (int pw = 0; pw < outW; pw++) {
                    for (int iy = 0; iy < gridH; iy++) {
                        float yy = y1 + ph * binH + (iy + .5f) * binH / gridH;
                        for (int ix = 0; ix < gridW; ix++, q++) {
                            float xx = x1 + pw * binW + (ix + .5f) * binW / gridW;
                            sample(q, yy, xx, h, wd);
                        }
                    }
                }
            }
        }

        private void sample(int q, float y, float x, int h, int wd) {
            int k = 4 * q;
            if (y < -1.0 || y > h || x < -1.0 || x > wd) {
                pos[k] = pos[k + 1] = pos[k + 2] = pos[k + 3] = 0;
                w[k] = w[k + 1] = w[k + 2] = w[k + 3] = 0f;
                valid[q] = false;
                return;
            }
            if (y <= 0) y = 0;
            if (x <= 0) x = 0;
            int yLow = (int) y, xLow = (int) x, yHigh, xHigh;
            if (yLow >= h - 1) {
                yHigh = yLow = h - 1;
                y = yLow;
            } else {
                yHigh = yLow + 1;
            }
            if (xLow >= wd - 1) {
                xHigh = xLow = wd - 1;
                x = xLow;
            } else {
                xHigh = xLow + 1;
            }
            float ly = y - yLow, lx = x - xLow;
            float hy = (float) (1. - ly), hx = (float) (1. - lx);
            pos[k] = yLow * wd + xLow;
            pos[k + 1] = yLow * wd + xHigh;
            pos[k + 2] = yHigh * wd + xLow;
            pos[k + 3] = yHigh * wd + xHigh;
            w[k] = hy * hx;
            w[k + 1] = hy * lx;
            w[k + 2] = ly * hx;
            w[k + 3] = ly * lx;
            valid[q] = true;
        }
    }

    /** Literal channels-first port of torchvision's CPU forward: the reference the fast path is tested against. */
    static float[] forwardReference(float[] f, float[] roi, Shape s, int outH, int outW, float scale, int sr, boolean aligned) {
        float[] y = new float[s.k() * s.c() * outH * outW];
        Plan p = new Plan();
        for (int r = 0; r < s.k(); r++) {
            p.build(roi, r, s.h(), s.w(), outH, outW, scale, sr, aligned);
            float count = Math.max(p.gridH * p.gridW, 1);
            for (int c = 0; c < s.c(); c++) {
                int in = ((int) roi[r * 5] * s.c() + c) * s.h() * s.w(), q = 0;
                for (int bin = 0; bin < outH * outW; bin++) {
                    float v = 0f;
                    for (int t = 0; t < p.gridH * p.gridW; t++, q++) {
                        v += p.w[4 * q] * f[in + p.pos[4 * q]] + p.w[4 * q + 1] * f[in + p.pos[4 * q + 1]]
                                + p.w[4 * q + 2] * f[in + p.pos[4 * q + 2]] + p.w[4 * q + 3] * f[in + p.pos[4 * q + 3]];
                    }
                    y[(r * s.c() + c) * outH * outW + bin] = v / count;
                }
            }
        }
        return y;
    }

    /** Literal channels-first port of torchvision's CPU backward (serial, output order). */
    static float[] backwardReference(float[] dy, float[] roi, Shape s, int outH, int outW, float scale, int sr, boolean aligned) {
        float[] g = new float[s.n() * s.c() * s.h() * s.w()];
        Plan p = new Plan();
        for (int r = 0; r < s.k(); r++) {
            p.build(roi, r, s.h(), s.w(), outH, outW, scale, sr, aligned);
            float count = p.gridH * p.gridW;
            for (int c = 0; c < s.c(); c++) {
                int in = ((int) roi[r * 5] * s.c() + c) * s.h() * s.w(), q = 0;
                for (int bin = 0; bin < outH * outW; bin++) {
                    float go = dy[(r * s.c() + c) * outH * outW + bin];
                    for (int t = 0; t < p.gridH * p.gridW; t++, q++) {
                        if (!p.valid[q]) continue;
                        for (int k = 0; k < 4; k++) g[in + p.pos[4 * q + k]] += go * p.w[4 * q + k] / count;
                    }
                }
            }
        }
        return g;
    }
}
