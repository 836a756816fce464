package dev.cvkit.structures;

import java.util.Arrays;

/**
 * The best {@code k} scores above a threshold, highest first, equal scores in index order (the
 * order a stable descending sort gives), without boxing or sorting every candidate: each
 * candidate is one long (its score's order-preserving bits, inverted, over its index), a
 * quickselect moves the best k to the front and only those are sorted. Decoders call it per
 * class (SSD) or per level (RetinaNet) over tens of thousands of candidates.
 */
public final class TopScores {
    private long[] keys = new long[0];

    /**
     * Indices {@code j} in [0, n) of {@code scores[offset + j] > threshold} (so never NaN), the
     * best {@code k}, into {@code out} from 0 by descending score (ties: lower j first; −0 below
     * +0, as {@link Float#compare}).
     *
     * @return how many were written (≤ k)
     */
    public int select(float[] scores, int offset, int n, float threshold, int k, int[] out) {
        if (keys.length < n) keys = new long[n];
        long[] key = keys;
        int m = 0;
        for (int j = 0; j < n; j++) {
            float s = scores[offset + j];
            if (s > threshold) {
                int bits = Float.floatToRawIntBits(s);
                int asc = bits ^ ((bits >> 31) & 0x7fffffff); // signed-int order == Float.compare order
                key[m++] = ((long) ~asc << 32) | j; // ~: descending; the low half breaks ties by index
            }
        }
        int take = Math.min(k, m);
        if (take < m) selectSmallest(key, m, take);
        Arrays.sort(key, 0, take);
        for (int t = 0; t < take; t++) out[t] = (int) key[t];
        return take;
    }

    /**
     * Rearranges a[0, n) so that its {@code k} smallest values (all distinct here) are in
     * [0, k): Hoare quickselect with a median-of-three pivot, and a sort of what is left after
     * 2·log2(n) rounds so an unlucky input cannot make it quadratic.
     */
    static void selectSmallest(long[] a, int n, int k) {
        int target = k - 1, lo = 0, hi = n - 1;
        int rounds = 2 * (32 - Integer.numberOfLeadingZeros(n));
        while (hi > lo) {
            if (rounds-- == 0) {
                Arrays.sort(a, lo, hi + 1);
                return;
            }
            int mid = (lo + hi) >>> 1;
            long x = a[lo], y = a[mid], z = a[hi];
            long pivot = Math.max(Math.min(x, y), Math.min(Math.max(x, y), z));
            int i = lo, j = hi;
            while (i <= j) {
                while (a[i] < pivot) i++;
                while (a[j] > pivot) j--;
                if (i <= j) {
                    long t = a[i];
                    a[i++] = a[j];
                    a[j--] = t;
                }
            }
            if (target <= j) hi = j;
            else if (target >= i) lo = i;
            else return;
        }
    }
}
