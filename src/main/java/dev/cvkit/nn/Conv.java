package dev.cvkit.nn;

import dev.cvkit.tensor.BufferPool;
import dev.cvkit.tensor.Gemm;
import dev.cvkit.tensor.NativeFloats;
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
    private static final int COL_BLOCK = ConvForward.COL_BLOCK;
    /**
     * Largest column cache kept per layer from forward to backward (floats; 64 MB): covers
     * CIFAR-size training at batch 64, not ImageNet-size layers. Tests lower it.
     */
    static long cacheLimit = 1 << 24;
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[5][0]);

    private Conv() {}

    /**
     * This thread's Java scratch array {@code which}, at least n floats, contents arbitrary. Slots:
     * 0–1 column matrices (transposed convolution, col2im backward), 3 one row (im2col rows,
     * read-backs), 4 a strided convolution's decimated input (shared by a call's tasks; taken by
     * the calling thread).
     */
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
        return conv2d(x, w, null, bias, sh, sw, ph, pw, dh, dw, groups);
    }

    /**
     * As above; {@code weights} (may be null) holds w's off-heap forms for calls that record no
     * gradient ({@link InferenceWeights}), which then skip copying or transforming w.
     */
    static Tensor conv2d(Tensor x, Tensor w, OffHeapWeights weights, Tensor bias, int sh, int sw, int ph, int pw,
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
        if (ConvPolyphase.applies(geo, groups, n, k, Tensor.gradEnabled() && w.requiresGrad())) {
            Tensor xs = ConvPolyphase.split(x, dh);
            Tensor ys = conv2d(xs, w, weights, bias, 1, 1, 1, 1, 1, 1, 1);
            Tensor y = ConvPolyphase.merge(ys, dh);
            if (!ys.requiresGrad()) { // nothing reads the phase images any more
                BufferPool.give(xs.data());
                BufferPool.give(ys.data());
            }
            return y;
        }
        float[] out = new float[n * k * oh * ow];
        float[] xd = x.data(), wdat = w.data();
        boolean depthwise = cg == 1 && kg == 1;
        // When recording for backward and the columns of the whole batch are small, keep them
        // so the weight gradient does not redo im2col (saves a third of im2col work in training).
        boolean recording = Tensor.gradEnabled() && w.requiresGrad();
        int multi = imagesPerGemm(n, geo);
        long colTotal = (long) n * groups * geo.rows() * geo.cols();
        // (tap-by-tap convolutions build no columns: their backward makes its own)
        NativeFloats colCache = recording && !depthwise && !geo.isPointwise() && !ConvShifted.applies(geo, groups)
                && !ConvWinograd.appliesInTraining(geo, groups, n, k) && geo.rows() * geo.cols() <= COL_BLOCK && colTotal <= cacheLimit ? ColumnPool.take(colTotal) : null;
        int p = oh * ow;
        float[] b = bias == null ? null : bias.data();
        if (depthwise) {
            Parallel.forEach(n * c, t -> depthwiseForward(xd, wdat, out, t, geo));
            if (b != null) {
                Parallel.forEach(n, i -> {
                    for (int j = 0; j < k; j++) {
                        int o = (i * k + j) * p;
                        float bj = b[j];
                        for (int q = 0; q < p; q++) out[o + q] += bj;
                    }
                });
            }
        } else {
            // the bias is added to each output row as it comes out of the GEMM
            Epilogue addBias = b == null ? null : (k0, k1, base, p0, p1) -> {
                for (int j = k0; j < k1; j++) {
                    int o = base + (j - k0) * p;
                    float bj = b[j];
                    for (int q = p0; q < p1; q++) out[o + q] += bj;
                }
            };
            OffHeapWeights cached = recording ? null : weights;
            if (colCache == null && (recording ? ConvWinograd.appliesInTraining(geo, groups, n, k)
                    : ConvWinograd.applies(geo, groups, n, k))) {
                ConvWinograd.run(xd, wdat, cached == null ? null : cached.winograd(), out, false, n, k, geo, addBias);
            } else if (colCache == null && ConvShifted.applies(geo, groups)) {
                ConvShifted.run(xd, wdat, cached == null ? null : cached.get(true), out, n, k, geo, addBias);
            } else {
                ConvForward.run(xd, wdat, cached == null ? null : cached.get(false), out, n, groups, kg, geo, x.size(1) * h * wd,
                        k * oh * ow, addBias, colCache, multi);
            }
        }
        Tensor y = Tensor.result(out, new int[] {n, k, oh, ow}, x, w, bias);
        if (y.requiresGrad()) {
            // the cache goes back to the pool after the backward that reads it; the holder is
            // cleared so a second call (none expected) would recompute the columns instead
            NativeFloats[] cacheRef = {colCache};
            y.setBackward(() -> {
                NativeFloats cc = cacheRef[0];
                conv2dBackward(x, w, bias, y, geo, groups, depthwise, cc, multi);
                if (cc != null) {
                    cacheRef[0] = null;
                    ColumnPool.give(cc, colTotal);
                }
            });
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
        return conv2dFused(x, w, null, scale, shift, lo, hi, sh, sw, ph, pw, dh, dw, groups);
    }

    /**
     * As above with the weight already off-heap ({@code weights}, may be null: copied per call),
     * in the layout the chosen kernel reads: tap-major when {@link ConvShifted#applies}.
     */
    static Tensor conv2dFused(Tensor x, Tensor w, OffHeapWeights weights,
                              float[] scale, float[] shift, float lo, float hi,
                              int sh, int sw, int ph, int pw, int dh, int dw, int groups) {
        return conv2dFused(x, w, weights, scale, shift, null, lo, hi, sh, sw, ph, pw, dh, dw, groups);
    }

    /**
     * As above with a residual added before the clamp, clamp(y·scale + shift + residual):
     * ResNet's relu(bn2(conv2(·)) + shortcut) in the same pass over each output row, instead of
     * a separate add-and-ReLU pass over the block's output. {@code residual} (may be null) has
     * the output's shape.
     */
    static Tensor conv2dFused(Tensor x, Tensor w, OffHeapWeights weights,
                              float[] scale, float[] shift, Tensor residual, float lo, float hi,
                              int sh, int sw, int ph, int pw, int dh, int dw, int groups) {
        return conv2dFused(x, w, weights, scale, shift, residual, lo, hi, null, sh, sw, ph, pw, dh, dw, groups);
    }

    /**
     * As above with an activation after the clamp: {@code act} null (the clamp alone), HARDSWISH
     * or HARDSIGMOID (MobileNet v3's), computed as {@link Functional#hardswish} and
     * {@link Functional#hardsigmoid} compute them, so the fused layer equals the separate ones.
     */
    static Tensor conv2dFused(Tensor x, Tensor w, OffHeapWeights weights,
                              float[] scale, float[] shift, Tensor residual, float lo, float hi, Activation.Kind act,
                              int sh, int sw, int ph, int pw, int dh, int dw, int groups) {
        if (act != null && act != Activation.Kind.HARDSWISH && act != Activation.Kind.HARDSIGMOID) {
            throw new IllegalArgumentException("conv2d: no fused " + act);
        }
        boolean hswish = act == Activation.Kind.HARDSWISH, hsigmoid = act == Activation.Kind.HARDSIGMOID;
        boolean noClamp = lo == Float.NEGATIVE_INFINITY && hi == Float.POSITIVE_INFINITY;
        int n = x.size(0), c = x.size(1), h = x.size(2), wd = x.size(3);
        int k = w.size(0), kh = w.size(2), kw = w.size(3);
        if (x.dim() != 4 || c % groups != 0 || w.size(1) != c / groups) {
            throw new IllegalArgumentException("conv2d: input " + x + " does not fit weight " + w + " groups " + groups);
        }
        int oh = ConvGeom.outSize(h, kh, sh, ph, dh), ow = ConvGeom.outSize(wd, kw, sw, pw, dw);
        if (oh <= 0 || ow <= 0) {
            throw new IllegalArgumentException("conv2d: input " + x + " too small for kernel " + kh + "x" + kw);
        }
        if (n == 0) return Tensor.of(new float[0], 0, k, oh, ow); // an empty batch (e.g. no boxes to a RoI head)
        int cg = c / groups, kg = k / groups, p = oh * ow;
        ConvGeom geo = new ConvGeom(cg, h, wd, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow);
        if (residual != null && residual.numel() != n * k * p) {
            throw new IllegalArgumentException("conv2d: residual " + residual + " does not fit the output");
        }
        if (ConvPolyphase.applies(geo, groups, n, k, false)) {
            Tensor xs = ConvPolyphase.split(x, dh), rs = residual == null ? null : ConvPolyphase.split(residual, dh);
            Tensor ys = conv2dFused(xs, w, weights, scale, shift, rs, lo, hi, act, 1, 1, 1, 1, 1, 1, 1);
            Tensor y = ConvPolyphase.merge(ys, dh);
            BufferPool.give(xs.data());
            if (rs != null) BufferPool.give(rs.data());
            BufferPool.give(ys.data());
            return y;
        }
        // inference output from the pool: the GEMM path and DepthwiseRows write every element, the
        // reference depthwise loop adds up
        float[] out = BufferPool.take(n * k * p);
        boolean depthwise = cg == 1 && kg == 1, rows = depthwise && DepthwiseRows.applies(geo);
        if (depthwise && !rows) java.util.Arrays.fill(out, 0f);
        float[] res = residual == null ? null : residual.data();
        Epilogue ep = (k0, k1, base, p0, p1) -> {
            for (int j = k0; j < k1; j++) {
                float s = scale == null ? 1f : scale[j], t = shift == null ? 0f : shift[j];
                int o = base + (j - k0) * p;
                // Math.min/max (not ternaries) so C2 vectorises the loops; out and res share
                // one index expression, which C2 needs to vectorise a loop over two arrays
                if (res == null && noClamp && hswish) {
                    // MobileNet v3's conv → BN → Hardswish: one pass (the clamp to ±∞ is the identity)
                    for (int q = p0; q < p1; q++) out[o + q] = Functional.hardswish(out[o + q] * s + t);
                    continue;
                }
                if (res == null) {
                    for (int q = p0; q < p1; q++) out[o + q] = Math.min(Math.max(out[o + q] * s + t, lo), hi);
                } else {
                    for (int q = p0; q < p1; q++) out[o + q] = Math.min(Math.max(out[o + q] * s + t + res[o + q], lo), hi);
                }
                if (hswish) {
                    for (int q = p0; q < p1; q++) out[o + q] = Functional.hardswish(out[o + q]);
                } else if (hsigmoid) {
                    for (int q = p0; q < p1; q++) out[o + q] = Functional.hardsigmoid(out[o + q]);
                }
            }
        };
        if (rows) {
            float[] xd = x.data(), wd0 = w.data();
            int kk = kh * kw;
            Parallel.forEach(n * c, t -> {
                int ch = t % c;
                DepthwiseRows.plane(xd, t * h * wd, wd0, ch * kk, out, t * p, geo);
                ep.apply(ch, ch + 1, t * p, 0, p);
            });
        } else if (depthwise) {
            Parallel.forEach(n * c, t -> {
                depthwiseForward(x.data(), w.data(), out, t, geo);
                int ch = t % c;
                ep.apply(ch, ch + 1, t * p, 0, p);
            });
        } else if (ConvWinograd.applies(geo, groups, n, k)) {
            ConvWinograd.run(x.data(), w.data(), weights == null ? null : weights.winograd(), out, false, n, k, geo, ep);
        } else {
            boolean taps = ConvShifted.applies(geo, groups);
            NativeFloats wNative = weights == null ? null : weights.get(taps);
            if (taps) {
                ConvShifted.run(x.data(), w.data(), wNative, out, n, k, geo, ep);
            } else {
                ConvForward.run(x.data(), w.data(), wNative, out, n, groups, kg, geo, c * h * wd, k * p, ep, null,
                        imagesPerGemm(n, geo));
            }
        }
        return Tensor.of(out, n, k, oh, ow);
    }

    /** A layer's weights kept off-heap for inference (see {@link InferenceWeights}). */
    interface OffHeapWeights {
        /** As stored, or tap-major for {@link ConvShifted}. */
        NativeFloats get(boolean tapMajor);

        /** Winograd-transformed, U[ξ][k][c] ({@link ConvWinograd#transformWeights}). */
        NativeFloats winograd();
    }

    /** Post-processing of output channels [k0, k1) (global indices), columns [p0, p1); row k0 starts at out[base + k0·0]. */
    interface Epilogue {
        void apply(int k0, int k1, int base, int p0, int p1);
    }

    /**
     * Images per GEMM for small output maps (LeNet, CIFAR, late layers): the columns of up to
     * 512/p images side by side make one wide GEMM instead of many thin ones, as long as their
     * columns stay within 8 MB (resnet18's 7×7 layer at batch 8: 8 images, 392 columns, 1.3×
     * the speed of 8 GEMMs of 49). Depends on the shape only. 1 = one image per GEMM; batches
     * under 4 always use 1.
     */
    static int imagesPerGemm(int n, ConvGeom geo) {
        int p = geo.cols(), r = geo.rows();
        if (n < 4 || geo.isPointwise() || p >= 256) return 1;
        return Math.max(1, Math.min(n, Math.min(512 / p, MULTI_BLOCK / Math.max(1, r * p))));
    }

    /** Largest column matrix (floats) of several images in one GEMM: 8 MB. */
    private static final int MULTI_BLOCK = 1 << 21;

    private static void depthwiseForward(float[] x, float[] w, float[] out, int t, ConvGeom g) {
        // task t = image·C + channel; each output row accumulates all taps while it is in L1,
        // over the precomputed in-bounds column range of each tap (no per-value bounds tests)
        int kk = g.kh() * g.kw();
        int channels = w.length / kk;
        int xo = t * g.h() * g.w(), yo = t * g.oh() * g.ow();
        int wo = (t % channels) * kk;
        int sw = g.sw();
        int[] lo = new int[g.kw()], hi = new int[g.kw()];
        for (int kj = 0; kj < g.kw(); kj++) {
            lo[kj] = g.oxLo(kj);
            hi[kj] = g.oxHi(kj);
        }
        for (int oy = 0; oy < g.oh(); oy++) {
            int yr = yo + oy * g.ow();
            for (int ki = 0; ki < g.kh(); ki++) {
                int iy = oy * g.sh() - g.ph() + ki * g.dh();
                if (iy < 0 || iy >= g.h()) continue;
                for (int kj = 0; kj < g.kw(); kj++) {
                    float wv = w[wo + ki * g.kw() + kj];
                    int row = xo + iy * g.w() + kj * g.dw() - g.pw();
                    int a = lo[kj], b = hi[kj];
                    if (sw == 1) {
                        for (int ox = a; ox < b; ox++) out[yr + ox] += wv * x[row + ox];
                    } else {
                        for (int ox = a; ox < b; ox++) out[yr + ox] += wv * x[row + ox * sw];
                    }
                }
            }
        }
    }

    private static void conv2dBackward(Tensor x, Tensor w, Tensor bias, Tensor y, ConvGeom geo, int groups,
                                       boolean depthwise, NativeFloats colCache, int multi) {
        float[] dy = y.grad();
        int n = x.size(0), c = x.size(1), k = w.size(0);
        int p = geo.cols(), kg = k / groups;
        float[] xd = x.data(), wdat = w.data();
        float[] dx = x.requiresGrad() ? x.gradBuffer() : null;
        boolean needW = w.requiresGrad();
        if (bias != null && bias.requiresGrad()) biasGrad(dy, n, k, p, bias.gradBuffer());
        if (depthwise) {
            float[] dwg = needW ? w.gradBuffer() : null;
            Parallel.forEach(c, ch -> depthwiseBackward(xd, wdat, dy, dx, dwg, ch, n, c, geo));
            return;
        }
        // Stride-1 convs with padding ≤ the dilated kernel extent: dx is the "full" convolution
        // of dy with the flipped, transposed kernel, so it is computed as im2col(dy) + GEMM
        // added straight into dx — no col2im scatter (C2 does not vectorise that loop).
        // Used when its column matrix (kg·kh·kw × H·W) is no larger than col2im's (cg·kh·kw ×
        // Ho·Wo): true for "same" convs, false for e.g. LeNet's unpadded 5×5 into few channels.
        ConvGeom back = null;
        // Winograd computes that full convolution without columns, so it takes it at any size.
        if (dx != null && !geo.isPointwise() && geo.sh() == 1 && geo.sw() == 1
                && geo.ph() <= geo.dh() * (geo.kh() - 1) && geo.pw() <= geo.dw() * (geo.kw() - 1)) {
            ConvGeom full = new ConvGeom(kg, geo.oh(), geo.ow(), geo.kh(), geo.kw(), 1, 1, geo.dh() * (geo.kh() - 1) - geo.ph(),
                    geo.dw() * (geo.kw() - 1) - geo.pw(), geo.dh(), geo.dw(), geo.h(), geo.w());
            if ((long) kg * geo.h() * geo.w() <= (long) geo.c() * p || ConvWinograd.appliesInTraining(full, groups, n, geo.c())) {
                back = full; // ConvBackward flips the kernel if it needs the flipped copy
            }
        }
        ConvBackward.run(new ConvBackward.Job(xd, wdat, dy, dx, needW, n, groups, kg, geo, back, null, colCache, multi),
                needW ? w.gradBuffer() : null);
    }

    /** db[j] += Σ over images and pixels of dy[i, j, ·] (vectorised, see {@link Functional#channelSum}). By shape only. */
    static void biasGrad(float[] dy, int n, int k, int p, float[] db) {
        Parallel.forEach(k, j -> db[j] += (float) Functional.channelSum(dy, n, k, j, p));
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
                if (bias != null && bias.requiresGrad()) biasGrad(dy, n, cout, oh * ow, bias.gradBuffer());
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
