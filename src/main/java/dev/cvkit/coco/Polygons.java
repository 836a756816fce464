package dev.cvkit.coco;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Polygon and box rasterisation into {@link Rle}s, pixel for pixel as pycocotools does it: the
 * outline is traced on a 5× finer grid, and a pixel column gets foreground from the row where
 * the outline crosses the column's centre line. Coordinates are 0-indexed; a pixel (x, y) covers
 * [x, x+1)×[y, y+1), so the box [0, 0, 1, 1] covers exactly the first pixel.
 */
public final class Polygons {
    private static final double SCALE = 5;

    private Polygons() {}

    /**
     * One polygon {@code [x1, y1, x2, y2, ...]} into an {@code h×w} RLE. Uses the first
     * {@code floor(len/2)} points (an odd trailing number is ignored, as in pycocotools).
     */
    public static Rle fromPolygon(double[] xy, int h, int w) {
        int k = xy.length / 2;
        if (k < 1) {
            throw new IllegalArgumentException("a polygon needs at least one point");
        }
        int[] x = new int[k + 1];
        int[] y = new int[k + 1];
        for (int j = 0; j < k; j++) {
            x[j] = (int) (SCALE * xy[2 * j] + .5);
            y[j] = (int) (SCALE * xy[2 * j + 1] + .5);
        }
        x[k] = x[0];
        y[k] = y[0];
        long total = 0;
        long crossings = 0;
        for (int j = 0; j < k; j++) {
            long adx = Math.abs((long) x[j] - x[j + 1]);
            total += Math.max(adx, Math.abs((long) y[j] - y[j + 1])) + 1;
            crossings += adx / 5 + 2; // an edge crosses at most one column centre per 5 fine columns
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("polygon outline is too long (coordinates far outside any image)");
        }
        // The outline, traced on the fine grid (one step along the longer axis of each edge),
        // crosses a pixel column centre between two consecutive points whose fine columns u
        // differ (always by 1); pycocotools keeps x where (min(u)+.5)/5-.5 is a whole number,
        // i.e. min(u) = 5x+2, and the row ceil of (min(v)+.5)/5-.5 = (min(v)-2)/5, clamped to
        // [0, h]. Computed per edge in integers; only the set of crossings matters (they are
        // sorted next). Crossings where two edges meet always have min(u) < 0 (off the image).
        // Positions x*h+y fit an int: readers refuse masks above Rle.MAX_PIXELS.
        Crossings c = new Crossings((int) Math.min(total, crossings) + 1);
        for (int j = 0; j < k; j++) {
            int xs = x[j];
            int xe = x[j + 1];
            int ys = y[j];
            int ye = y[j + 1];
            int dx = Math.abs(xe - xs);
            int dy = Math.abs(ys - ye);
            boolean flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
            if (flip) {
                int t = xs;
                xs = xe;
                xe = t;
                t = ys;
                ys = ye;
                ye = t;
            }
            double s = dx >= dy ? (double) (ye - ys) / dx : (double) (xe - xs) / dy;
            if (dx >= dy) {
                // u = xs + t: between t-1 and t, min(u) = xs + t - 1; only every fifth t counts
                int first = Math.floorMod(3 - xs, 5);
                for (int t = first == 0 ? 5 : first; t <= dx; t += 5) {
                    long uu = (long) xs + t - 3;
                    if (uu < 0 || uu / 5 > w - 1) {
                        continue;
                    }
                    int v1 = (int) (ys + s * t + .5);
                    int v0 = (int) (ys + s * (t - 1) + .5);
                    c.add((int) (uu / 5), Math.min(v0, v1), h);
                }
            } else {
                // v = ys + t, u rounded: look for the steps where u changes
                int prev = (int) (xs + s * 0 + .5);
                for (int t = 1; t <= dy; t++) {
                    int u = (int) (xs + s * t + .5);
                    if (u != prev) {
                        long uu = (long) Math.min(u, prev) - 2;
                        if (uu >= 0 && uu % 5 == 0 && uu / 5 <= w - 1) {
                            c.add((int) (uu / 5), ys + t - 1, h);
                        }
                        prev = u;
                    }
                }
            }
        }
        int[] a = c.sorted(h, w);
        int count = a.length;
        int p = 0;
        for (int j = 0; j < count; j++) {
            int t = a[j];
            a[j] -= p;
            p = t;
        }
        // Crossings come in pairs; equal positions cancel (a zero run merges its neighbours).
        int[] b = new int[count];
        int j = 0;
        int outLen = 0;
        b[outLen++] = a[j++];
        while (j < count) {
            if (a[j] > 0) {
                b[outLen++] = a[j++];
            } else {
                j++;
                if (j < count) {
                    b[outLen - 1] += a[j++];
                }
            }
        }
        return new Rle(h, w, Arrays.copyOf(b, outLen));
    }

