package dev.cvkit.nn;

import dev.cvkit.tensor.BufferPool;
import dev.cvkit.tensor.Gemm;
import dev.cvkit.tensor.Parallel;
import dev.cvkit.tensor.Tensor;
import java.util.Arrays;
import java.util.Random;

/**
 * Differentiable functions other than convolution ({@link Conv}): linear, activations,
 * pooling, resampling, normalisation, softmax, dropout, concatenation. Each builds its output
 * and, when recording, a backward closure beside it that accumulates into its inputs.
 * Shapes follow PyTorch's functional API of the same name.
 */
public final class Functional {
    private Functional() {}

    // ------------------------------------------------------------------ linear

    /** x [N, in], w [out, in], b [out] or null → x·wᵀ + b, [N, out]. */
    public static Tensor linear(Tensor x, Tensor w, Tensor b) {
        int n = x.size(0), in = x.size(1), out = w.size(0);
        if (w.size(1) != in || x.dim() != 2) {
            throw new IllegalArgumentException("linear: input " + x + " does not fit weight " + w);
        }
        float[] y = new float[n * out];
        float[] xd = x.data(), wd = w.data();
        LinearKernel.forward(xd, wd, b == null ? null : b.data(), y, n, in, out);
        Tensor r = Tensor.result(y, new int[] {n, out}, x, w, b);
        if (r.requiresGrad()) {
            r.setBackward(() -> {
                float[] dy = r.grad();
                LinearKernel.backward(xd, wd, dy, x.requiresGrad() ? x.gradBuffer() : null,
                        w.requiresGrad() ? w.gradBuffer() : null, n, in, out);
                if (b != null && b.requiresGrad()) {
                    float[] db = b.gradBuffer();
                    for (int j = 0; j < out; j++) {
                        float s = 0;
                        for (int i = 0; i < n; i++) s += dy[i * out + j];
                        db[j] += s;
                    }
                }
            });
        }
        return r;
    }

    // ------------------------------------------------------------------ activations

    /** max(x, 0). */
    public static Tensor relu(Tensor x) {
        return clamp(x, 0f, Float.POSITIVE_INFINITY);
    }

    /** min(max(x, 0), 6). */
    public static Tensor relu6(Tensor x) {
        return clamp(x, 0f, 6f);
    }

    /** Clamps to [lo, hi]; the gradient passes where lo < x < hi (as PyTorch's hardtanh). */
    public static Tensor clamp(Tensor x, float lo, float hi) {
        float[] d = x.data();
        float[] y = new float[d.length];
        // branch-free (Math.min/max, a 0/1 mask): activations' signs are random, so branches
        // would mispredict about half the time
        Parallel.forRange(d.length, (from, to) -> {
            for (int i = from; i < to; i++) y[i] = Math.min(Math.max(d[i], lo), hi);
        });
        Tensor r = Tensor.result(y, x.shape(), x);
        if (r.requiresGrad()) {
            r.setBackward(() -> clampBackward(d, r.grad(), x.gradBuffer(), lo, hi));
        }
        return r;
    }

    /**
     * g += dy where lo < x < hi. For ReLU (hi = ∞) the mask is computed without a
     * compare-and-branch, {@link #stepMask}, which C2 vectorises: activations' signs are random,
     * so a branch mispredicts half the time (measured ~1 vs ~6 ns per value; the two-sided form
     * of the trick does not vectorise, so finite hi keeps the plain test).
     */
    static void clampBackward(float[] d, float[] dy, float[] g, float lo, float hi) {
        Parallel.forRange(g.length, (from, to) -> {
            if (hi == Float.POSITIVE_INFINITY) {
                for (int i = from; i < to; i++) g[i] += dy[i] * stepMask(d[i] - lo);
            } else {
                for (int i = from; i < to; i++) {
                    float v = d[i];
                    if (v > lo && v < hi) g[i] += dy[i];
                }
            }
        });
    }

    /**
     * 1 for v > 0, else 0, branch-free: clamp(v·1e30·1e30, 0, 1). Two factors because the
     * smallest positive float (1.4e-45) times 1e30 is still below 1, and every positive v must
     * pass its gradient whole, as PyTorch's threshold_backward does.
     */
    static float stepMask(float v) {
        return Math.min(Math.max(v * 1e30f * 1e30f, 0f), 1f);
    }

    /** x if x > 0 else slope·x. */
    public static Tensor leakyRelu(Tensor x, float slope) {
        float[] d = x.data();
        float[] y = new float[d.length];
        for (int i = 0; i < d.length; i++) y[i] = d[i] > 0 ? d[i] : slope * d[i];
        Tensor r = Tensor.result(y, x.shape(), x);
        if (r.requiresGrad()) {
            r.setBackward(() -> {
                float[] g = x.gradBuffer(), dy = r.grad();
                for (int i = 0; i < g.length; i++) g[i] += d[i] > 0 ? dy[i] : slope * dy[i];
            });
        }
        return r;
    }

    /**
     * PyTorch's hardsigmoid of one value, as its CPU kernel computes it: min(max(x + 3, 0), 6) / 6
     * (branch-free, so loops over it vectorise; the fused convolution epilogue uses it too).
     */
    static float hardsigmoid(float v) {
        return Math.min(Math.max(v + 3f, 0f), 6f) / 6f;
    }

    /** PyTorch's hardswish of one value, as its CPU kernel computes it: x · min(max(x + 3, 0), 6) / 6. */
    static float hardswish(float v) {
        return v * Math.min(Math.max(v + 3f, 0f), 6f) / 6f;
    }

    /** PyTorch's hardsigmoid: 0 for x ≤ −3, 1 for x ≥ 3, x/6 + 1/2 between (gradient 1/6 there). */
    public static Tensor hardsigmoid(Tensor x) {
        float[] d = x.data();
        float[] y = new float[d.length];
        Parallel.forRange(d.length, (from, to) -> {
            for (int i = from; i < to; i++) y[i] = hardsigmoid(d[i]);
        });
        Tensor r = Tensor.result(y, x.shape(), x);
        if (r.requiresGrad()) {
            r.setBackward(() -> {
                float[] g = x.gradBuffer(), dy = r.grad();
                for (int i = 0; i < g.length; i++) if (d[i] > -3f && d[i] < 3f) g[i] += dy[i] / 6f;
            });
        }
        return r;
    }

    /** PyTorch's hardswish: 0 for x ≤ −3, x for x ≥ 3, x·(x + 3)/6 between (gradient x/3 + 1/2 on [−3, 3]). */
    public static Tensor hardswish(Tensor x) {
        float[] d = x.data();
        float[] y = new float[d.length];
        Parallel.forRange(d.length, (from, to) -> {
            for (int i = from; i < to; i++) y[i] = hardswish(d[i]);
        });
        Tensor r = Tensor.result(y, x.shape(), x);
        if (r.requiresGrad()) {
            r.setBackward(() -> {
                float[] g = x.gradBuffer(), dy = r.grad();
                for (int i = 0; i < g.length; i++) {
                    float v = d[i];
                    g[i] += v < -3f ? 0f : v <= 3f ? dy[i] * (v / 3f + 0.5f) : dy[i];
                }
            });
        }
        return r;
    }

