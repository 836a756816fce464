package dev.cvkit.tensor;

import java.nio.FloatBuffer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * GEMM through OpenBLAS {@code cblas_sgemm} (bytedeco presets) on off-heap buffers.
 *
 * <p>The {@code float[]} overloads of cblas_sgemm pin or copy the whole Java arrays on every call
 * (measured 20–40 % slower, DESIGN.md), and our operands are often small windows of large
 * tensors. So each thread keeps growable native scratch buffers, copies just the operand
 * windows in (bulk {@link FloatBuffer} puts), multiplies, and copies C back. OpenBLAS runs
 * single-threaded: parallelism comes from {@link Parallel}'s fixed task split, which keeps
 * results identical for any thread count.
 */
final class BlasGemm implements Gemm {
    private static final int ROW_MAJOR = 101;
    private static final int NO_TRANS = 111;
    private static final int TRANS = 112;

    private static final class Scratch {
        FloatPointer a, b, c;
        FloatBuffer fa, fb, fc;
        long na, nb, nc;
    }

    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    BlasGemm() {
        Loader.load(openblas_nolapack.class);
        openblas_nolapack.blas_set_num_threads(1);
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    int ci = cOff + i * ldc + j;
                    c[ci] = beta == 0f ? 0f : beta * c[ci];
                }
            }
            return;
        }
        Scratch s = scratch.get();
        int aRows = transA ? k : m, aCols = transA ? m : k;
        int bRows = transB ? n : k, bCols = transB ? k : n;
        ensure(s, (long) aRows * aCols, (long) bRows * bCols, (long) m * n);
        copyIn(a, aOff, lda, aRows, aCols, s.fa);
        copyIn(b, bOff, ldb, bRows, bCols, s.fb);
        if (beta != 0f) {
            copyIn(c, cOff, ldc, m, n, s.fc);
        }
        long t0 = GemmClock.isOn() ? System.nanoTime() : 0;
        openblas_nolapack.cblas_sgemm(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS,
                m, n, k, alpha, s.a, aCols, s.b, bCols, beta, s.c, n);
        if (t0 != 0) GemmClock.add(System.nanoTime() - t0, m, n, k);
        if (ldc == n) {
            s.fc.get(0, c, cOff, m * n);
        } else {
            for (int i = 0; i < m; i++) {
                s.fc.get(i * n, c, cOff + i * ldc, n);
            }
        }
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      NativeFloats a, int aOff, int lda, NativeFloats b, int bOff, int ldb,
                      float beta, NativeFloats c, int cOff, int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    int ci = cOff + i * ldc + j;
                    c.put(ci, beta == 0f ? 0f : beta * c.get(ci));
                }
            }
            return;
        }
        // views at the offsets (no native allocation; the buffers own the memory)
        long t0 = GemmClock.isOn() ? System.nanoTime() : 0;
        openblas_nolapack.cblas_sgemm(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS,
                m, n, k, alpha, at(a, aOff), lda, at(b, bOff), ldb, beta, at(c, cOff), ldc);
        if (t0 != 0) GemmClock.add(System.nanoTime() - t0, m, n, k);
    }

    private static FloatPointer at(NativeFloats f, int off) {
        return off == 0 ? f.pointer() : new FloatPointer(f.pointer()).position(off);
    }

    private static void copyIn(float[] src, int off, int ld, int rows, int cols, FloatBuffer dst) {
        if (ld == cols) {
            dst.put(0, src, off, rows * cols);
        } else {
            for (int r = 0; r < rows; r++) {
                dst.put(r * cols, src, off + r * ld, cols);
            }
        }
    }

    private static void ensure(Scratch s, long na, long nb, long nc) {
        if (s.na < na) {
            s.a = realloc(s.a, na);
            s.fa = s.a.asBuffer();
            s.na = na;
        }
        if (s.nb < nb) {
            s.b = realloc(s.b, nb);
            s.fb = s.b.asBuffer();
            s.nb = nb;
        }
        if (s.nc < nc) {
            s.c = realloc(s.c, nc);
            s.fc = s.c.asBuffer();
            s.nc = nc;
        }
    }

    private static FloatPointer realloc(FloatPointer old, long n) {
        if (old != null) {
            old.close();
        }
        // grow geometrically so a sequence of slightly larger calls does not reallocate each time
        return new FloatPointer(Math.max(n, 1L << 16) + n / 4);
    }
}
