package dev.cvkit.nn;

/**
 * The geometry of a 2-D convolution over one image plane stack: {@code c} channels of
 * {@code h×w} input, a {@code kh×kw} kernel with stride, padding and dilation, giving
 * {@code oh×ow} outputs. im2col/col2im move between the image [c,h,w] and the column matrix
 * [c*kh*kw, oh*ow] (row r = (ci*kh + ki)*kw + kj, column p = oy*ow + ox).
 */
record ConvGeom(int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw, int oh, int ow) {

    static int outSize(int in, int k, int s, int p, int d) {
        return (in + 2 * p - d * (k - 1) - 1) / s + 1;
    }

    int rows() { return c * kh * kw; }

    int cols() { return oh * ow; }

    boolean isPointwise() {
        return kh == 1 && kw == 1 && sh == 1 && sw == 1 && ph == 0 && pw == 0 && oh == h && ow == w;
    }

    /** First output column ox whose input column ox·sw − pw + kj·dw is ≥ 0. */
    int oxLo(int kj) {
        int off = pw - kj * dw; // need ox·sw ≥ off
        return off <= 0 ? 0 : Math.min(ow, (off + sw - 1) / sw);
    }

    /** One past the last output column whose input column is < w. */
    int oxHi(int kj) {
        int lim = w - 1 + pw - kj * dw; // need ox·sw ≤ lim
        return lim < 0 ? 0 : Math.min(ow, lim / sw + 1);
    }

    /** Writes columns [p0, p1) of the column matrix for image {@code x[xOff..]} into col (ld = p1-p0). */
    void im2col(float[] x, int xOff, int p0, int p1, float[] col) {
        im2col(x, xOff, p0, p1, col, 0);
    }

    /** As above, writing the column matrix at {@code col[colOff..]}. */
    void im2col(float[] x, int xOff, int p0, int p1, float[] col, int colOff) {
        im2col(x, xOff, p0, p1, col, colOff, p1 - p0);
    }

    /** As above with row stride {@code ld} ≥ p1 − p0 (several images side by side). */
    void im2col(float[] x, int xOff, int p0, int p1, float[] col, int colOff, int ld) {
        if (sh == 1 && sw == 1 && ow == w) {
            im2colSame(x, xOff, p0, p1, col, colOff, ld);
            return;
        }
        int n = p1 - p0;
        boolean padded = ph > 0 || pw > 0 || (oh - 1) * sh + (kh - 1) * dh >= h || (ow - 1) * sw + (kw - 1) * dw >= w;
        // Narrow images: zero everything once (one vectorised fill) and copy the valid runs —
        // per-run zeroing would cost work per output row. Wide images: zero just the padding
        // runs, so the buffer is written once.
        boolean prefill = padded && ow < 32;
        for (int ci = 0; ci < c; ci++) {
            int plane = xOff + ci * h * w;
            for (int ki = 0; ki < kh; ki++) {
                for (int kj = 0; kj < kw; kj++) {
                    int base = colOff + ((ci * kh + ki) * kw + kj) * ld;
                    if (prefill) java.util.Arrays.fill(col, base, base + n, 0f);
                    int lo = oxLo(kj), hi = oxHi(kj);
                    if (lo >= hi && prefill) continue;
                    int shift = kj * dw - pw;
                    int oy = p0 / ow, ox = p0 % ow;
                    for (int q = 0; q < n; ) {
                        int run = Math.min(ow - ox, n - q);
                        int end = ox + run;
                        int iy = oy * sh - ph + ki * dh;
                        int dst = base + q - ox; // col index of output column ox' is dst + ox'
                        if (iy < 0 || iy >= h || lo >= hi) {
                            if (!prefill) java.util.Arrays.fill(col, dst + ox, dst + end, 0f);
                        } else {
                            int a = Math.max(ox, lo), b = Math.min(end, hi);
                            if (!prefill) {
                                for (int t = ox; t < Math.min(a, end); t++) col[dst + t] = 0f;
                                for (int t = Math.max(b, ox); t < end; t++) col[dst + t] = 0f;
                            }
                            int row = plane + iy * w + shift;
                            if (sw == 1) {
                                if (a < b) System.arraycopy(x, row + a, col, dst + a, b - a);
                            } else {
                                for (int t = a; t < b; t++) col[dst + t] = x[row + t * sw];
                            }
                        }
                        q += run;
                        ox = 0;
                        oy++;
                    }
                }
            }
        }
    }

