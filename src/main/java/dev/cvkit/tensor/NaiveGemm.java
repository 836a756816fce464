package dev.cvkit.tensor;

/** The reference GEMM: three loops, float accumulation in k order. Slow, obviously right. */
final class NaiveGemm implements Gemm {
    static final NaiveGemm INSTANCE = new NaiveGemm();

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float s = 0;
                for (int p = 0; p < k; p++) {
                    float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    float bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    s += av * bv;
                }
                int ci = cOff + i * ldc + j;
                c[ci] = alpha * s + (beta == 0f ? 0f : beta * c[ci]);
            }
        }
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      NativeFloats a, int aOff, int lda, NativeFloats b, int bOff, int ldb,
                      float beta, NativeFloats c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float s = 0;
                for (int p = 0; p < k; p++) {
                    float av = transA ? a.get(aOff + p * lda + i) : a.get(aOff + i * lda + p);
                    float bv = transB ? b.get(bOff + j * ldb + p) : b.get(bOff + p * ldb + j);
                    s += av * bv;
                }
                int ci = cOff + i * ldc + j;
                c.put(ci, alpha * s + (beta == 0f ? 0f : beta * c.get(ci)));
            }
        }
    }
}
