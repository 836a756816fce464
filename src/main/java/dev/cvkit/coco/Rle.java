package dev.cvkit.coco;

import java.util.Arrays;
import java.util.List;

/**
 * A binary mask of {@code h×w} pixels as run lengths over the column-major pixel order, starting
 * with a run of zeros (possibly empty): counts {@code [z0, o0, z1, o1, ...]}. This is COCO's
 * RLE; the compressed string form is pycocotools' (LEB128-like, 6 bits per char, chars 48..111,
 * counts after the second stored as differences to the count two places before).
 *
 * <p>Counts are unsigned 32-bit in pycocotools; here they are {@code int}s and the readers
 * refuse masks above {@link #MAX_PIXELS}, so every count and area fits.
 */
public final class Rle {
    /** Masks larger than this are refused (keeps every count and area in an int). */
    public static final long MAX_PIXELS = Integer.MAX_VALUE;

    private final int h;
    private final int w;
    private final int[] counts;

    /** Takes ownership of {@code counts}. */
    Rle(int h, int w, int[] counts) {
        this.h = h;
        this.w = w;
        this.counts = counts;
    }

    /** An RLE from uncompressed counts (copied). */
    public static Rle ofCounts(int h, int w, int[] counts) {
        return new Rle(h, w, counts.clone());
    }

    public int height() { return h; }

    public int width() { return w; }

    /** A copy of the run lengths. */
    public int[] counts() { return counts.clone(); }

    int count(int i) { return counts[i]; }

    int runs() { return counts.length; }

    /** Encodes a column-major mask (index {@code x*h + y}; nonzero = foreground). */
    public static Rle encode(byte[] mask, int h, int w) {
        int n = h * w;
        if (mask.length != n) {
            throw new IllegalArgumentException("mask has " + mask.length + " bytes, expected " + n);
        }
        int[] out = new int[n + 1];
        int k = 0;
        int run = 0;
        boolean value = false;
        for (int i = 0; i < n; i++) {
            boolean v = mask[i] != 0;
            if (v != value) {
                out[k++] = run;
                run = 0;
                value = v;
            }
            run++;
        }
        out[k++] = run;
        return new Rle(h, w, Arrays.copyOf(out, k));
    }

    /** The column-major mask (0/1 bytes). Fails if the counts cover more than h×w pixels. */
    public byte[] decode() {
        byte[] mask = new byte[h * w];
        int pos = 0;
        byte v = 0;
        for (int c : counts) {
            if ((long) pos + c > mask.length) {
                throw new IllegalArgumentException("RLE counts cover more than " + h + "x" + w + " pixels");
            }
            Arrays.fill(mask, pos, pos + c, v);
            pos += c;
            v = (byte) (1 - v);
        }
        return mask;
    }

    /** Foreground pixel count (sum of the odd-indexed runs). */
    public long area() {
        long a = 0;
        for (int j = 1; j < counts.length; j += 2) {
            a += counts[j];
        }
        return a;
    }

    /** Sum of all runs: h×w for a well-formed RLE. */
    long coveredPixels() {
        long s = 0;
        for (int c : counts) {
            s += c;
        }
        return s;
    }

    /**
     * The tight box {@code [x, y, w, h]} around the foreground, as pycocotools computes it: a
     * trailing odd run is not looked at, a run crossing columns spans the full height, and an
     * RLE with fewer than two runs gives zeros.
     */
    public double[] toBbox() {
        int m = (counts.length / 2) * 2;
        if (m == 0) {
            return new double[4];
        }
        // int arithmetic is exact: counts cover at most MAX_PIXELS
        int xs = w;
        int ys = h;
        int xe = 0;
        int ye = 0;
        int cc = 0;
        for (int j = 0; j < m; j++) {
            int start = cc;
            cc += counts[j];
            if ((j & 1) == 0 || counts[j] == 0) {
                continue;
            }
            int xStart = start / h;
            int yStart = start - xStart * h;
            int xEnd = (cc - 1) / h;
            int yEnd = cc - 1 - xEnd * h;
            xs = Math.min(xs, xStart);
            xe = Math.max(xe, xEnd);
            if (xStart < xEnd) {
                ys = 0;
                ye = h - 1;
            } else {
                ys = Math.min(ys, yStart);
                ye = Math.max(ye, yEnd);
            }
        }
        // pycocotools subtracts in unsigned 32-bit: an RLE whose runs are all empty wraps around.
        return new double[] {xs, ys, (xe - xs + 1) & 0xFFFFFFFFL, (ye - ys + 1) & 0xFFFFFFFFL};
    }

