package dev.cvkit.nn;

import dev.cvkit.tensor.Gemm;
import dev.cvkit.tensor.NativeFloats;
import dev.cvkit.tensor.Parallel;

/**
 * The products of {@link Functional#linear} with the operands copied off-heap once per call
 * and shared by the tasks, and the backward's two products split over the threads.
 *
 * <p>Why: the {@code float[]} GEMM copies each call's operand windows in; with the batch split
 * in eight row blocks the whole weight was copied eight times per forward (a detector's
 * 6272 → 512 box head: 100 MB of copies per step), and the backward ran its two products on
 * one thread. Every split depends on the shape only, so results are bitwise identical for any
 * thread count.
 */
final class LinearKernel {
    /** Native scratch slots: shared operands (taken by the calling thread), per-task product. */
    private static final int X = 0, W = 1, DY = 3, PROD = 2;

    private LinearKernel() {}

    /**
     * Row blocks (by shape only): two from 512 rows, for a second thread. Smaller blocks made
     * thinner products: eight 64-row blocks ran a 512 × 6272 → 512 layer 25 % slower on one thread.
     */
    private static int blocks(int rows) {
        return rows >= 512 ? 2 : 1;
    }

    /** y [n, out] = x [n, in] · wᵀ + b (b may be null). */
    static void forward(float[] x, float[] w, float[] b, float[] y, int n, int in, int out) {
        forward(x, w, null, b, y, n, in, out);
    }

    /** As above; {@code wCached}: w already off-heap (inference's {@link InferenceWeights}), or null to copy it here. */
    static void forward(float[] x, float[] w, NativeFloats wCached, float[] b, float[] y, int n, int in, int out) {
        NativeFloats xN = NativeFloats.scratch(X, (long) n * in), wN = wCached;
        xN.put(0, x, 0, n * in);
        if (wN == null) {
            wN = NativeFloats.scratch(W, (long) out * in);
            wN.put(0, w, 0, out * in);
        }
        NativeFloats wOp = wN;
        int nb = blocks(n), step = (n + nb - 1) / nb;
        Gemm gemm = Gemm.get();
        Parallel.forEach(nb, t -> {
            int r0 = t * step, r1 = Math.min(n, r0 + step);
            if (r0 >= r1) return;
            NativeFloats prod = NativeFloats.scratch(PROD, (long) (r1 - r0) * out);
            gemm.sgemm(false, true, r1 - r0, out, in, 1f, xN, r0 * in, in, wOp, 0, in, 0f, prod, 0, out);
            prod.get(0, y, r0 * out, (r1 - r0) * out);
            if (b != null) {
                for (int i = r0; i < r1; i++) {
                    int o = i * out;
                    for (int j = 0; j < out; j++) y[o + j] += b[j];
                }
            }
        });
    }

    /**
     * dx [n, in] += dy · w and dw [out, in] += dyᵀ · x (either may be null): dx by row blocks
     * of the batch, dw by row blocks of the output features, all in one set of tasks.
     */
    static void backward(float[] x, float[] w, float[] dy, float[] dx, float[] dw, int n, int in, int out) {
        NativeFloats dyN = NativeFloats.scratch(DY, (long) n * out);
        dyN.put(0, dy, 0, n * out);
        NativeFloats wN = null, xN = null;
        if (dx != null) {
            wN = NativeFloats.scratch(W, (long) out * in);
            wN.put(0, w, 0, out * in);
        }
        if (dw != null) {
            xN = NativeFloats.scratch(X, (long) n * in);
            xN.put(0, x, 0, n * in);
        }
        int nx = dx == null ? 0 : blocks(n), nw = dw == null ? 0 : blocks(out);
        int xStep = nx == 0 ? 0 : (n + nx - 1) / nx, wStep = nw == 0 ? 0 : (out + nw - 1) / nw;
        Gemm gemm = Gemm.get();
        NativeFloats fw = wN, fx = xN;
        Parallel.forEach(nx + nw, t -> {
            if (t < nx) {
                int r0 = t * xStep, r1 = Math.min(n, r0 + xStep);
                if (r0 >= r1) return;
                NativeFloats prod = NativeFloats.scratch(PROD, (long) (r1 - r0) * in);
                gemm.sgemm(false, false, r1 - r0, in, out, 1f, dyN, r0 * out, out, fw, 0, in, 0f, prod, 0, in);
                addInto(prod, (r1 - r0) * in, dx, r0 * in);
            } else {
                int j0 = (t - nx) * wStep, j1 = Math.min(out, j0 + wStep);
                if (j0 >= j1) return;
                NativeFloats prod = NativeFloats.scratch(PROD, (long) (j1 - j0) * in);
                gemm.sgemm(true, false, j1 - j0, in, n, 1f, dyN, j0, out, fx, 0, in, 0f, prod, 0, in);
                addInto(prod, (j1 - j0) * in, dw, j0 * in);
            }
        });
    }

    /** dst[at + q] += src[q] for q < len, through a Java row so the add vectorises. */
    private static void addInto(NativeFloats src, int len, float[] dst, int at) {
        float[] row = Conv.scratch(3, Math.min(len, 1 << 14));
        for (int q0 = 0; q0 < len; q0 += row.length) {
            int m = Math.min(row.length, len - q0);
            src.get(q0, row, 0, m);
            int o = at + q0;
            for (int q = 0; q < m; q++) dst[o + q] += row[q];
        }
    }
}
