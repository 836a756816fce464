package dev.cvkit.nn;

import dev.cvkit.tensor.Gemm;
import dev.cvkit.tensor.Parallel;
import dev.cvkit.tensor.Tensor;

/**
 * 2-D convolution and transposed convolution, forward and backward (im2col + GEMM; 1×1 convs
 * multiply the input directly; depthwise convs use a direct loop).
 *
 * <p>Work is split into tasks by shape only (see {@link Parallel}); weight-gradient partial
 * sums over fixed batch chunks are added in chunk order, so results do not depend on the
 * thread count.
 */
public final class Conv {
    /** Target size (floats) of one im2col block: about 1 MB, so it stays in L2. */
    private static final int COL_BLOCK = 1 << 18;
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[2][0]);

    private Conv() {}

    static float[] scratch(int which, int n) {
        float[][] s = SCRATCH.get();
        if (s[which].length < n) {
            s[which] = new float[n + n / 4];
        }
        return s[which];
    }

    /**
     * x [N,C,H,W], w [K, C/groups, kh, kw], bias [K] or null → [N, K, Ho, Wo] with
     * Ho = (H + 2ph - dh(kh-1) - 1)/sh + 1.
     */
    public static Tensor conv2d(Tensor x, Tensor w, Tensor bias, int sh, int sw, int ph, int pw,
                                int dh, int dw, int groups) {
        int n = x.size(0), c = x.size(1), h = x.size(2), wd = x.size(3);
        int k = w.size(0), kh = w.size(2), kw = w.size(3);
        if (x.dim() != 4 || w.dim() != 4 || c % groups != 0 || k % groups != 0 || w.size(1) != c / groups) {
            throw new IllegalArgumentException("conv2d: input " + x + " does not fit weight " + w + " groups " + groups);
        }
        int oh = ConvGeom.outSize(h, kh, sh, ph, dh), ow = ConvGeom.outSize(wd, kw, sw, pw, dw);
        if (oh <= 0 || ow <= 0) {
            throw new IllegalArgumentException("conv2d: input " + x + " too small for kernel " + kh + "x" + kw);
        }
        int cg = c / groups, kg = k / groups;
        ConvGeom geo = new ConvGeom(cg, h, wd, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow);
        float[] out = new float[n * k * oh * ow];
        float[] xd = x.data(), wdat = w.data();
        boolean depthwise = cg == 1 && kg == 1;
        if (depthwise) {
            Parallel.forEach(n * c, t -> depthwiseForward(xd, wdat, out, t, geo));
        } else {
            forwardGemm(xd, wdat, out, n, groups, kg, geo, x.size(1) * h * wd, k * oh * ow);
        }
        if (bias != null) {
            float[] b = bias.data();
            int p = oh * ow;
            Parallel.forEach(n, i -> {
                for (int j = 0; j < k; j++) {
                    int o = (i * k + j) * p;
                    float bj = b[j];
                    for (int q = 0; q < p; q++) out[o + q] += bj;
                }
            });
        }
        Tensor y = Tensor.result(out, new int[] {n, k, oh, ow}, x, w, bias);
        if (y.requiresGrad()) {
            y.setBackward(() -> conv2dBackward(x, w, bias, y, geo, groups, depthwise));
        }
        return y;
    }

    /**
     * Inference only (records no gradient): conv2d followed by a per-output-channel affine
     * y·scale[k] + shift[k] (a folded BatchNorm and/or the bias) and a clamp to [lo, hi]
     * (ReLU: 0, ∞; ReLU6: 0, 6; none: −∞, ∞), applied to each output block right after its
     * GEMM while it is in cache. Saves the BN and activation passes and their allocations.
     */
    public static Tensor conv2dFused(Tensor x, Tensor w, float[] scale, float[] shift, float lo, float hi,
                                     int sh, int sw, int ph, int pw, int dh, int dw, int groups) {
        int n = x.size(0), c = x.size(1), h = x.size(2), wd = x.size(3);
        int k = w.size(0), kh = w.size(2), kw = w.size(3);
        if (x.dim() != 4 || c % groups != 0 || w.size(1) != c / groups) {
            throw new IllegalArgumentException("conv2d: input " + x + " does not fit weight " + w + " groups " + groups);
        }
        int oh = ConvGeom.outSize(h, kh, sh, ph, dh), ow = ConvGeom.outSize(wd, kw, sw, pw, dw);
        if (oh <= 0 || ow <= 0) {
            throw new IllegalArgumentException("conv2d: input " + x + " too small for kernel " + kh + "x" + kw);
        }
        int cg = c / groups, kg = k / groups, p = oh * ow;
        ConvGeom geo = new ConvGeom(cg, h, wd, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow);
        float[] out = new float[n * k * p];
        Epilogue ep = (k0, k1, base, p0, p1) -> {
            for (int j = k0; j < k1; j++) {
                float s = scale == null ? 1f : scale[j], t = shift == null ? 0f : shift[j];
                int o = base + (j - k0) * p;
                for (int q = p0; q < p1; q++) {
                    // Math.min/max (not ternaries) so C2 vectorises the loop
                    out[o + q] = Math.min(Math.max(out[o + q] * s + t, lo), hi);
                }
            }
        };
        if (cg == 1 && kg == 1) {
            Parallel.forEach(n * c, t -> {
                depthwiseForward(x.data(), w.data(), out, t, geo);
                int ch = t % c;
                ep.apply(ch, ch + 1, t * p, 0, p);
            });
        } else {
            forwardGemm(x.data(), w.data(), out, n, groups, kg, geo, c * h * wd, k * p, ep);
        }
        return Tensor.of(out, n, k, oh, ow);
    }

    /** Post-processing of output channels [k0, k1) (global indices), columns [p0, p1); row k0 starts at out[base + k0·0]. */
    interface Epilogue {
        void apply(int k0, int k1, int base, int p0, int p1);
    }

    private static void forwardGemm(float[] xd, float[] wdat, float[] out, int n, int groups, int kg,
                                    ConvGeom geo, int xStride, int yStride) {
        forwardGemm(xd, wdat, out, n, groups, kg, geo, xStride, yStride, null);
    }

    private static void forwardGemm(float[] xd, float[] wdat, float[] out, int n, int groups, int kg,
                                    ConvGeom geo, int xStride, int yStride, Epilogue ep) {
        int r = geo.rows(), p = geo.cols();
        boolean pw1 = geo.isPointwise();
        int colChunk = r * p <= COL_BLOCK ? p : Math.max(128, COL_BLOCK / r);
        int nCol = (p + colChunk - 1) / colChunk;
        int base = n * groups * nCol;
        // with few tasks (batch 1, deep layers) also split output channels so 2+ cores get work
        int nRow = base >= 8 ? 1 : Math.min(Math.max(1, kg / 32), (8 + base - 1) / base);
        int rowChunk = (kg + nRow - 1) / nRow;
        nRow = (kg + rowChunk - 1) / rowChunk;
        int rowsPerTask = nRow;
        Gemm gemm = Gemm.get();
        Parallel.forEach(base * nRow, t -> {
            int rc = t % rowsPerTask;
            int rest = t / rowsPerTask;
            int cc = rest % nCol;
            int g = (rest / nCol) % groups;
            int i = rest / nCol / groups;
            int p0 = cc * colChunk, p1 = Math.min(p, p0 + colChunk);
            int k0 = rc * rowChunk, k1 = Math.min(kg, k0 + rowChunk);
            int xOff = i * xStride + g * geo.c() * geo.h() * geo.w();
            int yOff = i * yStride + (g * kg + k0) * p + p0;
            int wOff = (g * kg + k0) * r;
            if (pw1) {
                gemm.sgemm(false, false, k1 - k0, p1 - p0, r, 1f, wdat, wOff, r, xd, xOff + p0, p, 0f, out, yOff, p);
            } else {
                float[] col = scratch(0, r * (p1 - p0));
                geo.im2col(xd, xOff, p0, p1, col);
                gemm.sgemm(false, false, k1 - k0, p1 - p0, r, 1f, wdat, wOff, r, col, 0, p1 - p0, 0f, out, yOff, p);
            }
            if (ep != null) {
                // row (g·kg + k0) of image i starts at i·yStride + (g·kg + k0)·p
                ep.apply(g * kg + k0, g * kg + k1, i * yStride + (g * kg + k0) * p, p0, p1);
            }
        });
    }

    private static void depthwiseForward(float[] x, float[] w, float[] out, int t, ConvGeom g) {
        // task t = (image, channel); output plane = sum over taps of weight * shifted input
        int c = t; // index over n*C planes; channel = t % C is implied by the weight index below
        int planes = g.h() * g.w();
        int kk = g.kh() * g.kw();
        int xo = t * planes, yo = t * g.oh() * g.ow();
        int channels = w.length / kk;
        int wo = (c % channels) * kk;
        for (int ki = 0; ki < g.kh(); ki++) {
            for (int kj = 0; kj < g.kw(); kj++) {
                float wv = w[wo + ki * g.kw() + kj];
                for (int oy = 0; oy < g.oh(); oy++) {
                    int iy = oy * g.sh() - g.ph() + ki * g.dh();
                    if (iy < 0 || iy >= g.h()) continue;
                    int row = xo + iy * g.w();
                    int yr = yo + oy * g.ow();
                    int ix = -g.pw() + kj * g.dw();
                    for (int ox = 0; ox < g.ow(); ox++, ix += g.sw()) {
                        if (ix >= 0 && ix < g.w()) out[yr + ox] += wv * x[row + ix];
                    }
                }
            }
        }
    }

    private static void conv2dBackward(Tensor x, Tensor w, Tensor bias, Tensor y, ConvGeom geo, int groups,
                                       boolean depthwise) {
        float[] dy = y.grad();
        int n = x.size(0), c = x.size(1), k = w.size(0);
        int p = geo.cols(), r = geo.rows(), kg = k / groups;
        float[] xd = x.data(), wdat = w.data();
        float[] dx = x.requiresGrad() ? x.gradBuffer() : null;
        boolean needW = w.requiresGrad();
        int xStride = c * geo.h() * geo.w(), yStride = k * p;
        if (bias != null && bias.requiresGrad()) {
            float[] db = bias.gradBuffer();
            for (int j = 0; j < k; j++) {
                double s = 0;
                for (int i = 0; i < n; i++) {
                    int o = (i * k + j) * p;
                    for (int q = 0; q < p; q++) s += dy[o + q];
                }
                db[j] += (float) s;
            }
        }
        if (depthwise) {
            float[] dwg = needW ? w.gradBuffer() : null;
            Parallel.forEach(c, ch -> depthwiseBackward(xd, wdat, dy, dx, dwg, ch, n, c, geo));
            return;
        }
        // fixed batch chunks (by N only): each owns a weight-gradient partial and its dx images
        int chunk = Math.max(1, (n + 15) / 16);
        int nChunks = (n + chunk - 1) / chunk;
        float[][] partial = new float[needW ? nChunks : 0][];
        Gemm gemm = Gemm.get();
        boolean pw1 = geo.isPointwise();
        Parallel.forEach(nChunks, t -> {
            float[] dwp = needW ? new float[wdat.length] : null;
            for (int i = t * chunk; i < Math.min(n, (t + 1) * chunk); i++) {
                for (int g = 0; g < groups; g++) {
                    int xOff = i * xStride + g * geo.c() * geo.h() * geo.w();
                    int yOff = i * yStride + g * kg * p;
                    int wOff = g * kg * r;
                    if (needW) {
                        float[] col;
                        int colOff;
                        if (pw1) {
                            col = xd;
                            colOff = xOff;
                        } else {
                            col = scratch(0, r * p);
                            geo.im2col(xd, xOff, 0, p, col);
                            colOff = 0;
                        }
                        // dW_g (kg×r) += dY (kg×p) · col^T (p×r)
                        gemm.sgemm(false, true, kg, r, p, 1f, dy, yOff, p, col, colOff, p, 1f, dwp, wOff, r);
                    }
                    if (dx != null) {
                        if (pw1) {
                            gemm.sgemm(true, false, r, p, kg, 1f, wdat, wOff, r, dy, yOff, p, 1f, dx, xOff, p);
                        } else {
                            float[] dcol = scratch(1, r * p);
                            gemm.sgemm(true, false, r, p, kg, 1f, wdat, wOff, r, dy, yOff, p, 0f, dcol, 0, p);
                            geo.col2imAdd(dcol, dx, xOff);
                        }
                    }
                }
            }
            if (needW) partial[t] = dwp;
        });
        if (needW) {
            float[] dwg = w.gradBuffer();
            for (float[] part : partial) {
                Tensor.addInto(dwg, part);
            }
        }
    }

    private static void depthwiseBackward(float[] x, float[] w, float[] dy, float[] dx, float[] dw, int ch,
                                          int n, int c, ConvGeom g) {
        int planes = g.h() * g.w(), op = g.oh() * g.ow();
        int kk = g.kh() * g.kw();
        for (int ki = 0; ki < g.kh(); ki++) {
            for (int kj = 0; kj < g.kw(); kj++) {
                int widx = ch * kk + ki * g.kw() + kj;
                float wv = w[widx];
                double acc = 0;
                for (int i = 0; i < n; i++) {
                    int xo = (i * c + ch) * planes, yo = (i * c + ch) * op;
                    for (int oy = 0; oy < g.oh(); oy++) {
                        int iy = oy * g.sh() - g.ph() + ki * g.dh();
                        if (iy < 0 || iy >= g.h()) continue;
                        int row = xo + iy * g.w();
                        int yr = yo + oy * g.ow();
                        int ix = -g.pw() + kj * g.dw();
                        float s = 0;
                        for (int ox = 0; ox < g.ow(); ox++, ix += g.sw()) {
                            if (ix >= 0 && ix < g.w()) {
                                float gy = dy[yr + ox];
                                s += gy * x[row + ix];
                                if (dx != null) dx[row + ix] += gy * wv;
                            }
                        }
                        acc += s;
                    }
                }
                if (dw != null) dw[widx] += (float) acc;
            }
        }
    }

    /**
     * Transposed convolution (the gradient of conv2d with respect to its input):
     * x [N, Cin, H, W], w [Cin, Cout/groups, kh, kw], bias [Cout] or null →
     * [N, Cout, Ho, Wo] with Ho = (H-1)·sh − 2ph + dh(kh−1) + oph + 1.
     */
    public static Tensor convTranspose2d(Tensor x, Tensor w, Tensor bias, int sh, int sw, int ph, int pw,
                                         int oph, int opw, int dh, int dw, int groups) {
        int n = x.size(0), cin = x.size(1), h = x.size(2), wd = x.size(3);
        if (w.size(0) != cin || cin % groups != 0) {
            throw new IllegalArgumentException("conv_transpose2d: input " + x + " does not fit weight " + w);
        }
        int coutg = w.size(1), kh = w.size(2), kw = w.size(3), cout = coutg * groups, cing = cin / groups;
        int oh = (h - 1) * sh - 2 * ph + dh * (kh - 1) + oph + 1;
        int ow = (wd - 1) * sw - 2 * pw + dw * (kw - 1) + opw + 1;
        // geometry of the equivalent forward conv: image = our output, columns = our input pixels
        ConvGeom geo = new ConvGeom(coutg, oh, ow, kh, kw, sh, sw, ph, pw, dh, dw, h, wd);
        int r = geo.rows(), p = h * wd;
        float[] xd = x.data(), wdat = w.data();
        float[] out = new float[n * cout * oh * ow];
        Gemm gemm = Gemm.get();
        Parallel.forEach(n, i -> {
            float[] col = scratch(1, r * p);
            for (int g = 0; g < groups; g++) {
                // col (r×p) = W_g^T (r×cing) · x_g (cing×p), then scatter-add into the output image
                gemm.sgemm(true, false, r, p, cing, 1f, wdat, g * cing * r, r, xd, (i * cin + g * cing) * p, p,
                        0f, col, 0, p);
                geo.col2imAdd(col, out, (i * cout + g * coutg) * oh * ow);
            }
            if (bias != null) {
                float[] b = bias.data();
                for (int j = 0; j < cout; j++) {
                    int o = (i * cout + j) * oh * ow;
                    for (int q = 0; q < oh * ow; q++) out[o + q] += b[j];
                }
            }
        });
        Tensor y = Tensor.result(out, new int[] {n, cout, oh, ow}, x, w, bias);
        if (y.requiresGrad()) {
            y.setBackward(() -> {
                float[] dy = y.grad();
                float[] dx = x.requiresGrad() ? x.gradBuffer() : null;
                boolean needW = w.requiresGrad();
                if (bias != null && bias.requiresGrad()) {
                    float[] db = bias.gradBuffer();
                    for (int j = 0; j < cout; j++) {
                        double s = 0;
                        for (int i = 0; i < n; i++) {
                            int o = (i * cout + j) * oh * ow;
                            for (int q = 0; q < oh * ow; q++) s += dy[o + q];
                        }
                        db[j] += (float) s;
                    }
                }
                int chunk = Math.max(1, (n + 15) / 16);
                int nChunks = (n + chunk - 1) / chunk;
                float[][] partial = new float[nChunks][];
                Parallel.forEach(nChunks, t -> {
                    float[] dwp = needW ? new float[wdat.length] : null;
                    float[] col = scratch(0, r * p);
                    for (int i = t * chunk; i < Math.min(n, (t + 1) * chunk); i++) {
                        for (int g = 0; g < groups; g++) {
                            geo.im2col(dy, (i * cout + g * coutg) * oh * ow, 0, p, col);
                            int xOff = (i * cin + g * cing) * p;
                            if (dx != null) {
                                // dx_g (cing×p) += W_g (cing×r) · col (r×p)
                                gemm.sgemm(false, false, cing, p, r, 1f, wdat, g * cing * r, r, col, 0, p, 1f, dx, xOff, p);
                            }
                            if (needW) {
                                // dW_g (cing×r) += x_g (cing×p) · col^T (p×r)
                                gemm.sgemm(false, true, cing, r, p, 1f, xd, xOff, p, col, 0, p, 1f, dwp, g * cing * r, r);
                            }
                        }
                    }
                    partial[t] = dwp;
                });
                if (needW) {
                    float[] dwg = w.gradBuffer();
                    for (float[] part : partial) Tensor.addInto(dwg, part);
                }
            });
        }
        return y;
    }
}
