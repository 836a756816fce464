package dev.cvkit.tensor;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Activation arrays recycled during inference, so a model run over a folder of images does not
 * allocate (and the JVM does not zero, collect and keep resident) a fresh array per layer per
 * image. Fused inference ({@code Sequential}, the ResNet blocks) hands back intermediate outputs
 * that nothing can reach any more; the convolution and max-pool kernels take their outputs here.
 *
 * <p>Arrays come back with arbitrary contents: only kernels that overwrite every element take
 * from the pool. Exact-size buckets; at most {@link #CAP_FLOATS} floats are kept (beyond that
 * returned arrays are left to the GC).
 */
public final class BufferPool {
    /** 64 M floats = 256 MB: more than the live activations of resnet18 at batch 16. */
    static final long CAP_FLOATS = 64L << 20;
    private static final ConcurrentHashMap<Integer, ConcurrentLinkedDeque<float[]>> FREE = new ConcurrentHashMap<>();
    private static final AtomicLong KEPT = new AtomicLong();

    private BufferPool() {}

    /** An array of exactly n floats with arbitrary contents (every element must be written). */
    public static float[] take(int n) {
        ConcurrentLinkedDeque<float[]> q = FREE.get(n);
        float[] a = q == null ? null : q.poll();
        if (a == null) return new float[n];
        KEPT.addAndGet(-n);
        return a;
    }

    /** Returns an array that no tensor still in use refers to. */
    public static void give(float[] a) {
        if (KEPT.addAndGet(a.length) > CAP_FLOATS) {
            KEPT.addAndGet(-a.length);
            return;
        }
        FREE.computeIfAbsent(a.length, k -> new ConcurrentLinkedDeque<>()).push(a);
    }

    /** Gives back {@code dead}'s array unless {@code live} shares it (a reshape, an identity layer). */
    public static void release(Tensor dead, Tensor live) {
        if (dead != null && dead != live && dead.data() != live.data()) give(dead.data());
    }
}