    /** Column-centre crossings of an outline: positions {@code col*h + row}, with their columns. */
    static final class Crossings {
        final int[] pos;
        final int[] col;
        int n;
        int minCol = Integer.MAX_VALUE;
        int maxCol = Integer.MIN_VALUE;

        Crossings(int capacity) {
            pos = new int[capacity];
            col = new int[capacity];
        }

        /** The crossing at pixel column {@code c} whose fine-grid row is {@code minV}. */
        void add(int c, int minV, int h) {
            // row = ceil((minV-2)/5) clamped to [0, h]
            int row = minV <= 2 ? 0 : (minV - 2) / 5 + ((minV - 2) % 5 != 0 ? 1 : 0);
            pos[n] = c * h + Math.min(row, h);
            col[n] = c;
            n++;
            minCol = Math.min(minCol, c);
            maxCol = Math.max(maxCol, c);
        }

        /** All positions plus the end marker {@code h*w}, ascending. */
        int[] sorted(int h, int w) {
            int[] out = new int[n + 1];
            if (n < 24) {
                System.arraycopy(pos, 0, out, 0, n);
                insertionSort(out, 0, n);
            } else {
                // counting sort by column over the polygon's own column range, then each column
                // by position (a column holds only a few crossings)
                int span = maxCol - minCol + 1;
                int[] start = new int[span + 1];
                for (int j = 0; j < n; j++) {
                    start[col[j] - minCol + 1]++;
                }
                for (int c = 0; c < span; c++) {
                    start[c + 1] += start[c];
                }
                int[] fill = Arrays.copyOf(start, span);
                for (int j = 0; j < n; j++) {
                    out[fill[col[j] - minCol]++] = pos[j];
                }
                for (int c = 0; c < span; c++) {
                    insertionSort(out, start[c], start[c + 1]);
                }
            }
            out[n] = h * w; // never below a crossing: col*h + row <= (w-1)*h + h
            return out;
        }
    }

    private static void insertionSort(int[] a, int from, int to) {
        for (int i = from + 1; i < to; i++) {
            int v = a[i];
            int k = i - 1;
            while (k >= from && a[k] > v) {
                a[k + 1] = a[k];
                k--;
            }
            a[k + 1] = v;
        }
    }

    /** The box {@code [x, y, w, h]} rasterised as the polygon of its four corners. */
    public static Rle fromBbox(double[] bb, int h, int w) {
        double xs = bb[0];
        double xe = xs + bb[2];
        double ys = bb[1];
        double ye = ys + bb[3];
        return fromPolygon(new double[] {xs, ys, xs, ye, xe, ye, xe, ys}, h, w);
    }

    /** An object made of several polygons: the union of their RLEs. */
    public static Rle fromPolygons(List<double[]> parts, int h, int w) {
        if (parts.size() == 1) {
            return fromPolygon(parts.get(0), h, w); // merging one RLE returns it unchanged
        }
        List<Rle> rles = new ArrayList<>(parts.size());
        for (double[] p : parts) {
            rles.add(fromPolygon(p, h, w));
        }
        return Rle.merge(rles, false);
    }
}
