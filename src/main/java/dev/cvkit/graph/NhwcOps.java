package dev.cvkit.graph;

import dev.cvkit.tensor.Gemm;
import java.util.Arrays;

/**
 * The kernels of {@link TfGraph} on batch-1 NHWC values, with TensorFlow's semantics: 'SAME'
 * padding puts the odd pixel at the bottom/right, filters are HWIO (depthwise: H, W, C, 1;
 * transposed: H, W, O, I), bilinear resizing follows tf.image.resizeBilinear's source-index rule.
 * Every kernel runs in the calling thread: images are what run in parallel.
 */
public final class NhwcOps {
    private NhwcOps() {}

    /** Output size and leading padding of one spatial axis. */
    record Axis(int out, int padBefore) {
        static Axis of(int in, int k, int stride, boolean same) {
            if (same) {
                int out = (in + stride - 1) / stride;
                int total = Math.max((out - 1) * stride + k - in, 0);
                return new Axis(out, total / 2);
            }
            return new Axis(in < k ? 0 : (in - k) / stride + 1, 0);
        }
    }

    private static void requireImage(Value x, String op) {
        if (x.rank() != 4 || x.dim(0) != 1) {
            throw new IllegalArgumentException(op + " needs a [1, H, W, C] input, got " + x);
        }
    }

