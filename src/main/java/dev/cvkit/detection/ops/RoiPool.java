package dev.cvkit.detection.ops;

import dev.cvkit.tensor.Parallel;
import dev.cvkit.tensor.Tensor;

/**
 * RoI max pooling (Fast R-CNN) forward and backward, reproducing {@code torchvision.ops.roi_pool}
 * (0.14, CPU kernel): RoI corners are scaled and rounded (half away from zero, C's
 * {@code round}), the RoI is at least 1×1 cells, bin {@code i} spans
 * {@code [floor(i·size/out), ceil((i+1)·size/out))} cells from the RoI's corner clipped to the
 * map; each output is its bin's maximum (first one in row-major order; NaN never wins), an empty
 * bin gives 0, and the gradient goes to the maximum's position only.
 *
 * <p>Threads: forward tasks are chunks of RoIs (reading one channel vector per pixel, see
 * {@link ChannelsLast}); backward tasks are (image, channel) planes walking that
 * image's RoIs in index order — torchvision's accumulation order, any thread count.
 */
public final class RoiPool {
    private RoiPool() {}

    /**
     * @param features [N, C, H, W]
     * @param rois [K, 5] rows {@code (batch index, x1, y1, x2, y2)} in input-image coordinates
     * @return [K, C, outH, outW]; differentiable with respect to {@code features}
     */
    public static Tensor apply(Tensor features, Tensor rois, int outH, int outW, float spatialScale) {
        Shape s = Shape.of("roiPool", features, rois, outH, outW);
        float[] roi = rois.data();
        int bins = outH * outW, hw = s.h() * s.w(), nc = s.c();
        float[][] px = ChannelsLast.of(features.data(), s.n(), nc, hw);
        int[][] keys = orderKeys(px);
        float[] y = new float[s.k() * nc * bins];
        int[] argmax = new int[y.length];
        int[] batch = new int[s.k()];
        int tasks = (s.k() + RoiAlign.ROI_CHUNK - 1) / RoiAlign.ROI_CHUNK;
        Parallel.forEach(tasks, task -> {
            int[][] best = new int[bins][nc], arg = new int[bins][nc];
            boolean[] empty = new boolean[bins];
            for (int r = task * RoiAlign.ROI_CHUNK; r < Math.min(s.k(), (task + 1) * RoiAlign.ROI_CHUNK); r++) {
                int b = (int) roi[r * 5];
                batch[r] = b;
                int x1 = round(roi[r * 5 + 1] * spatialScale), y1 = round(roi[r * 5 + 2] * spatialScale);
                int x2 = round(roi[r * 5 + 3] * spatialScale), y2 = round(roi[r * 5 + 4] * spatialScale);
                float binH = (float) Math.max(y2 - y1 + 1, 1) / outH, binW = (float) Math.max(x2 - x1 + 1, 1) / outW;
                for (int ph = 0, bin = 0; ph < outH; ph++) {
                    int h0 = clip((int) Math.floor(ph * binH) + y1, s.h()), h1 = clip((int) Math.ceil((ph + 1) * binH) + y1, s.h());
                    for (int pw = 0; pw < outW; pw++, bin++) {
                        int w0 = clip((int) Math.floor(pw * binW) + x1, s.w()), w1 = clip((int) Math.ceil((pw + 1) * binW) + x1, s.w());
                        empty[bin] = h1 <= h0 || w1 <= w0;
                        binMax(keys, b * hw, s.w(), h0, h1, w0, w1, best[bin], arg[bin]);
                    }
                }
                for (int c = 0, o = r * nc * bins; c < nc; c++) {
                    for (int bin = 0; bin < bins; bin++, o++) {
                        int am = arg[bin][c];
                        y[o] = am >= 0 ? px[b * hw + am][c] : empty[bin] ? 0f : -Float.MAX_VALUE;
                        argmax[o] = am;
                    }
                }
            }
        });
        Tensor out = Tensor.result(y, new int[] {s.k(), s.c(), outH, outW}, features);
        if (out.requiresGrad()) {
            out.setBackward(() -> {
                // into a zeroed buffer first, then added once, as torch accumulates an op's gradient
                float[] g = new float[features.numel()], dy = out.grad();
                Parallel.forEach(s.n() * s.c(), plane -> {
                    int b = plane / s.c(), c = plane % s.c(), in = plane * hw;
                    for (int r = 0; r < s.k(); r++) {
                        if (batch[r] != b) continue;
                        int o = (r * s.c() + c) * bins;
                        for (int q = 0; q < bins; q++) {
                            if (argmax[o + q] != -1) g[in + argmax[o + q]] += dy[o + q];
                        }
                    }
                });
                Tensor.addInto(features.gradBuffer(), g);
            });
        }
        return out;
    }

    /** Order key of −FLT_MAX, torchvision's starting maximum: only larger values are taken. */
    private static final int START = key(-Float.MAX_VALUE);

