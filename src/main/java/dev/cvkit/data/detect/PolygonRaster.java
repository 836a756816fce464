package dev.cvkit.data.detect;

import java.util.Arrays;

/**
 * Fills a polygon into a mask: pixel (x, y) is inside when its centre (x + ½, y + ½) is inside
 * the polygon (even–odd rule). The generated masks and boxes are defined by this rule, so they
 * are exact for the pixels drawn.
 */
final class PolygonRaster {
    private PolygonRaster() {}

    /** Sets {@code mask[y·w + x] = value} for every pixel inside {@code xy}; returns the count set. */
    static int fill(double[] xy, int w, int h, int[] mask, int value) {
        int n = xy.length / 2, count = 0;
        double minY = Double.MAX_VALUE, maxY = -Double.MAX_VALUE;
        for (int k = 0; k < n; k++) {
            minY = Math.min(minY, xy[2 * k + 1]);
            maxY = Math.max(maxY, xy[2 * k + 1]);
        }
        int y0 = Math.max(0, (int) Math.floor(minY - 0.5)), y1 = Math.min(h - 1, (int) Math.ceil(maxY));
        double[] cross = new double[n];
        for (int y = y0; y <= y1; y++) {
            double sy = y + 0.5;
            int m = 0;
            for (int k = 0; k < n; k++) {
                double ax = xy[2 * k], ay = xy[2 * k + 1];
                double bx = xy[2 * ((k + 1) % n)], by = xy[2 * ((k + 1) % n) + 1];
                if ((ay <= sy) != (by <= sy)) cross[m++] = ax + (sy - ay) * (bx - ax) / (by - ay);
            }
            Arrays.sort(cross, 0, m);
            for (int p = 0; p + 1 < m; p += 2) {
                // centres x + ½ in [cross[p], cross[p+1])
                int xa = Math.max(0, (int) Math.ceil(cross[p] - 0.5)), xb = Math.min(w - 1, (int) Math.ceil(cross[p + 1] - 0.5) - 1);
                for (int x = xa; x <= xb; x++) {
                    mask[y * w + x] = value;
                    count++;
                }
            }
        }
        return count;
    }
}
