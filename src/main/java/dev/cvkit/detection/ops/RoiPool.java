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
 * <p>Threads: forward tasks are RoIs; backward tasks are (image, channel) planes walking that
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
        float[] f = features.data(), roi = rois.data();
        int bins = outH * outW, hw = s.h() * s.w();
        float[] y = new float[s.k() * s.c() * bins];
        int[] argmax = new int[y.length];
        int[] batch = new int[s.k()];
        Parallel.forEach(s.k(), r -> {
            int b = (int) roi[r * 5];
            batch[r] = b;
            int x1 = round(roi[r * 5 + 1] * spatialScale), y1 = round(roi[r * 5 + 2] * spatialScale);
            int x2 = round(roi[r * 5 + 3] * spatialScale), y2 = round(roi[r * 5 + 4] * spatialScale);
            float binH = (float) Math.max(y2 - y1 + 1, 1) / outH, binW = (float) Math.max(x2 - x1 + 1, 1) / outW;
            for (int ph = 0; ph < outH; ph++) {
                int h0 = clip((int) Math.floor(ph * binH) + y1, s.h()), h1 = clip((int) Math.ceil((ph + 1) * binH) + y1, s.h());
                for (int pw = 0; pw < outW; pw++) {
                    int w0 = clip((int) Math.floor(pw * binW) + x1, s.w()), w1 = clip((int) Math.ceil((pw + 1) * binW) + x1, s.w());
                    boolean empty = h1 <= h0 || w1 <= w0;
                    for (int c = 0; c < s.c(); c++) {
                        int in = (b * s.c() + c) * hw;
                        float max = empty ? 0f : -Float.MAX_VALUE;
                        int arg = -1;
                        for (int yy = h0; yy < h1; yy++) {
                            for (int xx = w0; xx < w1; xx++) {
                                float v = f[in + yy * s.w() + xx];
                                if (v > max) {
                                    max = v;
                                    arg = yy * s.w() + xx;
                                }
                            }
                        }
                        int o = (r * s.c() + c) * bins + ph * outW + pw;
                        y[o] = max;
                        argmax[o] = arg;
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

    static int clip(int v, int size) {
        return Math.min(Math.max(v, 0), size);
    }

    /** C's roundf: halves away from zero (Math.round would take −2.5 to −2). */
    static int round(float v) {
        double r = Math.floor(Math.abs((double) v) + 0.5);
        return (int) Math.copySign(r, v);
    }
}
