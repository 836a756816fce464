package dev.cvkit.tensor;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.bytedeco.javacpp.FloatPointer;

/**
 * A growable off-heap float array that GEMM reads and writes in place.
 *
 * <p>Why: OpenBLAS needs native memory, and copying a whole im2col matrix from a Java array into
 * native scratch on every call was a full extra pass over the largest operand. Kernels that
 * build an operand (im2col, gathered gradients) write it here directly with bulk copies, and
 * read GEMM results back once, applying their epilogue on the way. Contents are arbitrary after
 * {@link #ensure}; every user writes what it reads.
 */
public final class NativeFloats {
    private static final float[] ZEROS = new float[4096];
    private static final ThreadLocal<NativeFloats[]> SCRATCH = ThreadLocal.withInitial(() -> new NativeFloats[8]);

    private FloatPointer ptr;
    private FloatBuffer buf;
    private long capacity;

    /** This thread's scratch array number {@code slot} (0–7), grown to at least n floats. */
    public static NativeFloats scratch(int slot, long n) {
        NativeFloats[] s = SCRATCH.get();
        if (s[slot] == null) s[slot] = new NativeFloats();
        return s[slot].ensure(n);
    }

    /** Grows (losing the contents) so at least n floats fit; geometric so slightly larger calls reuse it. */
    public NativeFloats ensure(long n) {
        if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("native buffer of " + n + " floats");
        if (capacity < n) allocate(Math.min(Integer.MAX_VALUE, Math.max(n, 1L << 16) + n / 4));
        return this;
    }

    /** Allocates exactly n floats (for long-lived buffers of a known size; losing the contents). */
    public NativeFloats ensureExactly(long n) {
        if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("native buffer of " + n + " floats");
        if (capacity != Math.max(1, n)) allocate(Math.max(1, n));
        return this;
    }

    private void allocate(long cap) {
        if (ptr != null) ptr.close();
        ptr = new FloatPointer(cap);
        buf = ptr.asByteBuffer().order(ByteOrder.nativeOrder()).asFloatBuffer();
        capacity = cap;
    }

    public long capacity() { return capacity; }

    /** Copies {@code len} floats from {@code src[off..]} to index {@code at}. */
    public void put(int at, float[] src, int off, int len) {
        buf.put(at, src, off, len);
    }

    public void put(int at, float v) {
        buf.put(at, v);
    }

    /** Writes {@code len} zeros from index {@code at}. */
    public void zero(int at, int len) {
        while (len > 0) {
            int m = Math.min(len, ZEROS.length);
            buf.put(at, ZEROS, 0, m);
            at += m;
            len -= m;
        }
    }

    /** Copies {@code len} floats from index {@code at} to {@code dst[off..]}. */
    public void get(int at, float[] dst, int off, int len) {
        buf.get(at, dst, off, len);
    }

    public float get(int at) {
        return buf.get(at);
    }

    /** The native pointer (for GEMM); positioned at 0. */
    FloatPointer pointer() { return ptr; }
}