    /**
     * Stride 1 with ow == w ("same" width, e.g. 3×3 padding 1): output pixel P then reads input
     * P + const for every column-matrix row, so each row is one bulk copy of the input plane
     * plus zeroing of the padded edge columns and rows, instead of one short copy per output
     * row (which dominated on 8–56 pixel wide maps). Writes exactly the general path's values.
     */
    private void im2colSame(float[] x, int xOff, int p0, int p1, float[] col, int colOff, int ld) {
        int n = p1 - p0;
        for (int ci = 0; ci < c; ci++) {
            int plane = xOff + ci * h * w;
            for (int ki = 0; ki < kh; ki++) {
                // output rows oy whose input row oy − ph + ki·dh lies in [0, h)
                int oy0 = Math.max(0, ph - ki * dh), oy1 = Math.min(oh, h + ph - ki * dh);
                for (int kj = 0; kj < kw; kj++) {
                    int base = colOff + ((ci * kh + ki) * kw + kj) * ld - p0; // col index of pixel P: base + P
                    int lo = oxLo(kj), hi = oxHi(kj);
                    // first and last valid pixel in [p0, p1): both read inside the plane
                    int a = Math.max(p0, oy0 * ow + lo), b = Math.min(p1, (oy1 - 1) * ow + hi);
                    if (oy0 >= oy1 || lo >= hi || a >= b) {
                        java.util.Arrays.fill(col, base + p0, base + p1, 0f);
                        continue;
                    }
                    java.util.Arrays.fill(col, base + p0, base + a, 0f);
                    java.util.Arrays.fill(col, base + b, base + p1, 0f);
                    int src = plane + (ki * dh - ph) * w + kj * dw - pw; // input index of pixel P: src + P
                    System.arraycopy(x, src + a, col, base + a, b - a);
                    if (lo > 0 || hi < ow) {
                        // the copy wrapped neighbouring input rows into the padded edge columns
                        for (int rs = a - a % ow; rs < b; rs += ow) {
                            for (int t = Math.max(rs, a), e = Math.min(rs + lo, b); t < e; t++) col[base + t] = 0f;
                            for (int t = Math.max(rs + hi, a), e = Math.min(rs + ow, b); t < e; t++) col[base + t] = 0f;
                        }
                    }
                }
            }
        }
    }

    /** Adds the column matrix (all columns, ld = oh*ow) back into image {@code x[xOff..]}. */
    void col2imAdd(float[] col, float[] x, int xOff) {
        int n = oh * ow;
        for (int ci = 0; ci < c; ci++) {
            int plane = xOff + ci * h * w;
            for (int ki = 0; ki < kh; ki++) {
                for (int kj = 0; kj < kw; kj++) {
                    int base = ((ci * kh + ki) * kw + kj) * n;
                    int lo = oxLo(kj), hi = oxHi(kj);
                    int shift = kj * dw - pw;
                    for (int oy = 0; oy < oh; oy++) {
                        int iy = oy * sh - ph + ki * dh;
                        if (iy < 0 || iy >= h) {
                            continue;
                        }
                        int row = plane + iy * w + shift;
                        int cb = base + oy * ow;
                        if (sw == 1) {
                            for (int ox = lo; ox < hi; ox++) x[row + ox] += col[cb + ox];
                        } else {
                            for (int ox = lo; ox < hi; ox++) x[row + ox * sw] += col[cb + ox];
                        }
                    }
                }
            }
        }
    }
}
