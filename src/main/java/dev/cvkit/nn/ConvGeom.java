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

    /** Writes columns [p0, p1) of the column matrix for image {@code x[xOff..]} into col (ld = p1-p0). */
    void im2col(float[] x, int xOff, int p0, int p1, float[] col) {
        int n = p1 - p0;
        for (int ci = 0; ci < c; ci++) {
            int plane = xOff + ci * h * w;
            for (int ki = 0; ki < kh; ki++) {
                for (int kj = 0; kj < kw; kj++) {
                    int r = (ci * kh + ki) * kw + kj;
                    int base = r * n;
                    int oy = p0 / ow, ox = p0 % ow;
                    for (int q = 0; q < n; ) {
                        int iy = oy * sh - ph + ki * dh;
                        int run = Math.min(ow - ox, n - q);
                        if (iy < 0 || iy >= h) {
                            java.util.Arrays.fill(col, base + q, base + q + run, 0f);
                        } else {
                            int row = plane + iy * w;
                            int ix = ox * sw - pw + kj * dw;
                            for (int t = 0; t < run; t++, ix += sw) {
                                col[base + q + t] = (ix >= 0 && ix < w) ? x[row + ix] : 0f;
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

    /** Adds the column matrix (all columns, ld = oh*ow) back into image {@code x[xOff..]}. */
    void col2imAdd(float[] col, float[] x, int xOff) {
        int n = oh * ow;
        for (int ci = 0; ci < c; ci++) {
            int plane = xOff + ci * h * w;
            for (int ki = 0; ki < kh; ki++) {
                for (int kj = 0; kj < kw; kj++) {
                    int base = ((ci * kh + ki) * kw + kj) * n;
                    for (int oy = 0; oy < oh; oy++) {
                        int iy = oy * sh - ph + ki * dh;
                        if (iy < 0 || iy >= h) {
                            continue;
                        }
                        int row = plane + iy * w;
                        int cb = base + oy * ow;
                        int ix = -pw + kj * dw;
                        for (int ox = 0; ox < ow; ox++, ix += sw) {
                            if (ix >= 0 && ix < w) {
                                x[row + ix] += col[cb + ox];
                            }
                        }
                    }
                }
            }
        }
    }
}