    /** 1 / (1 + e^-x). */
    public static Tensor sigmoid(Tensor x) {
        float[] d = x.data();
        float[] y = new float[d.length];
        for (int i = 0; i < d.length; i++) y[i] = (float) (1.0 / (1.0 + Math.exp(-d[i])));
        Tensor r = Tensor.result(y, x.shape(), x);
        if (r.requiresGrad()) {
            r.setBackward(() -> {
                float[] g = x.gradBuffer(), dy = r.grad();
                for (int i = 0; i < g.length; i++) g[i] += dy[i] * y[i] * (1f - y[i]);
            });
        }
        return r;
    }

    /** Hyperbolic tangent. */
    public static Tensor tanh(Tensor x) {
        float[] d = x.data();
        float[] y = new float[d.length];
        for (int i = 0; i < d.length; i++) y[i] = (float) Math.tanh(d[i]);
        Tensor r = Tensor.result(y, x.shape(), x);
        if (r.requiresGrad()) {
            r.setBackward(() -> {
                float[] g = x.gradBuffer(), dy = r.grad();
                for (int i = 0; i < g.length; i++) g[i] += dy[i] * (1f - y[i] * y[i]);
            });
        }
        return r;
    }

    /** Softmax over dimension {@code dim}. */
    public static Tensor softmax(Tensor x, int dim) {
        return softmaxImpl(x, dim, false);
    }

    /** log(softmax(x)) over {@code dim}, computed stably. */
    public static Tensor logSoftmax(Tensor x, int dim) {
        return softmaxImpl(x, dim, true);
    }

