package dev.cvkit.nn;

import dev.cvkit.tensor.NativeFloats;

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

    /** Whether every tap of every output reads inside the input (no padding reached). */
    boolean insideInput() {
        return ph == 0 && pw == 0 && (oh - 1) * sh + (kh - 1) * dh < h && (ow - 1) * sw + (kw - 1) * dw < w;
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
        for (int row = 0, rows = rows(); row < rows; row++) {
            im2colRow(x, xOff, false, row, p0, p1, col, colOff + row * ld);
        }
    }

    /**
     * Rows [row0, row1) of the column matrix, columns [p0, p1), into off-heap memory (a GEMM
     * operand) at {@code col[colOff + row·ld]}: each row is built in a small Java buffer while it
     * is in L1 and stored with one bulk copy, so the native side sees no per-value writes.
     */
    void im2col(float[] x, int xOff, boolean decimated, int row0, int row1, int p0, int p1, NativeFloats col,
                int colOff, int ld) {
        int n = p1 - p0;
        float[] tmp = Conv.scratch(3, n);
        for (int row = row0; row < row1; row++) {
            im2colRow(x, xOff, decimated, row, p0, p1, tmp, 0);
            col.put(colOff + row * ld, tmp, 0, n);
        }
    }

    /** Width of one phase plane of the horizontally decimated input (see {@link #decimate}). */
    int phaseWidth() { return (w + sw - 1) / sw; }

    /** Floats of one image's decimated copy. */
    int decimatedSize() { return c * sw * h * phaseWidth(); }

    /**
     * For strided convolutions: xs[ci][phase][iy][j] = x[ci][iy][j·sw + phase] for the phases
     * and rows the kernel reads (the rest of xs is left as it was). A stride-sw tap
     * then reads a contiguous run of one phase plane, so im2col copies runs instead of gathering
     * every sw-th value (the gather was as slow as the GEMM for ResNet's 7×7/2 stem).
     */
    void decimate(float[] x, int xOff, float[] xs, int xsOff) {
        decimate(x, xOff, xs, xsOff, 0, c);
    }

    /** As above for channels [c0, c1) only (tasks of one image split by channel ranges). */
    void decimate(float[] x, int xOff, float[] xs, int xsOff, int c0, int c1) {
        // only the phases and rows some tap reads (a 1×1/2 convolution reads a quarter)
        boolean[] phase = new boolean[sw], row = new boolean[h];
        for (int kj = 0; kj < kw; kj++) phase[Math.floorMod(kj * dw - pw, sw)] = true;
        for (int oy = 0; oy < oh; oy++) {
            for (int ki = 0; ki < kh; ki++) {
                int iy = oy * sh - ph + ki * dh;
                if (iy >= 0 && iy < h) row[iy] = true;
            }
        }
        int wp = phaseWidth();
        for (int ci = c0; ci < c1; ci++) {
            for (int ph0 = 0; ph0 < sw; ph0++) {
                if (!phase[ph0]) continue;
                int dst = xsOff + (ci * sw + ph0) * h * wp;
                for (int iy = 0; iy < h; iy++) {
                    if (!row[iy]) continue;
                    int src = xOff + (ci * h + iy) * w + ph0, d = dst + iy * wp, j = 0;
                    for (; j * sw + ph0 < w; j++) xs[d + j] = x[src + j * sw];
                    for (; j < wp; j++) xs[d + j] = 0f;
                }
            }
        }
    }

    /**
     * Row {@code row} = (ci·kh + ki)·kw + kj of the column matrix, columns [p0, p1), into
     * dst[dstOff..]; with {@code decimated}, x[xOff..] is the image's {@link #decimate} copy.
     */
    void im2colRow(float[] x, int xOff, boolean decimated, int row, int p0, int p1, float[] dst, int dstOff) {
        int kj = row % kw, ki = (row / kw) % kh, ci = row / (kw * kh);
        int plane = xOff + ci * h * w;
        if (sh == 1 && sw == 1 && ow == w) {
            sameRow(x, plane, ki, kj, p0, p1, dst, dstOff);
            return;
        }
        int n = p1 - p0;
        int base = dstOff;
        // zero the row once (one vectorised fill) and copy the valid runs: per-run zeroing
        // would cost a call per output row. Without padding every value is copied: no fill.
        if (!insideInput()) java.util.Arrays.fill(dst, base, base + n, 0f);
        int lo = oxLo(kj), hi = oxHi(kj);
        if (lo >= hi) return;
        int shift = kj * dw - pw;
        int rowLen = w;
        if (decimated && sw > 1) {
            // input column ox·sw + shift = (ox + ⌊shift/sw⌋)·sw + (shift mod sw): phase plane, run offset
            int wp = phaseWidth();
            plane = xOff + (ci * sw + Math.floorMod(shift, sw)) * h * wp;
            shift = Math.floorDiv(shift, sw);
            rowLen = wp;
        }
        int oy = p0 / ow, ox = p0 % ow;
        for (int q = 0; q < n; ) {
            int run = Math.min(ow - ox, n - q);
            int end = ox + run;
            int iy = oy * sh - ph + ki * dh;
            if (iy >= 0 && iy < h) {
                int d = base + q - ox; // dst index of output column ox' is d + ox'
                int a = Math.max(ox, lo), b = Math.min(end, hi);
                int src = plane + iy * rowLen + shift;
                if (sw == 1 || decimated) {
                    if (a < b) System.arraycopy(x, src + a, dst, d + a, b - a);
                } else {
                    for (int t = a; t < b; t++) dst[d + t] = x[src + t * sw];
                }
            }
            q += run;
            ox = 0;
            oy++;
        }
    }

    /**
     * Stride 1 with ow == w ("same" width, e.g. 3×3 padding 1): output pixel P then reads input
     * P + const for every column-matrix row, so each row is one bulk copy of the input plane
     * plus zeroing of the padded edge columns and rows, instead of one short copy per output
     * row (which dominated on 8–56 pixel wide maps). Writes exactly the general path's values.
     */
    private void sameRow(float[] x, int plane, int ki, int kj, int p0, int p1, float[] dst, int dstOff) {
        int base = dstOff - p0; // dst index of pixel P: base + P
        // output rows oy whose input row oy − ph + ki·dh lies in [0, h)
        int oy0 = Math.max(0, ph - ki * dh), oy1 = Math.min(oh, h + ph - ki * dh);
        int lo = oxLo(kj), hi = oxHi(kj);
        // first and last valid pixel in [p0, p1): both read inside the plane
        int a = Math.max(p0, oy0 * ow + lo), b = Math.min(p1, (oy1 - 1) * ow + hi);
        if (oy0 >= oy1 || lo >= hi || a >= b) {
            java.util.Arrays.fill(dst, base + p0, base + p1, 0f);
            return;
        }
        java.util.Arrays.fill(dst, base + p0, base + a, 0f);
        java.util.Arrays.fill(dst, base + b, base + p1, 0f);
        int src = plane + (ki * dh - ph) * w + kj * dw - pw; // input index of pixel P: src + P
        System.arraycopy(x, src + a, dst, base + a, b - a);
        if (lo > 0 || hi < ow) {
            // the copy wrapped neighbouring input rows into the padded edge columns
            for (int rs = a - a % ow; rs < b; rs += ow) {
                for (int t = Math.max(rs, a), e = Math.min(rs + lo, b); t < e; t++) dst[base + t] = 0f;
                for (int t = Math.max(rs + hi, a), e = Math.min(rs + ow, b); t < e; t++) dst[base + t] = 0f;
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
