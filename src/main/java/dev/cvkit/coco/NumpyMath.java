package dev.cvkit.coco;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The few numpy operations whose exact floating-point behaviour the COCO numbers depend on,
 * so that cvkit's results are bit-identical to pycocotools' rather than merely close.
 */
final class NumpyMath {
    /** numpy reduces contiguous float64 arrays in buffers of this many elements. */
    private static final int BUFFER = 8192;
    /** Below this, numpy's pairwise sum is a plain 8-accumulator loop. */
    private static final int BLOCK = 128;

    private NumpyMath() {}

    /** {@code np.mean} of {@code a[0..n)}: buffered pairwise summation, then one division. */
    static double mean(double[] a, int n) {
        double total = 0;
        for (int lo = 0; lo < n; lo += BUFFER) {
            double part = pairwiseSum(a, lo, Math.min(BUFFER, n - lo));
            total = lo == 0 ? part : total + part;
        }
        return total / n;
    }

    /** numpy's pairwise summation (8 interleaved accumulators per block, halving above 128). */
    static double pairwiseSum(double[] a, int lo, int n) {
        if (n < 8) {
            double res = 0.;
            for (int i = 0; i < n; i++) {
                res += a[lo + i];
            }
            return res;
        }
        if (n <= BLOCK) {
            double r0 = a[lo];
            double r1 = a[lo + 1];
            double r2 = a[lo + 2];
            double r3 = a[lo + 3];
            double r4 = a[lo + 4];
            double r5 = a[lo + 5];
            double r6 = a[lo + 6];
            double r7 = a[lo + 7];
            int i;
            for (i = 8; i < n - (n % 8); i += 8) {
                r0 += a[lo + i];
                r1 += a[lo + i + 1];
                r2 += a[lo + i + 2];
                r3 += a[lo + i + 3];
                r4 += a[lo + i + 4];
                r5 += a[lo + i + 5];
                r6 += a[lo + i + 6];
                r7 += a[lo + i + 7];
            }
            double res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
            for (; i < n; i++) {
                res += a[lo + i];
            }
            return res;
        }
        int n2 = n / 2;
        n2 -= n2 % 8;
        return pairwiseSum(a, lo, n2) + pairwiseSum(a, lo + n2, n - n2);
    }

    /** Python's {@code '{:0.Nf}'.format(v)}: the exact binary value rounded half-to-even. */
    static String format(double v, int decimals) {
        return new BigDecimal(v).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
    }

    /**
     * Sorts {@code idx} so that {@code key} is descending, keeping equal keys in their given
     * order: numpy's {@code argsort(-key, kind='mergesort')}. Compares with {@code >} so that
     * -0.0 and 0.0 tie, as they do in numpy.
     */
    static void stableSortDescending(int[] idx, int from, int to, double[] key) {
        int n = to - from;
        if (n < 2) {
            return;
        }
        // short ranges are insertion-sorted inside mergeSort and never touch the buffer
        mergeSort(idx, from, to, key, n <= 24 ? null : new int[n]);
    }

    private static void mergeSort(int[] idx, int from, int to, double[] key, int[] tmp) {
        int n = to - from;
        if (n <= 24) {
            for (int i = from + 1; i < to; i++) {
                int v = idx[i];
                double kv = key[v];
                int j = i - 1;
                while (j >= from && kv > key[idx[j]]) {
                    idx[j + 1] = idx[j];
                    j--;
                }
                idx[j + 1] = v;
            }
            return;
        }
        int mid = (from + to) >>> 1;
        mergeSort(idx, from, mid, key, tmp);
        mergeSort(idx, mid, to, key, tmp);
        if (!(key[idx[mid]] > key[idx[mid - 1]])) {
            return; // already in order
        }
        System.arraycopy(idx, from, tmp, 0, mid - from);
        int i = 0;
        int iEnd = mid - from;
        int j = mid;
        int o = from;
        while (i < iEnd && j < to) {
            // take from the right only when strictly greater: keeps ties in order
            if (key[idx[j]] > key[tmp[i]]) {
                idx[o++] = idx[j++];
            } else {
                idx[o++] = tmp[i++];
            }
        }
        while (i < iEnd) {
            idx[o++] = tmp[i++];
        }
    }
}