    /** Conv2D: x [1,H,W,C], filter [kh,kw,C,O] → [1,OH,OW,O], as im2col rows times the filter matrix. */
    static Value conv2d(Value x, Value filter, int sh, int sw, boolean same) {
        requireImage(x, "Conv2D");
        int h = x.dim(1), w = x.dim(2), c = x.dim(3);
        int kh = filter.dim(0), kw = filter.dim(1), o = filter.dim(3);
        if (filter.rank() != 4 || filter.dim(2) != c) {
            throw new IllegalArgumentException("Conv2D: filter " + filter + " does not fit input " + x);
        }
        Axis ay = Axis.of(h, kh, sh, same), ax = Axis.of(w, kw, sw, same);
        int oh = ay.out(), ow = ax.out(), rows = oh * ow, k = kh * kw * c;
        float[] out = new float[rows * o];
        float[] cols;
        if (kh == 1 && kw == 1 && sh == 1 && sw == 1) {
            cols = x.data(); // a 1×1 convolution is the image matrix [H·W, C] times the filter
        } else {
            cols = new float[rows * k];
            float[] src = x.data();
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    int row = (oy * ow + ox) * k;
                    for (int ky = 0; ky < kh; ky++) {
                        int iy = oy * sh + ky - ay.padBefore();
                        for (int kx = 0; kx < kw; kx++) {
                            int ix = ox * sw + kx - ax.padBefore();
                            if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                                System.arraycopy(src, (iy * w + ix) * c, cols, row + (ky * kw + kx) * c, c);
                            }
                        }
                    }
                }
            }
        }
        Gemm.get().sgemm(false, false, rows, o, k, 1f, cols, 0, k, filter.data(), 0, o, 0f, out, 0, o);
        return new Value(out, new int[] {1, oh, ow, o});
    }

    /** DepthwiseConv2dNative with channel multiplier 1: x [1,H,W,C], filter [kh,kw,C,1]. */
    static Value depthwise(Value x, Value filter, int sh, int sw, boolean same) {
        requireImage(x, "DepthwiseConv2dNative");
        int h = x.dim(1), w = x.dim(2), c = x.dim(3);
        int kh = filter.dim(0), kw = filter.dim(1);
        if (filter.rank() != 4 || filter.dim(2) != c || filter.dim(3) != 1) {
            throw new IllegalArgumentException("DepthwiseConv2dNative: filter " + filter + " does not fit input " + x + " (multiplier 1 only)");
        }
        Axis ay = Axis.of(h, kh, sh, same), ax = Axis.of(w, kw, sw, same);
        int oh = ay.out(), ow = ax.out();
        float[] src = x.data(), f = filter.data(), out = new float[oh * ow * c];
        for (int oy = 0; oy < oh; oy++) {
            for (int ox = 0; ox < ow; ox++) {
                int o = (oy * ow + ox) * c;
                for (int ky = 0; ky < kh; ky++) {
                    int iy = oy * sh + ky - ay.padBefore();
                    if (iy < 0 || iy >= h) {
                        continue;
                    }
                    for (int kx = 0; kx < kw; kx++) {
                        int ix = ox * sw + kx - ax.padBefore();
                        if (ix < 0 || ix >= w) {
                            continue;
                        }
                        int s = (iy * w + ix) * c, t = (ky * kw + kx) * c;
                        for (int ch = 0; ch < c; ch++) {
                            out[o + ch] += src[s + ch] * f[t + ch];
                        }
                    }
                }
            }
        }
        return new Value(out, new int[] {1, oh, ow, c});
    }

    /**
     * Conv2DBackpropInput (a transposed convolution): x [1,H,W,C], filter [kh,kw,O,C], the output
     * size [1,OH,OW,O] given; the padding is that of the forward convolution from OH×OW to H×W.
     */
    static Value convTranspose(Value x, Value filter, int[] outSize, int sh, int sw, boolean same) {
        requireImage(x, "Conv2DBackpropInput");
        int h = x.dim(1), w = x.dim(2), c = x.dim(3);
        int kh = filter.dim(0), kw = filter.dim(1), o = filter.dim(2);
        if (filter.rank() != 4 || filter.dim(3) != c || outSize.length != 4 || outSize[3] != o) {
            throw new IllegalArgumentException("Conv2DBackpropInput: filter " + filter + " does not fit input " + x + " and size "
                    + Arrays.toString(outSize));
        }
        int oh = outSize[1], ow = outSize[2];
        Axis ay = Axis.of(oh, kh, sh, same), ax = Axis.of(ow, kw, sw, same);
        if (ay.out() != h || ax.out() != w) {
            throw new IllegalArgumentException("Conv2DBackpropInput: output " + Arrays.toString(outSize) + " does not reduce to input " + x);
        }
        float[] src = x.data(), f = filter.data(), out = new float[oh * ow * o];
        for (int iy = 0; iy < h; iy++) {
            for (int ix = 0; ix < w; ix++) {
                int s = (iy * w + ix) * c;
                for (int ky = 0; ky < kh; ky++) {
                    int oy = iy * sh + ky - ay.padBefore();
                    if (oy < 0 || oy >= oh) {
                        continue;
                    }
                    for (int kx = 0; kx < kw; kx++) {
                        int ox = ix * sw + kx - ax.padBefore();
                        if (ox < 0 || ox >= ow) {
                            continue;
                        }
                        int d = (oy * ow + ox) * o, t = (ky * kw + kx) * o * c;
                        for (int oc = 0; oc < o; oc++) {
                            float acc = 0;
                            for (int ch = 0; ch < c; ch++) {
                                acc += src[s + ch] * f[t + oc * c + ch];
                            }
                            out[d + oc] += acc;
                        }
                    }
                }
            }
        }
        return new Value(out, new int[] {1, oh, ow, o});
    }

    /** AvgPool with 'VALID' padding (every window lies inside the image). */
    static Value avgPool(Value x, int kh, int kw, int sh, int sw) {
        requireImage(x, "AvgPool");
        int h = x.dim(1), w = x.dim(2), c = x.dim(3);
        int oh = Axis.of(h, kh, sh, false).out(), ow = Axis.of(w, kw, sw, false).out();
        float[] src = x.data(), out = new float[oh * ow * c];
        double[] acc = new double[c];
        for (int oy = 0; oy < oh; oy++) {
            for (int ox = 0; ox < ow; ox++) {
                Arrays.fill(acc, 0);
                for (int iy = oy * sh; iy < oy * sh + kh; iy++) {
                    for (int ix = ox * sw; ix < ox * sw + kw; ix++) {
                        int s = (iy * w + ix) * c;
                        for (int ch = 0; ch < c; ch++) {
                            acc[ch] += src[s + ch];
                        }
                    }
                }
                int d = (oy * ow + ox) * c;
                for (int ch = 0; ch < c; ch++) {
                    out[d + ch] = (float) (acc[ch] / (kh * kw));
                }
            }
        }
        return new Value(out, new int[] {1, oh, ow, c});
    }

    /**
     * tf.image.resizeBilinear of [1,H,W,C] (or [H,W,C]) to oh×ow as the TF.js CPU kernel computes
     * it: source index r·scale (or (r + 0.5)·scale − 0.5 with half-pixel centres), scale
     * (in − 1)/(out − 1) with aligned corners, else in/out; interpolation in double, rounded to float.
     */
    public static Value resizeBilinear(Value x, int oh, int ow, boolean alignCorners, boolean halfPixel) {
        boolean batched = x.rank() == 4;
        if (batched) {
            requireImage(x, "ResizeBilinear");
        } else if (x.rank() != 3) {
            throw new IllegalArgumentException("ResizeBilinear needs [1, H, W, C] or [H, W, C], got " + x);
        }
        int h = x.dim(-3), w = x.dim(-2), c = x.dim(-1);
        float[] src = x.data(), dst = new float[oh * ow * c];
        double ry = scale(h, oh, alignCorners), rx = scale(w, ow, alignCorners);
        int[] x0 = new int[ow], x1 = new int[ow];
        double[] fx = new double[ow];
        for (int ox = 0; ox < ow; ox++) {
            double sx = halfPixel ? rx * (ox + 0.5) - 0.5 : rx * ox;
            x0[ox] = Math.max(0, (int) Math.floor(sx));
            x1[ox] = Math.min(w - 1, (int) Math.ceil(sx));
            fx[ox] = sx - x0[ox];
        }
        int o = 0;
        for (int oy = 0; oy < oh; oy++) {
            double sy = halfPixel ? ry * (oy + 0.5) - 0.5 : ry * oy;
            int y0 = Math.max(0, (int) Math.floor(sy));
            int y1 = Math.min(h - 1, (int) Math.ceil(sy));
            double fy = sy - y0;
            for (int ox = 0; ox < ow; ox++) {
                int tl = (y0 * w + x0[ox]) * c, tr = (y0 * w + x1[ox]) * c;
                int bl = (y1 * w + x0[ox]) * c, br = (y1 * w + x1[ox]) * c;
                for (int ch = 0; ch < c; ch++) {
                    double top = src[tl + ch] + (src[tr + ch] - (double) src[tl + ch]) * fx[ox];
                    double bottom = src[bl + ch] + (src[br + ch] - (double) src[bl + ch]) * fx[ox];
                    dst[o++] = (float) (top + (bottom - top) * fy);
                }
            }
        }
        return new Value(dst, batched ? new int[] {1, oh, ow, c} : new int[] {oh, ow, c});
    }

    private static double scale(int in, int out, boolean alignCorners) {
        return alignCorners && out > 1 ? (in - 1) / (double) (out - 1) : in / (double) out;
    }

    /** MatMul of rank-2 values, either side optionally transposed. */
    static Value matMul(Value a, Value b, boolean ta, boolean tb) {
        if (a.rank() != 2 || b.rank() != 2) {
            throw new IllegalArgumentException("MatMul needs rank-2 values, got " + a + " and " + b);
        }
        int m = ta ? a.dim(1) : a.dim(0), k = ta ? a.dim(0) : a.dim(1);
        int kb = tb ? b.dim(1) : b.dim(0), n = tb ? b.dim(0) : b.dim(1);
        if (k != kb) {
            throw new IllegalArgumentException("MatMul: " + a + " does not fit " + b);
        }
        float[] out = new float[m * n];
        Gemm.get().sgemm(ta, tb, m, n, k, 1f, a.data(), 0, a.dim(1), b.data(), 0, b.dim(1), 0f, out, 0, n);
        return new Value(out, new int[] {m, n});
    }

    /** ConcatV2 along {@code axis} (negative counts from the end). */
    static Value concat(Value[] parts, int axis) {
        int rank = parts[0].rank();
        int ax = axis < 0 ? rank + axis : axis;
        int[] shape = parts[0].shape().clone();
        shape[ax] = 0;
        for (Value p : parts) {
            if (p.rank() != rank) {
                throw new IllegalArgumentException("ConcatV2: ranks differ: " + parts[0] + " and " + p);
            }
            for (int d = 0; d < rank; d++) {
                if (d != ax && p.dim(d) != parts[0].dim(d)) {
                    throw new IllegalArgumentException("ConcatV2: " + parts[0] + " and " + p + " differ outside axis " + ax);
                }
            }
            shape[ax] += p.dim(ax);
        }
        int outer = 1, inner = 1;
        for (int d = 0; d < ax; d++) {
            outer *= shape[d];
        }
        for (int d = ax + 1; d < rank; d++) {
            inner *= shape[d];
        }
        int total = 1;
        for (int d : shape) {
            total *= d;
        }
        float[] out = new float[total];
        int row = shape[ax] * inner, at = 0;
        for (Value p : parts) {
            int len = p.dim(ax) * inner;
            for (int i = 0; i < outer; i++) {
                System.arraycopy(p.data(), i * len, out, i * row + at, len);
            }
            at += len;
        }
        return new Value(out, shape);
    }

    /** Reshape to {@code shape}; one dimension may be −1 (inferred). */
    static Value reshape(Value x, int[] shape) {
        int[] s = shape.clone();
        int known = 1, free = -1;
        for (int d = 0; d < s.length; d++) {
            if (s[d] == -1) {
                if (free >= 0) {
                    throw new IllegalArgumentException("Reshape: two -1 in " + Arrays.toString(shape));
                }
                free = d;
            } else {
                known *= s[d];
            }
        }
        if (free >= 0) {
            if (known == 0 || x.data().length % known != 0) {
                throw new IllegalArgumentException("Reshape: " + x + " cannot take shape " + Arrays.toString(shape));
            }
            s[free] = x.data().length / known;
        }
        return new Value(x.data(), s);
    }

    /** The element-wise binary ops. */
    enum Binary {
        ADD, SUB, MUL, DIV, MAX, MIN;

        float apply(float a, float b) {
            return switch (this) {
                case ADD -> a + b;
                case SUB -> a - b;
                case MUL -> a * b;
                case DIV -> a / b;
                case MAX -> Math.max(a, b);
                case MIN -> Math.min(a, b);
            };
        }
    }

    /** a op b with NumPy broadcasting (shapes aligned at the right, size-1 dimensions stretched). */
    static Value binary(Binary op, Value a, Value b) {
        float[] x = a.data(), y = b.data();
        if (Arrays.equals(a.shape(), b.shape())) {
            float[] out = new float[x.length];
            kernel(op, x, 0, 1, y, 0, 1, out, 0, out.length);
            return new Value(out, a.shape());
        }
        if (repeats(b, a) || repeats(a, b)) { // one side tiles the other: a scalar, a per-channel vector, a [1,1,1,C] gate
            boolean bSmall = repeats(b, a);
            float[] out = new float[bSmall ? x.length : y.length];
            int n = bSmall ? y.length : x.length;
            if (n == 1) {
                kernel(op, x, 0, bSmall ? 1 : 0, y, 0, bSmall ? 0 : 1, out, 0, out.length);
            } else {
                for (int base = 0; base < out.length; base += n) {
                    kernel(op, x, bSmall ? base : 0, 1, y, bSmall ? 0 : base, 1, out, base, n);
                }
            }
            return new Value(out, bSmall ? a.shape() : b.shape());
        }
        int rank = Math.max(a.rank(), b.rank());
        int[] shape = new int[rank], sa = new int[rank], sb = new int[rank];
        int[] da = pad(a.shape(), rank), db = pad(b.shape(), rank);
        for (int d = 0; d < rank; d++) {
            if (da[d] != db[d] && da[d] != 1 && db[d] != 1) {
                throw new IllegalArgumentException("cannot broadcast " + a + " with " + b);
            }
            shape[d] = Math.max(da[d], db[d]);
        }
        for (int d = rank - 1, ma = 1, mb = 1; d >= 0; d--) {
            sa[d] = da[d] == 1 ? 0 : ma;
            sb[d] = db[d] == 1 ? 0 : mb;
            ma *= da[d];
            mb *= db[d];
        }
        int total = 1;
        for (int d : shape) {
            total *= d;
        }
        float[] out = new float[total];
        int[] idx = new int[rank];
        int ia = 0, ib = 0;
        for (int i = 0; i < total; i++) {
            out[i] = op.apply(x[ia], y[ib]);
            for (int d = rank - 1; d >= 0; d--) { // odometer step over the output index
                idx[d]++;
                ia += sa[d];
                ib += sb[d];
                if (idx[d] < shape[d]) {
                    break;
                }
                ia -= sa[d] * shape[d];
                ib -= sb[d] * shape[d];
                idx[d] = 0;
            }
        }
        return new Value(out, shape);
    }

    /** out[oo + i] = x[xo + i·xs] op y[yo + i·ys] for i < n (strides 0 or 1), the op chosen once per call. */
    private static void kernel(Binary op, float[] x, int xo, int xs, float[] y, int yo, int ys, float[] out, int oo, int n) {
        switch (op) {
            case ADD -> {
                for (int i = 0; i < n; i++) out[oo + i] = x[xo + i * xs] + y[yo + i * ys];
            }
            case SUB -> {
                for (int i = 0; i < n; i++) out[oo + i] = x[xo + i * xs] - y[yo + i * ys];
            }
            case MUL -> {
                for (int i = 0; i < n; i++) out[oo + i] = x[xo + i * xs] * y[yo + i * ys];
            }
            default -> {
                for (int i = 0; i < n; i++) out[oo + i] = op.apply(x[xo + i * xs], y[yo + i * ys]);
            }
        }
    }

    /**
     * Whether {@code small} broadcast to {@code big} is {@code small} repeated end to end: its
     * shape, leading 1s dropped, equals {@code big}'s trailing dimensions.
     */
    private static boolean repeats(Value small, Value big) {
        int[] s = small.shape(), b = big.shape();
        int lead = 0;
        while (lead < s.length && s[lead] == 1) {
            lead++;
        }
        int k = s.length - lead;
        if (s.length > b.length) { // the result would gain dimensions: the general path shapes it
            return false;
        }
        for (int i = 0; i < k; i++) {
            if (s[lead + i] != b[b.length - k + i]) {
                return false;
            }
        }
        return true;
    }

    private static int[] pad(int[] shape, int rank) {
        int[] p = new int[rank];
        Arrays.fill(p, 1);
        System.arraycopy(shape, 0, p, rank - shape.length, shape.length);
        return p;
    }

    /** The element-wise unary ops; sigmoid and tanh in double like TF.js's CPU kernels, rounded to float. */
    enum Unary {
        RELU, RELU6, SIGMOID, TANH, SQUARE;

        float apply(float v) {
            return switch (this) {
                case RELU -> Math.max(v, 0f);
                case RELU6 -> Math.min(Math.max(v, 0f), 6f);
                case SIGMOID -> (float) (1 / (1 + Math.exp(-v)));
                case TANH -> (float) Math.tanh(v);
                case SQUARE -> v * v;
            };
        }
    }

    static Value unary(Unary op, Value x) {
        float[] d = x.data(), out = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = op.apply(d[i]);
        }
        return new Value(out, x.shape());
    }
}
