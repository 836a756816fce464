package dev.cvkit.nn;

import dev.cvkit.tensor.NativeFloats;
import java.lang.ref.SoftReference;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * Column caches (the im2col matrices {@link Conv} keeps from forward to backward, off-heap so the
 * GEMMs read them in place) handed back once their backward has run, for the next forward of the
 * same size. A ResNet-20 training step at batch 64 uses about 430 MB of them; allocating them
 * afresh every step would cost a native allocation and page faults each time. Every user
 * overwrites what it reads. Soft references: the GC may drop idle buffers (JavaCPP then frees
 * the native memory).
 */
final class ColumnPool {
    private static final ConcurrentHashMap<Long, ConcurrentLinkedDeque<SoftReference<NativeFloats>>> FREE =
            new ConcurrentHashMap<>();

    private ColumnPool() {}

    /** A buffer of at least n floats with arbitrary contents. */
    static NativeFloats take(long n) {
        ConcurrentLinkedDeque<SoftReference<NativeFloats>> q = FREE.get(n);
        if (q != null) {
            for (SoftReference<NativeFloats> r; (r = q.poll()) != null; ) {
                NativeFloats a = r.get();
                if (a != null) return a;
            }
        }
        return new NativeFloats().ensureExactly(n);
    }

    /** Returns a buffer no one reads any more, taken with {@link #take}(n). */
    static void give(NativeFloats a, long n) {
        FREE.computeIfAbsent(n, k -> new ConcurrentLinkedDeque<>()).push(new SoftReference<>(a));
    }
}
