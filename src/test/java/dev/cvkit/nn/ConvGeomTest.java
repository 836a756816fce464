package dev.cvkit.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * im2col (including its bulk-copy path for stride 1 with output width = input width) against
 * the definition col[(ci·kh + ki)·kw + kj][oy·ow + ox] = x[ci][oy·sh − ph + ki·dh][ox·sw − pw + kj·dw]
 * (0 outside the image), written at an offset with a row stride wider than the image's columns.
 */
class ConvGeomTest {
    @Test
    void im2colMatchesDefinition() {
        Random r = new Random(3);
        int[][] cases = { // c, h, w, kh, kw, sh, sw, ph, pw, dh, dw
                {3, 8, 8, 3, 3, 1, 1, 1, 1, 1, 1},   // "same" 3×3: bulk path
                {2, 5, 9, 3, 5, 1, 1, 1, 2, 1, 1},   // same width, different height padding
                {2, 7, 7, 3, 3, 1, 1, 2, 2, 2, 2},   // dilated "same"
                {2, 4, 4, 5, 5, 1, 1, 2, 2, 1, 1},   // kernel wider than half the image
                {1, 3, 3, 7, 7, 1, 1, 3, 3, 1, 1},   // rows entirely in padding
                {2, 9, 9, 3, 3, 1, 1, 0, 0, 1, 1},   // valid conv: general path
                {2, 11, 10, 3, 3, 2, 2, 1, 1, 1, 1}, // strided: general path
                {1, 6, 40, 3, 3, 1, 1, 1, 1, 1, 1}}; // wide rows
        for (int[] cs : cases) {
            int c = cs[0], h = cs[1], w = cs[2], kh = cs[3], kw = cs[4], sh = cs[5], sw = cs[6];
            int ph = cs[7], pw = cs[8], dh = cs[9], dw = cs[10];
            int oh = ConvGeom.outSize(h, kh, sh, ph, dh), ow = ConvGeom.outSize(w, kw, sw, pw, dw);
            ConvGeom g = new ConvGeom(c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow);
            int p = oh * ow;
            for (int[] range : new int[][] {{0, p}, {1, p - 2}, {ow + 1, p}, {p / 3, 2 * p / 3}}) {
                check(g, range[0], range[1], r);
            }
        }
    }

    private static void check(ConvGeom g, int p0, int p1, Random r) {
        int c = g.c(), h = g.h(), w = g.w(), kh = g.kh(), kw = g.kw(), ow = g.ow();
        int xOff = 5, colOff = 7, ld = p1 - p0 + 3;
        float[] x = new float[xOff + c * h * w + 4];
        for (int i = 0; i < x.length; i++) x[i] = 1 + r.nextInt(1000);
        float[] expect = new float[colOff + g.rows() * ld + 2];
        Arrays.fill(expect, -1f);
        float[] col = expect.clone();
        for (int ci = 0; ci < c; ci++)
            for (int ki = 0; ki < kh; ki++)
                for (int kj = 0; kj < kw; kj++)
                    for (int q = p0; q < p1; q++) {
                        int oy = q / ow, ox = q % ow;
                        int iy = oy * g.sh() - g.ph() + ki * g.dh(), ix = ox * g.sw() - g.pw() + kj * g.dw();
                        boolean in = iy >= 0 && iy < h && ix >= 0 && ix < w;
                        expect[colOff + ((ci * kh + ki) * kw + kj) * ld + q - p0] =
                                in ? x[xOff + (ci * h + iy) * w + ix] : 0f;
                    }
        g.im2col(x, xOff, p0, p1, col, colOff, ld);
        assertArrayEquals(expect, col, g + " columns " + p0 + ".." + p1);
    }
}