    /**
     * Per channel, the first position in row-major order holding the window's maximum if that
     * maximum exceeds −FLT_MAX, else −1 — what torchvision's {@code if (v > max)} loop finds. In
     * two branch-free passes over contiguous channel vectors, which the JIT vectorises: the
     * maximum of the order keys, then the first position whose key equals it.
     */
    private static void binMax(int[][] keys, int base, int w, int h0, int h1, int w0, int w1, int[] best, int[] arg) {
        int nc = best.length;
        java.util.Arrays.fill(best, START);
        for (int yy = h0; yy < h1; yy++) {
            for (int xx = w0; xx < w1; xx++) {
                int[] k = keys[base + yy * w + xx];
                for (int c = 0; c < nc; c++) best[c] = Math.max(best[c], k[c]);
            }
        }
        for (int c = 0; c < nc; c++) arg[c] = best[c] == START ? -2 : -1; // −2: nothing beat the start
        for (int yy = h0; yy < h1; yy++) {
            for (int xx = w0; xx < w1; xx++) {
                int pos = yy * w + xx;
                int[] k = keys[base + pos];
                // arg = pos where arg == −1 and key == best, in integer arithmetic only (a
                // conditional is not vectorised; this form halved RoI Pool forward + backward)
                for (int c = 0; c < nc; c++) {
                    int d = k[c] ^ best[c], e = arg[c] + 1;
                    int take = (((d | -d) | (e | -e)) >>> 31) ^ 1; // 1 iff d == 0 and e == 0
                    arg[c] += -take & (pos + 1);
                }
            }
        }
        for (int c = 0; c < nc; c++) arg[c] = Math.max(arg[c], -1);
    }

    /** Keys whose int order is the float order of the values, −0 equal to +0 and NaN below everything (never a maximum). */
    static int[][] orderKeys(float[][] px) {
        int[][] k = new int[px.length][];
        Parallel.forEach((px.length + 255) / 256, t -> {
            for (int p = t * 256; p < Math.min(px.length, (t + 1) * 256); p++) {
                float[] v = px[p];
                int[] kp = new int[v.length];
                for (int c = 0; c < v.length; c++) kp[c] = key(v[c]);
                k[p] = kp;
            }
        });
        return k;
    }

    static int key(float v) {
        if (v != v) return Integer.MIN_VALUE;
        int bits = Float.floatToRawIntBits(v + 0f);
        return bits ^ ((bits >> 31) & 0x7fffffff);
    }

    static int clip(int v, int size) {
        return Math.min(Math.max(v, 0), size);
    }

    /** C's roundf: halves away from zero (Math.round would take −2.5 to −2). */
    static int round(float v) {
        double r = Math.floor(Math.abs((double) v) + 0.5);
        return (int) Math.copySign(r, v);
    }

    /** Literal channels-first port of torchvision's CPU forward (values and argmax): the reference the fast path is tested against. */
    static float[] forwardReference(float[] f, float[] roi, Shape s, int outH, int outW, float scale, int[] argmax) {
        int bins = outH * outW, hw = s.h() * s.w();
        float[] y = new float[s.k() * s.c() * bins];
        for (int r = 0; r < s.k(); r++) {
            int b = (int) roi[r * 5];
            int x1 = round(roi[r * 5 + 1] * scale), y1 = round(roi[r * 5 + 2] * scale);
            int x2 = round(roi[r * 5 + 3] * scale), y2 = round(roi[r * 5 + 4] * scale);
            float binH = (float) Math.max(y2 - y1 + 1, 1) / outH, binW = (float) Math.max(x2 - x1 + 1, 1) / outW;
            for (int ph = 0; ph < outH; ph++) {
                for (int pw = 0; pw < outW; pw++) {
                    int h0 = clip((int) Math.floor(ph * binH) + y1, s.h()), h1 = clip((int) Math.ceil((ph + 1) * binH) + y1, s.h());
                    int w0 = clip((int) Math.floor(pw * binW) + x1, s.w()), w1 = clip((int) Math.ceil((pw + 1) * binW) + x1, s.w());
                    boolean empty = h1 <= h0 || w1 <= w0;
                    for (int c = 0; c < s.c(); c++) {
                        float max = empty ? 0f : -Float.MAX_VALUE;
                        int arg = -1;
                        for (int yy = h0; yy < h1; yy++) {
                            for (int xx = w0; xx < w1; xx++) {
                                float v = f[(b * s.c() + c) * hw + yy * s.w() + xx];
                                if (v > max) {
                                    max = v;
                                    arg = yy * s.w() + xx;
                                }
                            }
                        }
                        int o = ((r * s.c() + c) * outH + ph) * outW + pw;
                        y[o] = max;
                        argmax[o] = arg;
                    }
                }
            }
        }
        return y;
    }
}
