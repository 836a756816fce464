package dev.cvkit.structures;

/**
 * torch 1.13's unstable descending sort on CPU ({@code tensor.sort(descending=True)}), whose
 * order of equal values matters where torchvision uses it (batched_nms above 1000 boxes). torch
 * runs the C++ standard library's {@code std::sort} (GNU libstdc++ on Linux: introsort with a
 * median-of-three pivot, heapsort past a depth of 2·log2(n), insertion sort of runs of 16) over
 * (value, index) pairs with "a before b iff a is NaN and b is not, or a > b". This class
 * performs that algorithm's steps, so equal values end up in the same order as torch's.
 */
final class TorchSort {
    private static final int THRESHOLD = 16;
    private final float[] v;
    private final int[] ix;

    private TorchSort(float[] values) {
        v = values.clone();
        ix = new int[values.length];
        for (int i = 0; i < ix.length; i++) ix[i] = i;
    }

    /** The permutation torch's {@code sort(descending=True)} returns for these values. */
    static int[] descendingIndices(float[] values) {
        TorchSort s = new TorchSort(values);
        int n = values.length;
        if (n > 1) {
            s.introsortLoop(0, n, 2 * (31 - Integer.numberOfLeadingZeros(n)));
            s.finalInsertionSort(0, n);
        }
        return s.ix;
    }

    /** Heapsort alone (introsort's fallback), for tests: a descending order, ties as the fallback leaves them. */
    static int[] heapSortedIndices(float[] values) {
        TorchSort s = new TorchSort(values);
        s.heapSort(0, values.length);
        return s.ix;
    }

    private static boolean before(float a, float b) {
        return (a != a && b == b) || a > b;
    }

    private boolean before(int i, int j) {
        return before(v[i], v[j]);
    }

    private void swap(int i, int j) {
        float t = v[i];
        v[i] = v[j];
        v[j] = t;
        int k = ix[i];
        ix[i] = ix[j];
        ix[j] = k;
    }

    private void introsortLoop(int first, int last, int depth) {
        while (last - first > THRESHOLD) {
            if (depth == 0) {
                heapSort(first, last);
                return;
            }
            depth--;
            int cut = partitionPivot(first, last);
            introsortLoop(cut, last, depth);
            last = cut;
        }
    }

    private int partitionPivot(int first, int last) {
        int mid = first + (last - first) / 2;
        medianToFirst(first, first + 1, mid, last - 1);
        // unguarded partition of [first + 1, last) around the pivot now at first
        int lo = first + 1, hi = last;
        while (true) {
            while (before(lo, first)) lo++;
            hi--;
            while (before(first, hi)) hi--;
            if (!(lo < hi)) return lo;
            swap(lo, hi);
            lo++;
        }
    }

    private void medianToFirst(int result, int a, int b, int c) {
        if (before(a, b)) {
            if (before(b, c)) swap(result, b);
            else if (before(a, c)) swap(result, c);
            else swap(result, a);
        } else if (before(a, c)) {
            swap(result, a);
        } else if (before(b, c)) {
            swap(result, c);
        } else {
            swap(result, b);
        }
    }

    private void finalInsertionSort(int first, int last) {
        if (last - first > THRESHOLD) {
            insertionSort(first, first + THRESHOLD);
            for (int i = first + THRESHOLD; i < last; i++) linearInsert(i);
        } else {
            insertionSort(first, last);
        }
    }

    private void insertionSort(int first, int last) {
        for (int i = first + 1; i < last; i++) {
            if (before(i, first)) {
                float val = v[i];
                int id = ix[i];
                System.arraycopy(v, first, v, first + 1, i - first);
                System.arraycopy(ix, first, ix, first + 1, i - first);
                v[first] = val;
                ix[first] = id;
            } else {
                linearInsert(i);
            }
        }
    }

    /** Moves the element at {@code last} down while it goes before its left neighbour (no bound check: a smaller element precedes). */
    private void linearInsert(int last) {
        float val = v[last];
        int id = ix[last];
        int next = last - 1;
        while (before(val, v[next])) {
            v[last] = v[next];
            ix[last] = ix[next];
            last = next;
            next--;
        }
        v[last] = val;
        ix[last] = id;
    }

    // ---- heapsort fallback (partial_sort(first, last, last) = make_heap + sort_heap)

    private void heapSort(int first, int last) {
        int len = last - first;
        if (len >= 2) {
            for (int parent = (len - 2) / 2; ; parent--) {
                adjustHeap(first, parent, len, v[first + parent], ix[first + parent]);
                if (parent == 0) break;
            }
        }
        while (last - first > 1) {
            last--;
            float val = v[last];
            int id = ix[last];
            v[last] = v[first];
            ix[last] = ix[first];
            adjustHeap(first, 0, last - first, val, id);
        }
    }

    private void adjustHeap(int first, int hole, int len, float val, int id) {
        int top = hole, child = hole;
        while (child < (len - 1) / 2) {
            child = 2 * (child + 1);
            if (before(first + child, first + child - 1)) child--;
            v[first + hole] = v[first + child];
            ix[first + hole] = ix[first + child];
            hole = child;
        }
        if ((len & 1) == 0 && child == (len - 2) / 2) {
            child = 2 * (child + 1);
            v[first + hole] = v[first + child - 1];
            ix[first + hole] = ix[first + child - 1];
            hole = child - 1;
        }
        // push_heap
        int parent = (hole - 1) / 2;
        while (hole > top && before(v[first + parent], val)) {
            v[first + hole] = v[first + parent];
            ix[first + hole] = ix[first + parent];
            hole = parent;
            parent = (hole - 1) / 2;
        }
        v[first + hole] = val;
        ix[first + hole] = id;
    }
}
