package dev.cvkit.tensor;

/**
 * Single-precision matrix multiply on row-major {@code float[]} matrices:
 * {@code C = alpha * op(A) * op(B) + beta * C}, op(A) is M×K, op(B) is K×N, C is M×N.
 * {@code A[aOff + i*lda + k]} (or transposed: {@code A[aOff + k*lda + i]}), likewise B and C.
 *
 * <p>Implementations compute in the calling thread only (no internal threading), so the
 * engine's deterministic task split in {@link Parallel} decides all parallelism.
 */
public interface Gemm {
    void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
               float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
               float beta, float[] c, int cOff, int ldc);

    /**
     * As above on off-heap operands (indices in floats from each buffer's start): no copies,
     * the form the convolution kernels use for their large operands.
     */
    void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
               NativeFloats a, int aOff, int lda, NativeFloats b, int bOff, int ldb,
               float beta, NativeFloats c, int cOff, int ldc);

    /** The fastest available backend: OpenBLAS if its natives load, else the Java reference. */
    static Gemm get() { return Backend.DEFAULT; }

    /** The naive Java reference (for tests and as a fallback). */
    static Gemm naive() { return NaiveGemm.INSTANCE; }

    /** Holder so the native library loads lazily, once. */
    final class Backend {
        static final Gemm DEFAULT = pick();

        private Backend() {}

        private static Gemm pick() {
            if (Boolean.getBoolean("cvkit.naiveGemm")) {
                return NaiveGemm.INSTANCE;
            }
            try {
                return new BlasGemm();
            } catch (Throwable t) {
                return NaiveGemm.INSTANCE;
            }
        }
    }
}