    /** pycocotools' compressed string. */
    public String toCompressedString() {
        StringBuilder s = new StringBuilder(counts.length * 2);
        for (int i = 0; i < counts.length; i++) {
            long x = counts[i] & 0xFFFFFFFFL;
            if (i > 2) {
                x -= counts[i - 2] & 0xFFFFFFFFL;
            }
            boolean more = true;
            while (more) {
                int c = (int) (x & 0x1f);
                x >>= 5;
                more = (c & 0x10) != 0 ? x != -1 : x != 0;
                if (more) {
                    c |= 0x20;
                }
                s.append((char) (c + 48));
            }
        }
        return s.toString();
    }

    /**
     * Parses pycocotools' compressed string.
     *
     * @throws IllegalArgumentException for characters outside 48..111 or a value cut short
     */
    public static Rle fromCompressedString(String s, int h, int w) {
        char[] c = s.toCharArray();
        return new Rle(h, w, decodeCounts(c, 0, c.length));
    }

    /**
     * The run lengths of a compressed string given as {@code chars[off..off+len)} (so a JSON
     * parser's buffer can be decoded without making a String).
     *
     * @throws IllegalArgumentException for characters outside 48..111 or a value cut short
     */
    static int[] decodeCounts(char[] chars, int off, int len) {
        int[] out = new int[len];
        int m = 0;
        int p = off;
        int end = off + len;
        while (p < end) {
            long x = 0;
            int k = 0;
            boolean more = true;
            while (more) {
                if (p >= end) {
                    throw new IllegalArgumentException("compressed RLE string ends inside a value");
                }
                int c = chars[p] - 48;
                if (c < 0 || c > 63) {
                    throw new IllegalArgumentException("compressed RLE string has an invalid character '"
                            + chars[p] + "' at " + (p - off));
                }
                if (k > 6) {
                    throw new IllegalArgumentException("compressed RLE string has a value longer than 7 characters at " + (p - off));
                }
                x |= (long) (c & 0x1f) << (5 * k);
                more = (c & 0x20) != 0;
                p++;
                k++;
                if (!more && (c & 0x10) != 0) {
                    x |= -1L << (5 * k);
                }
            }
            if (m > 2) {
                x += out[m - 2] & 0xFFFFFFFFL;
            }
            out[m++] = (int) x;
        }
        return Arrays.copyOf(out, m);
    }

    /**
     * Union ({@code intersect=false}) or intersection of RLEs of the same size. One RLE is
     * returned as a copy; no RLEs give an empty 0×0 RLE; differing sizes give a 0×0 RLE, as in
     * pycocotools.
     */
    public static Rle merge(List<Rle> rles, boolean intersect) {
        if (rles.isEmpty()) {
            return new Rle(0, 0, new int[0]);
        }
        Rle first = rles.get(0);
        if (rles.size() == 1) {
            return new Rle(first.h, first.w, first.counts.clone());
        }
        int h = first.h;
        int w = first.w;
        int[] acc = first.counts.clone();
        int accLen = acc.length;
        for (int i = 1; i < rles.size(); i++) {
            Rle b = rles.get(i);
            if (b.h != h || b.w != w) {
                return new Rle(0, 0, new int[0]);
            }
            int[] out = new int[accLen + b.counts.length + 1];
            int m = 0;
            long ca = accLen > 0 ? acc[0] : 0;
            long cb = b.counts.length > 0 ? b.counts[0] : 0;
            boolean v = false;
            boolean va = false;
            boolean vb = false;
            int ia = 1;
            int ib = 1;
            long cc = 0;
            long ct = 1;
            while (ct > 0) {
                long c = Math.min(ca, cb);
                cc += c;
                ct = 0;
                ca -= c;
                if (ca == 0 && ia < accLen) {
                    ca = acc[ia++];
                    va = !va;
                }
                ct += ca;
                cb -= c;
                if (cb == 0 && ib < b.counts.length) {
                    cb = b.counts[ib++];
                    vb = !vb;
                }
                ct += cb;
                boolean vp = v;
                v = intersect ? va && vb : va || vb;
                if (v != vp || ct == 0) {
                    out[m++] = (int) cc;
                    cc = 0;
                }
            }
            acc = out;
            accLen = m;
        }
        return new Rle(h, w, Arrays.copyOf(acc, accLen));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Rle r && r.h == h && r.w == w && Arrays.equals(r.counts, counts);
    }

    @Override
    public int hashCode() { return 31 * (31 * h + w) + Arrays.hashCode(counts); }

    @Override
    public String toString() { return "Rle[" + h + "x" + w + ", " + toCompressedString() + "]"; }
}