    private static Tensor softmaxImpl(Tensor x, int dim, boolean log) {
        int[] s = x.shape();
        int dm = dim < 0 ? s.length + dim : dim;
        int outer = 1, inner = 1, len = s[dm];
        for (int i = 0; i < dm; i++) outer *= s[i];
        for (int i = dm + 1; i < s.length; i++) inner *= s[i];
        float[] d = x.data();
        float[] y = new float[d.length];
        final int fo = outer, fi = inner;
        for (int o = 0; o < fo; o++) {
            for (int in = 0; in < fi; in++) {
                int base = o * len * fi + in;
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < len; j++) max = Math.max(max, d[base + j * fi]);
                double sum = 0;
                for (int j = 0; j < len; j++) sum += Math.exp(d[base + j * fi] - max);
                if (log) {
                    float lse = (float) (max + Math.log(sum));
                    for (int j = 0; j < len; j++) y[base + j * fi] = d[base + j * fi] - lse;
                } else {
                    for (int j = 0; j < len; j++) y[base + j * fi] = (float) (Math.exp(d[base + j * fi] - max) / sum);
                }
            }
        }
        Tensor r = Tensor.result(y, s, x);
        if (r.requiresGrad()) {
            r.setBackward(() -> {
                float[] g = x.gradBuffer(), dy = r.grad();
                for (int o = 0; o < fo; o++) {
                    for (int in = 0; in < fi; in++) {
                        int base = o * len * fi + in;
                        double dot = 0;
                        if (log) {
                            for (int j = 0; j < len; j++) dot += dy[base + j * fi];
                            for (int j = 0; j < len; j++) {
                                int k = base + j * fi;
                                g[k] += dy[k] - (float) (Math.exp(y[k]) * dot);
                            }
                        } else {
                            for (int j = 0; j < len; j++) dot += dy[base + j * fi] * y[base + j * fi];
                            for (int j = 0; j < len; j++) {
                                int k = base + j * fi;
                                g[k] += y[k] * (dy[k] - (float) dot);
                            }
                        }
                    }
                }
            });
        }
        return r;
    }

    /** Zeroes values with probability p and scales the rest by 1/(1-p) in training; identity otherwise. */
    public static Tensor dropout(Tensor x, float p, boolean training, Random rng) {
        if (!training || p == 0f) {
            return x;
        }
        float[] d = x.data();
        float[] mask = new float[d.length];
        float scale = p >= 1f ? 0f : 1f / (1f - p);
        for (int i = 0; i < d.length; i++) mask[i] = rng.nextFloat() < p ? 0f : scale;
        return x.mul(Tensor.of(mask, x.shape()));
    }

    // ------------------------------------------------------------------ pooling

    /** Max pooling's output and, per output value, the argmax's flat index in its input plane (H·W). */
    public record Pooled(Tensor output, int[] indices) {}

    /** Output size of a pooling window (PyTorch's rule, incl. ceil mode's last-window check). */
    static int poolOut(int in, int k, int s, int p, int d, boolean ceil) {
        int num = in + 2 * p - d * (k - 1) - 1;
        int o = (ceil ? (num + s - 1) / s : num / s) + 1;
        if (ceil && (o - 1) * s >= in + p) o--;
        return o;
    }

    /** Max pooling over kh×kw windows, [N,C,H,W] → [N,C,Ho,Wo]; padding counts as -inf. */
    public static Pooled maxPool2d(Tensor x, int kh, int kw, int sh, int sw, int ph, int pw, boolean ceil) {
        return maxPool2d(x, kh, kw, sh, sw, ph, pw, ceil, true);
    }

    /**
     * As above; with {@code withIndices} false and gradients off, argmax indices are not
     * computed (faster inference) and {@link Pooled#indices()} is null.
     */
    public static Pooled maxPool2d(Tensor x, int kh, int kw, int sh, int sw, int ph, int pw, boolean ceil,
                                   boolean withIndices) {
        int n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
        int oh = poolOut(h, kh, sh, ph, 1, ceil), ow = poolOut(w, kw, sw, pw, 1, ceil);
        float[] d = x.data();
        boolean inference = !Tensor.gradEnabled() && !withIndices;
        // inference writes every output value, so its array may come from the pool
        float[] y = inference ? BufferPool.take(n * c * oh * ow) : new float[n * c * oh * ow];
        if (inference) {
            // inference, no argmax bookkeeping: per output row, first the maximum over the window's
            // input rows (a vectorised pass over whole rows), then over each window's columns
            Parallel.forEach(n * c, pl -> {
                int xo = pl * h * w, yo = pl * oh * ow;
                float[] colMax = new float[w], next = new float[w];
                for (int oy = 0; oy < oh; oy++) {
                    int y0 = Math.max(oy * sh - ph, 0), y1 = Math.min(oy * sh - ph + kh, h);
                    int yr = yo + oy * ow;
                    if (y0 >= y1) {
                        java.util.Arrays.fill(y, yr, yr + ow, Float.NEGATIVE_INFINITY);
                        continue;
                    }
                    System.arraycopy(d, xo + y0 * w, colMax, 0, w);
                    for (int iy = y0 + 1; iy < y1; iy++) {
                        // copied to offset 0 first: C2 vectorises only when every array uses the same index
                        System.arraycopy(d, xo + iy * w, next, 0, w);
                        for (int ix = 0; ix < w; ix++) colMax[ix] = Math.max(colMax[ix], next[ix]);
                    }
                    for (int ox = 0; ox < ow; ox++) {
                        int xs = ox * sw - pw;
                        float m;
                        if (xs >= 0 && xs + kw <= w && kw == 3) {
                            m = Math.max(Math.max(colMax[xs], colMax[xs + 1]), colMax[xs + 2]);
                        } else if (xs >= 0 && xs + kw <= w && kw == 2) {
                            m = Math.max(colMax[xs], colMax[xs + 1]);
                        } else {
                            m = Float.NEGATIVE_INFINITY;
                            for (int ix = Math.max(xs, 0), x1 = Math.min(xs + kw, w); ix < x1; ix++) m = Math.max(m, colMax[ix]);
                        }
                        y[yr + ox] = m;
                    }
                }
            });
            return new Pooled(Tensor.of(y, n, c, oh, ow), null);
        }
        int[] idx = new int[y.length];
        if (kh == 2 && kw == 2 && sh == 2 && sw == 2 && ph == 0 && pw == 0 && 2 * oh <= h && 2 * ow <= w) {
            // LeNet/VGG's 2×2/2 windows without data-dependent branches (which of the four wins is
            // unpredictable, and the mispredictions cost 2× the work): the maximum, then the first
            // position equal to it; with a NaN, the last NaN, as PyTorch's (v > max || isnan(v)) loop
            Parallel.forEach(n * c, pl -> {
                int xo = pl * h * w, yo = pl * oh * ow;
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        int i0 = 2 * oy * w + 2 * ox, b0 = xo + i0;
                        float a0 = d[b0], a1 = d[b0 + 1], a2 = d[b0 + w], a3 = d[b0 + w + 1];
                        float m = Math.max(Math.max(a0, a1), Math.max(a2, a3));
                        int eq = (a0 == m ? 1 : 0) | (a1 == m ? 2 : 0) | (a2 == m ? 4 : 0) | (a3 == m ? 8 : 0);
                        int pos = eq != 0 ? Integer.numberOfTrailingZeros(eq)
                                : 31 - Integer.numberOfLeadingZeros((a0 != a0 ? 1 : 0) | (a1 != a1 ? 2 : 0)
                                        | (a2 != a2 ? 4 : 0) | (a3 != a3 ? 8 : 0));
                        int off = (pos & 1) + (pos >> 1) * w;
                        y[yo + oy * ow + ox] = d[b0 + off];
                        idx[yo + oy * ow + ox] = i0 + off;
                    }
                }
            });
        } else {
            Parallel.forEach(n * c, pl -> {
                int xo = pl * h * w, yo = pl * oh * ow;
                for (int oy = 0; oy < oh; oy++) {
                    int y0 = oy * sh - ph, y1 = Math.min(y0 + kh, h);
                    y0 = Math.max(y0, 0);
                    for (int ox = 0; ox < ow; ox++) {
                        int x0 = ox * sw - pw, x1 = Math.min(x0 + kw, w);
                        x0 = Math.max(x0, 0);
                        if (y1 - y0 == 3 && x1 - x0 == 3) {
                            // a whole 3×3 window (ResNet's stem pool): as the 2×2 path, the maximum,
                            // then the first position equal to it (a NaN: the last NaN) from bit
                            // masks instead of an unpredictable branch per value
                            int b = xo + y0 * w + x0;
                            float a0 = d[b], a1 = d[b + 1], a2 = d[b + 2];
                            float a3 = d[b + w], a4 = d[b + w + 1], a5 = d[b + w + 2];
                            float a6 = d[b + 2 * w], a7 = d[b + 2 * w + 1], a8 = d[b + 2 * w + 2];
                            float m = Math.max(Math.max(Math.max(Math.max(a0, a1), Math.max(a2, a3)),
                                    Math.max(Math.max(a4, a5), Math.max(a6, a7))), a8);
                            int eq = (a0 == m ? 1 : 0) | (a1 == m ? 2 : 0) | (a2 == m ? 4 : 0) | (a3 == m ? 8 : 0)
                                    | (a4 == m ? 16 : 0) | (a5 == m ? 32 : 0) | (a6 == m ? 64 : 0)
                                    | (a7 == m ? 128 : 0) | (a8 == m ? 256 : 0);
                            int t = eq != 0 ? Integer.numberOfTrailingZeros(eq)
                                    : 31 - Integer.numberOfLeadingZeros((a0 != a0 ? 1 : 0) | (a1 != a1 ? 2 : 0)
                                            | (a2 != a2 ? 4 : 0) | (a3 != a3 ? 8 : 0) | (a4 != a4 ? 16 : 0)
                                            | (a5 != a5 ? 32 : 0) | (a6 != a6 ? 64 : 0) | (a7 != a7 ? 128 : 0)
                                            | (a8 != a8 ? 256 : 0));
                            int bi = (y0 + t / 3) * w + x0 + t % 3;
                            y[yo + oy * ow + ox] = d[xo + bi];
                            idx[yo + oy * ow + ox] = bi;
                            continue;
                        }
                        float best = Float.NEGATIVE_INFINITY;
                        int bi = y0 * w + x0;
                        for (int iy = y0; iy < y1; iy++) {
                            for (int ix = x0; ix < x1; ix++) {
                                float v = d[xo + iy * w + ix];
                                if (v > best || v != v) { // a NaN wins and stays, as in PyTorch
                                    best = v;
                                    bi = iy * w + ix;
                                }
                            }
                        }
                        y[yo + oy * ow + ox] = best;
                        idx[yo + oy * ow + ox] = bi;
                    }
                }
            });
        }
        Tensor r = Tensor.result(y, new int[] {n, c, oh, ow}, x);
        if (r.requiresGrad()) {
            r.setBackward(() -> {
                float[] g = x.gradBuffer(), dy = r.grad();
                int op = oh * ow;
                // each plane's indices point into its own plane: planes are independent tasks
                Parallel.forEach(n * c, pl -> {
                    for (int q = 0; q < op; q++) g[pl * h * w + idx[pl * op + q]] += dy[pl * op + q];
                });
            });
        }
        return new Pooled(r, idx);
    }

    /** Average pooling; {@code countIncludePad} as PyTorch (divisor includes zero padding). */
    public static Tensor avgPool2d(Tensor x, int kh, int kw, int sh, int sw, int ph, int pw, boolean ceil,
                                   boolean countIncludePad) {
        int n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
        int oh = poolOut(h, kh, sh, ph, 1, ceil), ow = poolOut(w, kw, sw, pw, 1, ceil);
        int[] ys0 = new int[oh], ys1 = new int[oh], xs0 = new int[ow], xs1 = new int[ow];
        float[] ydiv = new float[oh], xdiv = new float[ow];
        for (int oy = 0; oy < oh; oy++) {
            int a = oy * sh - ph, b = Math.min(a + kh, h + ph);
            ydiv[oy] = countIncludePad ? b - a : 0;
            ys0[oy] = Math.max(a, 0);
            ys1[oy] = Math.min(b, h);
            if (!countIncludePad) ydiv[oy] = ys1[oy] - ys0[oy];
        }
        for (int ox = 0; ox < ow; ox++) {
            int a = ox * sw - pw, b = Math.min(a + kw, w + pw);
            xs0[ox] = Math.max(a, 0);
            xs1[ox] = Math.min(b, w);
            xdiv[ox] = countIncludePad ? b - a : xs1[ox] - xs0[ox];
        }
        return windowAverage(x, oh, ow, ys0, ys1, xs0, xs1, ydiv, xdiv);
    }

    /** Adaptive average pooling to oh×ow (bins [floor(i·H/oh), ceil((i+1)·H/oh))). */
    public static Tensor adaptiveAvgPool2d(Tensor x, int oh, int ow) {
        int h = x.size(2), w = x.size(3);
        int[] ys0 = new int[oh], ys1 = new int[oh], xs0 = new int[ow], xs1 = new int[ow];
        float[] ydiv = new float[oh], xdiv = new float[ow];
        for (int i = 0; i < oh; i++) {
            ys0[i] = (int) Math.floor((double) i * h / oh);
            ys1[i] = (int) Math.ceil((double) (i + 1) * h / oh);
            ydiv[i] = ys1[i] - ys0[i];
        }
        for (int i = 0; i < ow; i++) {
            xs0[i] = (int) Math.floor((double) i * w / ow);
            xs1[i] = (int) Math.ceil((double) (i + 1) * w / ow);
            xdiv[i] = xs1[i] - xs0[i];
        }
        return windowAverage(x, oh, ow, ys0, ys1, xs0, xs1, ydiv, xdiv);
    }

    private static Tensor windowAverage(Tensor x, int oh, int ow, int[] ys0, int[] ys1, int[] xs0, int[] xs1,
                                        float[] ydiv, float[] xdiv) {
        int n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
        float[] d = x.data();
        float[] y = new float[n * c * oh * ow];
        Parallel.forEach(n * c, pl -> {
            int xo = pl * h * w, yo = pl * oh * ow;
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    float s = 0;
                    for (int iy = ys0[oy]; iy < ys1[oy]; iy++) {
                        for (int ix = xs0[ox]; ix < xs1[ox]; ix++) s += d[xo + iy * w + ix];
                    }
                    y[yo + oy * ow + ox] = s / (ydiv[oy] * xdiv[ox]);
                }
            }
        });
        Tensor r = Tensor.result(y, new int[] {n, c, oh, ow}, x);
        if (r.requiresGrad()) {
            r.setBackward(() -> {
                float[] g = x.gradBuffer(), dy = r.grad();
                for (int pl = 0; pl < n * c; pl++) {
                    int xo = pl * h * w, yo = pl * oh * ow;
                    for (int oy = 0; oy < oh; oy++) {
                        for (int ox = 0; ox < ow; ox++) {
                            float v = dy[yo + oy * ow + ox] / (ydiv[oy] * xdiv[ox]);
                            for (int iy = ys0[oy]; iy < ys1[oy]; iy++) {
                                for (int ix = xs0[ox]; ix < xs1[ox]; ix++) g[xo + iy * w + ix] += v;
                            }
                        }
                    }
                }
            });
        }
        return r;
    }

    /** Inverse of max pooling: puts each value at its argmax index in an [N,C,oh,ow] zero map. */
    public static Tensor maxUnpool2d(Tensor x, int[] indices, int oh, int ow) {
        int n = x.size(0), c = x.size(1), p = x.size(2) * x.size(3);
        float[] d = x.data();
        float[] y = new float[n * c * oh * ow];
        for (int pl = 0; pl < n * c; pl++) {
            for (int q = 0; q < p; q++) {
                int t = indices[pl * p + q];
                if (t < 0 || t >= oh * ow) {
                    throw new IllegalArgumentException("max_unpool2d: index " + t + " outside " + oh + "x" + ow);
                }
                y[pl * oh * ow + t] = d[pl * p + q];
            }
        }
        Tensor r = Tensor.result(y, new int[] {n, c, oh, ow}, x);
        if (r.requiresGrad()) {
            r.setBackward(() -> {
                float[] g = x.gradBuffer(), dy = r.grad();
                for (int pl = 0; pl < n * c; pl++) {
                    for (int q = 0; q < p; q++) g[pl * p + q] += dy[pl * oh * ow + indices[pl * p + q]];
                }
            });
        }
        return r;
    }

    // ------------------------------------------------------------------ resampling

    /** Nearest-neighbour resize to oh×ow (source = floor(dst·in/out), PyTorch's 'nearest'). */
    public static Tensor upsampleNearest(Tensor x, int oh, int ow) {
        int h = x.size(2), w = x.size(3);
        int[] sy = new int[oh], sx = new int[ow];
        float scy = (float) h / oh, scx = (float) w / ow;
        for (int i = 0; i < oh; i++) sy[i] = Math.min((int) Math.floor(i * scy), h - 1);
        for (int i = 0; i < ow; i++) sx[i] = Math.min((int) Math.floor(i * scx), w - 1);
        return gatherInterp(x, oh, ow, sy, sy, new float[oh], sx, sx, new float[ow]);
    }

    /** Bilinear resize to oh×ow with PyTorch's align_corners semantics (both settings). */
    public static Tensor upsampleBilinear(Tensor x, int oh, int ow, boolean alignCorners) {
        int h = x.size(2), w = x.size(3);
        int[] y0 = new int[oh], y1 = new int[oh], x0 = new int[ow], x1 = new int[ow];
        float[] ly = new float[oh], lx = new float[ow];
        bilinearAxis(h, oh, alignCorners, y0, y1, ly);
        bilinearAxis(w, ow, alignCorners, x0, x1, lx);
        return gatherInterp(x, oh, ow, y0, y1, ly, x0, x1, lx);
    }

    private static void bilinearAxis(int in, int out, boolean align, int[] i0, int[] i1, float[] lam) {
        float scale = align ? (out > 1 ? (float) (in - 1) / (out - 1) : 0f) : (float) in / out;
        for (int i = 0; i < out; i++) {
            float src = align ? i * scale : Math.max(scale * (i + 0.5f) - 0.5f, 0f);
            int a = Math.min((int) Math.floor(src), in - 1);
            i0[i] = a;
            i1[i] = Math.min(a + 1, in - 1);
            lam[i] = src - a;
        }
    }

    /** One source row (starting at {@code r}) interpolated along x: p·d[x0] + q·d[x1] per output column. */
    private static void interpRow(float[] d, int r, int ow, int[] x0, int[] x1, float[] lx, float[] out) {
        for (int ox = 0; ox < ow; ox++) {
            float q = lx[ox], p = 1f - q;
            out[ox] = p * d[r + x0[ox]] + q * d[r + x1[ox]];
        }
    }

    private static Tensor gatherInterp(Tensor x, int oh, int ow, int[] y0, int[] y1, float[] ly,
                                       int[] x0, int[] x1, float[] lx) {
        int n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
        float[] d = x.data();
        float[] y = new float[n * c * oh * ow];
        // separable: each source row is interpolated along x once (not once per output row that
        // reads it), then pairs of those rows along y. The products and sums are the same ones,
        // in the same order, as a*(p*d00 + q*d01) + b*(p*d10 + q*d11), so the values are identical.
        // y0 and y1 never decrease, so two row buffers suffice.
        Parallel.forEach(n * c, pl -> {
            int xo = pl * h * w, yo = pl * oh * ow;
            float[] lo = new float[ow], hi = new float[ow], row = new float[ow];
            int il = -1, ih = -1;
            for (int oy = 0; oy < oh; oy++) {
                int u = y0[oy], v = y1[oy];
                if (u != il) {
                    if (u == ih) {
                        float[] t = lo;
                        lo = hi;
                        hi = t;
                        ih = il;
                    } else {
                        interpRow(d, xo + u * w, ow, x0, x1, lx, lo);
                    }
                    il = u;
                }
                float[] up;
                if (v == il) {
                    up = lo;
                } else {
                    if (v != ih) {
                        interpRow(d, xo + v * w, ow, x0, x1, lx, hi);
                        ih = v;
                    }
                    up = hi;
                }
                float b = ly[oy], a = 1f - b;
                for (int ox = 0; ox < ow; ox++) row[ox] = a * lo[ox] + b * up[ox];
                System.arraycopy(row, 0, y, yo + oy * ow, ow);
            }
        });
        Tensor r = Tensor.result(y, new int[] {n, c, oh, ow}, x);
        if (r.requiresGrad()) {
            r.setBackward(() -> {
                float[] g = x.gradBuffer(), dy = r.grad();
                // planes in fixed blocks over the threads: each plane's gradient reads only its own
                // dy plane, in the same order as serially (serial, the FPN's top-down resizes were
                // 1 % of a Mask R-CNN step with the second thread idle)
                int planes = n * c, per = Math.max(1, (1 << 14) / Math.max(1, oh * ow));
                Parallel.forEach((planes + per - 1) / per, blk -> {
                    for (int pl = blk * per, end = Math.min(planes, pl + per); pl < end; pl++) {
                        int xo = pl * h * w, yo = pl * oh * ow;
                        for (int oy = 0; oy < oh; oy++) {
                            float b = ly[oy], a = 1f - b;
                            int r0 = xo + y0[oy] * w, r1 = xo + y1[oy] * w;
                            for (int ox = 0; ox < ow; ox++) {
                                float q = lx[ox], p = 1f - q, v = dy[yo + oy * ow + ox];
                                g[r0 + x0[ox]] += a * p * v;
                                g[r0 + x1[ox]] += a * q * v;
                                g[r1 + x0[ox]] += b * p * v;
                                g[r1 + x1[ox]] += b * q * v;
                            }
                        }
                    }
                });
            });
        }
        return r;
    }

    // ------------------------------------------------------------------ normalisation

    /**
     * Batch normalisation over [N,C] or [N,C,H,W] per channel. In training the batch statistics
     * normalise and the running ones are updated in place (unbiased variance, PyTorch's
     * momentum convention); otherwise the running statistics normalise.
     */
    public static Tensor batchNorm(Tensor x, float[] runMean, float[] runVar, Tensor weight, Tensor bias,
                                   boolean training, float momentum, float eps) {
        int n = x.size(0), c = x.size(1);
        int p = x.numel() / (n * c);
        float[] d = x.data();
        float[] mean = new float[c], invStd = new float[c];
        batchNormStats(d, n, c, p, runMean, runVar, training, momentum, eps, mean, invStd);
        float[] wd = weight == null ? null : weight.data(), bd = bias == null ? null : bias.data();
        float[] y = new float[d.length];
        // x̂ is recomputed in backward from x, mean and 1/σ rather than stored: one array less
        // to write and keep per BatchNorm
        Parallel.forEach(n * c, pl -> {
            int ch = pl % c, o = pl * p;
            float m = mean[ch], is = invStd[ch];
            float sc = wd == null ? 1f : wd[ch], sh = bd == null ? 0f : bd[ch];
            for (int q = 0; q < p; q++) {
                float xh = (d[o + q] - m) * is;
                y[o + q] = xh * sc + sh;
            }
        });
        Tensor r = Tensor.result(y, x.shape(), x, weight, bias);
        if (r.requiresGrad()) {
            r.setBackward(() -> {
                float[] dy = r.grad();
                float[] g = x.requiresGrad() ? x.gradBuffer() : null;
                float[] gw = weight != null && weight.requiresGrad() ? weight.gradBuffer() : null;
                float[] gb = bias != null && bias.requiresGrad() ? bias.gradBuffer() : null;
                Parallel.forEach(c, ch -> {
                    double[] sums = channelSums(d, dy, n, c, ch, p, mean[ch]);
                    double sdy = sums[0], sdyx = sums[1] * invStd[ch];
                    if (gw != null) gw[ch] += (float) sdyx;
                    if (gb != null) gb[ch] += (float) sdy;
                    if (g == null) return;
                    float sc = wd == null ? 1f : wd[ch], is = invStd[ch];
                    if (training) {
                        int cnt = n * p;
                        float mdy = (float) (sdy / cnt), mdyx = (float) (sdyx / cnt), m = mean[ch];
                        for (int i = 0; i < n; i++) {
                            int o = (i * c + ch) * p;
                            for (int q = 0; q < p; q++) {
                                g[o + q] += sc * is * (dy[o + q] - mdy - (d[o + q] - m) * is * mdyx);
                            }
                        }
                    } else {
                        for (int i = 0; i < n; i++) {
                            int o = (i * c + ch) * p;
                            for (int q = 0; q < p; q++) g[o + q] += sc * is * dy[o + q];
                        }
                    }
                });
            });
        }
        return r;
    }

    /**
     * clamp(batchNorm(x) + residual, lo, hi) as one op (residual may be null; lo finite, hi may
     * be ∞): training's BatchNorm → ReLU/ReLU6 and ResNet's relu(bn2(·) + shortcut) without the
     * activation's and the sum's arrays and passes. Forward: the same float operations as
     * {@link #batchNorm}, {@link Tensor#add} and {@link #clamp} one after the other, so the values
     * are identical. Backward: per channel, the activation's mask (from the output: y is inside
     * (lo, hi) exactly where the pre-activation was) is applied to the output's gradient in place
     * and added to the residual's, then BatchNorm's two passes read it while it is in cache; no
     * activation or sum gradient array is allocated.
     */
    public static Tensor batchNormAct(Tensor x, float[] runMean, float[] runVar, Tensor weight, Tensor bias,
                                      boolean training, float momentum, float eps, Tensor residual, float lo, float hi) {
        int n = x.size(0), c = x.size(1);
        int p = x.numel() / (n * c);
        if (residual != null && residual.numel() != x.numel()) {
            throw new IllegalArgumentException("batch_norm: residual " + residual + " does not fit the input " + x);
        }
        if (!Float.isFinite(lo)) {
            throw new IllegalArgumentException("batch_norm: activation's lower bound must be finite, got " + lo);
        }
        float[] d = x.data();
        float[] mean = new float[c], invStd = new float[c];
        batchNormStats(d, n, c, p, runMean, runVar, training, momentum, eps, mean, invStd);
        float[] wd = weight == null ? null : weight.data(), bd = bias == null ? null : bias.data();
        float[] res = residual == null ? null : residual.data();
        float[] y = new float[d.length];
        Parallel.forEach(n * c, pl -> {
            int ch = pl % c, o = pl * p;
            float m = mean[ch], is = invStd[ch];
            float sc = wd == null ? 1f : wd[ch], sh = bd == null ? 0f : bd[ch];
            if (res == null) {
                for (int q = o; q < o + p; q++) y[q] = Math.min(Math.max((d[q] - m) * is * sc + sh, lo), hi);
            } else {
                for (int q = o; q < o + p; q++) y[q] = Math.min(Math.max(((d[q] - m) * is * sc + sh) + res[q], lo), hi);
            }
        });
        Tensor r = residual == null ? Tensor.result(y, x.shape(), x, weight, bias)
                : Tensor.result(y, x.shape(), x, weight, bias, residual);
        if (r.requiresGrad()) {
            r.setBackward(() -> {
                float[] dy = r.grad();
                float[] g = x.requiresGrad() ? x.gradBuffer() : null;
                float[] gw = weight != null && weight.requiresGrad() ? weight.gradBuffer() : null;
                float[] gb = bias != null && bias.requiresGrad() ? bias.gradBuffer() : null;
                float[] gr = residual != null && residual.requiresGrad() ? residual.gradBuffer() : null;
                boolean relu = hi == Float.POSITIVE_INFINITY;
                Parallel.forEach(c, ch -> {
                    // the activation's mask applied to this channel's rows of the output gradient in
                    // place (only this closure reads it, and it is released after the backward pass)
                    // just before BatchNorm's passes read them; "0f +" as the activation's gradient
                    // array, which started at +0, so a −0 becomes +0
                    for (int i = 0; i < n; i++) {
                        int o = (i * c + ch) * p;
                        if (relu) {
                            for (int q = o; q < o + p; q++) dy[q] = 0f + dy[q] * stepMask(y[q] - lo);
                        } else {
                            for (int q = o; q < o + p; q++) dy[q] = y[q] > lo && y[q] < hi ? 0f + dy[q] : 0f;
                        }
                        if (gr != null) {
                            for (int q = o; q < o + p; q++) gr[q] += dy[q];
                        }
                    }
                    double[] sums = channelSums(d, dy, n, c, ch, p, mean[ch]);
                    double sdy = sums[0], sdyx = sums[1] * invStd[ch];
                    if (gw != null) gw[ch] += (float) sdyx;
                    if (gb != null) gb[ch] += (float) sdy;
                    if (g == null) return;
                    float sc = wd == null ? 1f : wd[ch], is = invStd[ch];
                    if (training) {
                        int cnt = n * p;
                        float mdy = (float) (sdy / cnt), mdyx = (float) (sdyx / cnt), m = mean[ch];
                        for (int i = 0; i < n; i++) {
                            int o = (i * c + ch) * p;
                            for (int q = 0; q < p; q++) {
                                g[o + q] += sc * is * (dy[o + q] - mdy - (d[o + q] - m) * is * mdyx);
                            }
                        }
                    } else {
                        for (int i = 0; i < n; i++) {
                            int o = (i * c + ch) * p;
                            for (int q = 0; q < p; q++) g[o + q] += sc * is * dy[o + q];
                        }
                    }
                });
            });
        }
        return r;
    }

    /**
     * Batch statistics of d [n, c, p] into mean and invStd (and the running statistics updated)
     * in training, the running ones otherwise; as {@link #batchNorm}.
     */
    private static void batchNormStats(float[] d, int n, int c, int p, float[] runMean, float[] runVar, boolean training,
                                       float momentum, float eps, float[] mean, float[] invStd) {
        if (!training) {
            for (int ch = 0; ch < c; ch++) {
                mean[ch] = runMean[ch];
                invStd[ch] = (float) (1.0 / Math.sqrt(runVar[ch] + eps));
            }
            return;
        }
        int cnt = n * p;
        Parallel.forEach(c, ch -> {
            // shifted by the channel's first value so Σx² − n·m² does not cancel badly
            float shiftV = d[ch * p];
            double[] sums = channelSums(d, null, n, c, ch, p, shiftV);
            double s = sums[0], s2 = sums[1];
            double ms = s / cnt;
            double m = shiftV + ms;
            double ss = Math.max(0, s2 - cnt * ms * ms);
            double var = ss / cnt;
            mean[ch] = (float) m;
            invStd[ch] = (float) (1.0 / Math.sqrt(var + eps));
            if (runMean != null) {
                runMean[ch] = (1 - momentum) * runMean[ch] + momentum * (float) m;
                runVar[ch] = (1 - momentum) * runVar[ch] + momentum * (float) (cnt > 1 ? ss / (cnt - 1) : var);
            }
        });
    }

    /** Per-thread rows of {@link #channelSums}: two accumulators and copies of one row of d and dy. */
    private static final ThreadLocal<float[][]> SUM_ROWS = ThreadLocal.withInitial(() -> new float[4][0]);

    /**
     * Sums over the n images and p positions of channel ch of d [n, c, p]: without dy,
     * {Σ (d − m), Σ (d − m)²}; with dy (same shape), {Σ dy, Σ dy·(d − m)}.
     *
     * <p>Why this shape: C2 does not vectorise a float reduction (it keeps the order of the
     * adds), so a running sum cost 1.3–1.8 ns a value. Instead the images are added row by row
     * into two p-long float rows, which is element-wise, and only those rows are reduced, in
     * double. Each image row is first copied to offset 0: C2 (Java 17) vectorises a loop over
     * several arrays only when all use the same index, as it cannot rule out that two of them
     * are one array. The order of the adds depends on the shape only.
     */
    static double[] channelSums(float[] d, float[] dy, int n, int c, int ch, int p, float m) {
        float[][] rows = SUM_ROWS.get();
        if (rows[0].length < p) {
            for (int r = 0; r < rows.length; r++) rows[r] = new float[p];
        }
        float[] a = rows[0], b = rows[1], x = rows[2], g = rows[3];
        java.util.Arrays.fill(a, 0, p, 0f);
        java.util.Arrays.fill(b, 0, p, 0f);
        for (int i = 0; i < n; i++) {
            int o = (i * c + ch) * p;
            System.arraycopy(d, o, x, 0, p);
            if (dy == null) {
                for (int q = 0; q < p; q++) {
                    float t = x[q] - m;
                    a[q] += t;
                    b[q] += t * t;
                }
            } else {
                System.arraycopy(dy, o, g, 0, p);
                for (int q = 0; q < p; q++) {
                    a[q] += g[q];
                    b[q] += g[q] * (x[q] - m);
                }
            }
        }
        double sa = 0, sb = 0;
        for (int q = 0; q < p; q++) {
            sa += a[q];
            sb += b[q];
        }
        return new double[] {sa, sb};
    }

    /** Σ over the n images and p positions of channel ch of d [n, c, p], as {@link #channelSums}. */
    static double channelSum(float[] d, int n, int c, int ch, int p) {
        float[][] rows = SUM_ROWS.get();
        if (rows[0].length < p) {
            for (int r = 0; r < rows.length; r++) rows[r] = new float[p];
        }
        float[] a = rows[0], x = rows[2];
        System.arraycopy(d, ch * p, a, 0, p);
        for (int i = 1; i < n; i++) {
            System.arraycopy(d, (i * c + ch) * p, x, 0, p);
            for (int q = 0; q < p; q++) a[q] += x[q];
        }
        double s = 0;
        for (int q = 0; q < p; q++) s += a[q];
        return s;
    }

    /**
     * Normalises groups of {@code groupSize} consecutive values (each group its own mean and
     * biased variance), then applies an affine per {@code affineIndex}: value index j within a
     * row of length {@code rowLen} uses weight[(j / affineStride) % affineLen]. Serves LayerNorm,
     * GroupNorm and InstanceNorm.
     */
    static Tensor groupedNorm(Tensor x, int groupSize, int rowLen, int affineStride, Tensor weight, Tensor bias,
                              float eps) {
        float[] d = x.data();
        int groups = d.length / groupSize;
        float[] y = new float[d.length], xhat = new float[d.length], inv = new float[groups];
        float[] wd = weight == null ? null : weight.data(), bd = bias == null ? null : bias.data();
        int affineLen = wd == null ? 1 : wd.length;
        Parallel.forEach(groups, gi -> {
            int o = gi * groupSize;
            double s = 0, ss = 0;
            for (int q = 0; q < groupSize; q++) s += d[o + q];
            double m = s / groupSize;
            for (int q = 0; q < groupSize; q++) {
                double t = d[o + q] - m;
                ss += t * t;
            }
            float is = (float) (1.0 / Math.sqrt(ss / groupSize + eps));
            inv[gi] = is;
            for (int q = 0; q < groupSize; q++) {
                int idx = o + q;
                float xh = (float) (d[idx] - m) * is;
                xhat[idx] = xh;
                int a = ((idx % rowLen) / affineStride) % affineLen;
                y[idx] = xh * (wd == null ? 1f : wd[a]) + (bd == null ? 0f : bd[a]);
            }
        });
        Tensor r = Tensor.result(y, x.shape(), x, weight, bias);
        if (r.requiresGrad()) {
            r.setBackward(() -> {
                float[] dy = r.grad();
                if (weight != null && weight.requiresGrad() || bias != null && bias.requiresGrad()) {
                    float[] gw = weight != null && weight.requiresGrad() ? weight.gradBuffer() : null;
                    float[] gb = bias != null && bias.requiresGrad() ? bias.gradBuffer() : null;
                    double[] sw = new double[affineLen], sb = new double[affineLen];
                    for (int idx = 0; idx < d.length; idx++) {
                        int a = ((idx % rowLen) / affineStride) % affineLen;
                        sw[a] += dy[idx] * xhat[idx];
                        sb[a] += dy[idx];
                    }
                    for (int a = 0; a < affineLen; a++) {
                        if (gw != null) gw[a] += (float) sw[a];
                        if (gb != null) gb[a] += (float) sb[a];
                    }
                }
                if (!x.requiresGrad()) return;
                float[] g = x.gradBuffer();
                Parallel.forEach(groups, gi -> {
                    int o = gi * groupSize;
                    double s1 = 0, s2 = 0;
                    float[] gh = new float[groupSize];
                    for (int q = 0; q < groupSize; q++) {
                        int idx = o + q;
                        int a = ((idx % rowLen) / affineStride) % affineLen;
                        gh[q] = dy[idx] * (wd == null ? 1f : wd[a]);
                        s1 += gh[q];
                        s2 += gh[q] * xhat[idx];
                    }
                    float m1 = (float) (s1 / groupSize), m2 = (float) (s2 / groupSize);
                    for (int q = 0; q < groupSize; q++) {
                        g[o + q] += inv[gi] * (gh[q] - m1 - xhat[o + q] * m2);
                    }
                });
            });
        }
        return r;
    }

    /** LayerNorm over the last {@code normalizedNumel} values; weight/bias have that many values. */
    public static Tensor layerNorm(Tensor x, int normalizedNumel, Tensor weight, Tensor bias, float eps) {
        return groupedNorm(x, normalizedNumel, normalizedNumel, 1, weight, bias, eps);
    }

    /** GroupNorm: [N,C,...] with C split into {@code groups}; weight/bias per channel. */
    public static Tensor groupNorm(Tensor x, int groups, Tensor weight, Tensor bias, float eps) {
        int c = x.size(1), p = x.numel() / (x.size(0) * c);
        return groupedNorm(x, c / groups * p, c * p, p, weight, bias, eps);
    }

    /**
     * Local response normalisation across channels (AlexNet):
     * b_c = a_c / (k + alpha/size · Σ_{c' in window} a_c'^2)^beta, window [c − size/2, c + (size−1)/2].
     */
    public static Tensor localResponseNorm(Tensor x, int size, float alpha, float beta, float k) {
        int n = x.size(0), c = x.size(1), p = x.numel() / (n * c);
        float[] d = x.data();
        float[] y = new float[d.length], den = new float[d.length];
        int lo = size / 2, hi = (size - 1) / 2;
        Parallel.forEach(n * c, pl -> {
            int i = pl / c, ch = pl % c;
            for (int q = 0; q < p; q++) {
                float s = 0;
                for (int cc = Math.max(0, ch - lo); cc <= Math.min(c - 1, ch + hi); cc++) {
                    float v = d[(i * c + cc) * p + q];
                    s += v * v;
                }
                int idx = pl * p + q;
                den[idx] = k + alpha / size * s;
                y[idx] = (float) (d[idx] * Math.pow(den[idx], -beta));
            }
        });
        Tensor r = Tensor.result(y, x.shape(), x);
        if (r.requiresGrad()) {
            r.setBackward(() -> {
                float[] g = x.gradBuffer(), dy = r.grad();
                // dy_c/dx_j = δ_cj den_c^-β − 2αβ/size · x_c x_j den_c^(−β−1) for j in c's window
                for (int i = 0; i < n; i++) {
                    for (int ch = 0; ch < c; ch++) {
                        for (int q = 0; q < p; q++) {
                            int idx = (i * c + ch) * p + q;
                            float dv = dy[idx];
                            g[idx] += (float) (dv * Math.pow(den[idx], -beta));
                            float coef = (float) (-2 * alpha * beta / size * dv * d[idx] * Math.pow(den[idx], -beta - 1));
                            for (int cc = Math.max(0, ch - lo); cc <= Math.min(c - 1, ch + hi); cc++) {
                                int j = (i * c + cc) * p + q;
                                g[j] += coef * d[j];
                            }
                        }
                    }
                }
            });
        }
        return r;
    }

    // ------------------------------------------------------------------ structure

    /**
     * Zero padding of [N,C,H,W] by (top, bottom, left, right) — PyTorch's
     * F.pad(x, (left, right, top, bottom)). Negative amounts crop. For TensorFlow's asymmetric
     * "SAME" padding: pad, then convolve with padding 0.
     */
    public static Tensor pad(Tensor x, int top, int bottom, int left, int right) {
        int n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
        int oh = h + top + bottom, ow = w + left + right;
        if (oh <= 0 || ow <= 0) {
            throw new IllegalArgumentException("pad: " + x + " by " + top + "," + bottom + "," + left + "," + right);
        }
        float[] d = x.data();
        float[] y = new float[n * c * oh * ow];
        int y0 = Math.max(0, -top), y1 = Math.min(h, oh - top), x0 = Math.max(0, -left), x1 = Math.min(w, ow - left);
        for (int pl = 0; pl < n * c; pl++) {
            for (int iy = y0; iy < y1; iy++) {
                if (x1 > x0) System.arraycopy(d, (pl * h + iy) * w + x0, y, (pl * oh + iy + top) * ow + x0 + left, x1 - x0);
            }
        }
        Tensor r = Tensor.result(y, new int[] {n, c, oh, ow}, x);
        if (r.requiresGrad()) {
            r.setBackward(() -> {
                float[] g = x.gradBuffer(), dy = r.grad();
                for (int pl = 0; pl < n * c; pl++) {
                    for (int iy = y0; iy < y1; iy++) {
                        int src = (pl * oh + iy + top) * ow + left, dst = (pl * h + iy) * w;
                        for (int ix = x0; ix < x1; ix++) g[dst + ix] += dy[src + ix];
                    }
                }
            });
        }
        return r;
    }

    /**
     * Rows {@code idx} of x along its first dimension (torch's {@code x[idx]} with an index
     * vector; repeats allowed): [len(idx), rest…]. The backward adds each row's gradient back
     * into the row it came from, in index order.
     */
    public static Tensor rows(Tensor x, int[] idx) {
        int n = x.size(0), row = x.numel() / Math.max(1, n);
        float[] d = x.data(), y = new float[idx.length * row];
        for (int i = 0; i < idx.length; i++) {
            if (idx[i] < 0 || idx[i] >= n) throw new IllegalArgumentException("rows: index " + idx[i] + " outside 0.." + (n - 1));
            System.arraycopy(d, idx[i] * row, y, i * row, row);
        }
        int[] shape = x.shape().clone();
        shape[0] = idx.length;
        Tensor r = Tensor.result(y, shape, x);
        if (r.requiresGrad()) {
            r.setBackward(() -> {
                float[] g = x.gradBuffer(), dy = r.grad();
                for (int i = 0; i < idx.length; i++) {
                    for (int q = 0; q < row; q++) g[idx[i] * row + q] += dy[i * row + q];
                }
            });
        }
        return r;
    }

    /** Concatenation along {@code dim} (shapes equal elsewhere). */
    public static Tensor concat(int dim, Tensor... xs) {
        int[] s = xs[0].shape();
        int dm = dim < 0 ? s.length + dim : dim;
        int outer = 1, inner = 1, total = 0;
        for (int i = 0; i < dm; i++) outer *= s[i];
        for (int i = dm + 1; i < s.length; i++) inner *= s[i];
        for (Tensor t : xs) {
            int[] ts = t.shape();
            for (int i = 0; i < s.length; i++) {
                if (i != dm && ts[i] != s[i]) {
                    throw new IllegalArgumentException("concat: " + Arrays.toString(ts) + " vs " + Arrays.toString(s));
                }
            }
            total += ts[dm];
        }
        int[] os = s.clone();
        os[dm] = total;
        float[] y = new float[Tensor.numel(os)];
        int[] offs = new int[xs.length];
        int acc = 0;
        for (int k = 0; k < xs.length; k++) {
            offs[k] = acc;
            acc += xs[k].size(dm);
        }
        final int fo = outer, fi = inner, ft = total;
        for (int k = 0; k < xs.length; k++) {
            int len = xs[k].size(dm) * fi;
            float[] d = xs[k].data();
            for (int o = 0; o < fo; o++) {
                System.arraycopy(d, o * len, y, (o * ft + offs[k]) * fi, len);
            }
        }
        Tensor r = Tensor.result(y, os, xs);
        if (r.requiresGrad()) {
            r.setBackward(() -> {
                float[] dy = r.grad();
                for (int k = 0; k < xs.length; k++) {
                    if (!xs[k].requiresGrad()) continue;
                    int len = xs[k].size(dm) * fi;
                    float[] g = xs[k].gradBuffer();
                    for (int o = 0; o < fo; o++) {
                        int src = (o * ft + offs[k]) * fi;
                        for (int q = 0; q < len; q++) g[o * len + q] += dy[src + q];
                    }
                }
            });
        }
        return r;
    }

    /** x [N,C,H,W] times a per-(image, channel) scale s [N,C] or [N,C,1,1] (squeeze-excitation). */
    public static Tensor scaleChannels(Tensor x, Tensor s) {
        int n = x.size(0), c = x.size(1), p = x.numel() / (n * c);
        if (s.numel() != n * c) {
            throw new IllegalArgumentException("scaleChannels: " + x + " by " + s);
        }
        float[] d = x.data(), sd = s.data();
        float[] y = new float[d.length];
        for (int pl = 0; pl < n * c; pl++) {
            float v = sd[pl];
            for (int q = 0; q < p; q++) y[pl * p + q] = d[pl * p + q] * v;
        }
        Tensor r = Tensor.result(y, x.shape(), x, s);
        if (r.requiresGrad()) {
            r.setBackward(() -> {
                float[] dy = r.grad();
                float[] gx = x.requiresGrad() ? x.gradBuffer() : null;
                float[] gs = s.requiresGrad() ? s.gradBuffer() : null;
                for (int pl = 0; pl < n * c; pl++) {
                    float acc = 0;
                    for (int q = 0; q < p; q++) {
                        if (gx != null) gx[pl * p + q] += dy[pl * p + q] * sd[pl];
                        acc += dy[pl * p + q] * d[pl * p + q];
                    }
                    if (gs != null) gs[pl] += acc;
                }
            });
        }
        return r;
    }
}
