package dev.cvkit.nn;

import java.lang.ref.SoftReference;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * Column caches (the im2col matrices {@link Conv} keeps from forward to backward) handed back
 * once their backward has run, for the next forward of the same size. A ResNet-20 training step
 * at batch 64 allocates about 430 MB of them, which the JVM would zero and G1 would treat as
 * humongous objects on every step. Every user overwrites the whole array before reading it, so
 * old contents never reach a result. Soft references: the GC may drop idle arrays.
 */
final class ColumnPool {
    private static final ConcurrentHashMap<Integer, ConcurrentLinkedDeque<SoftReference<float[]>>> FREE =
            new ConcurrentHashMap<>();

    private ColumnPool() {}

    /** An array of exactly n floats with arbitrary contents. */
    static float[] take(int n) {
        ConcurrentLinkedDeque<SoftReference<float[]>> q = FREE.get(n);
        if (q != null) {
            for (SoftReference<float[]> r; (r = q.poll()) != null; ) {
                float[] a = r.get();
                if (a != null) return a;
            }
        }
        return new float[n];
    }

    /** Returns an array no one reads any more. */
    static void give(float[] a) {
        FREE.computeIfAbsent(a.length, k -> new ConcurrentLinkedDeque<>()).push(new SoftReference<>(a));
    }
}
