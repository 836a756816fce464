package dev.cvkit.nn;

import dev.cvkit.tensor.Gemm;
import dev.cvkit.tensor.NativeFloats;
import dev.cvkit.tensor.Parallel;
import dev.cvkit.tensor.Tensor;

/**
 * Backward of the im2col + GEMM convolution with the GEMM operands off-heap (as
 * {@link ConvForward}): dY blocks and column matrices are written to native memory once, the
 * forward's column cache is read in place, and products are added into the Java gradients
 * while they are read back.
 *
 * <ul>
 *   <li>dW_g = Σ_i dY_{i,g} · cols_{i,g}^T, over fixed batch chunks (each chunk its own partial,
 *       partials summed in chunk order) — the forward's images-per-GEMM groups when it used them;
 *   <li>dX: stride-1 convolutions whose "full" convolution is no larger use im2col(dY) and the
 *       flipped kernel ({@code back}, {@code wt}); the rest W^T · dY and col2im.
 * </ul>
 * Batches under 4 images split each image's work instead. Every split depends on the shape only,
 * so gradients are bitwise identical for any thread count.
 */
final class ConvBackward {
    /** Native scratch slots. Shared by a call's tasks: W, flipped W, and the per-image path's buffers. */
    private static final int W = 0, WT = 4, SHARED_COLS = 6, SHARED_DY = 7, SHARED_DW = 2;
    /** Per task. */
    private static final int COLS = 1, DW = 2, DY = 3, DX = 5;

    private ConvBackward() {}

    /** The tensors and shapes of one convolution's backward. */
    record Job(float[] xd, float[] wdat, float[] dy, float[] dx, boolean needW, int n, int groups, int kg,
               ConvGeom geo, ConvGeom back, float[] wt, NativeFloats colCache, int multi) {
        // wt: the flipped kernel of the full-convolution input gradient (back), or null for
        // run() to build it when that gradient does not take Winograd
        int r() { return geo.rows(); }
        int p() { return geo.cols(); }
        int cg() { return geo.c(); }
        int hw() { return geo.h() * geo.w(); }
        int xStride() { return groups * geo.c() * hw(); }
        int yStride() { return groups * kg * p(); }
        int xOff(int i, int g) { return i * xStride() + g * geo.c() * hw(); }
        int yOff(int i, int g) { return i * yStride() + g * kg * p(); }
    }

    /** Runs the backward; adds dW into {@code dwg} (may be null) and dX into job.dx (may be null). */
    static void run(Job j, float[] dwg) {
        if (j.dx == null && !j.needW) return;
        if (j.needW && j.groups == 1 && ConvWinograd.appliesInTraining(j.geo, 1, j.n, j.kg)) {
            // the forward took Winograd (no column cache): its weight gradient too
            ConvWinograd.weightGrad(j.xd, j.dy, j.n, j.kg, j.geo, dwg);
            if (j.dx == null) return;
            j = new Job(j.xd, j.wdat, j.dy, j.dx, false, j.n, j.groups, j.kg, j.geo, j.back, j.wt, j.colCache, j.multi);
        }
        boolean winograd = j.dx != null && j.back != null && ConvWinograd.appliesInTraining(j.back, j.groups, j.n, j.cg());
        if (j.dx != null && j.back != null && j.wt == null && !winograd) {
            j = new Job(j.xd, j.wdat, j.dy, j.dx, j.needW, j.n, j.groups, j.kg, j.geo, j.back,
                    flipTranspose(j.wdat, j.groups, j.kg, j.cg(), j.geo.kh(), j.geo.kw()), j.colCache, j.multi);
        }
        if (winograd || j.dx != null && j.back != null && j.groups == 1 && ConvShifted.applies(j.back, 1)) {
            // dX = full convolution of dY with the flipped kernel, added into dx
            if (winograd) {
                ConvWinograd.runFlipped(j.dy, j.wdat, j.dx, j.n, j.cg(), j.back);
            } else {
                ConvShifted.run(j.dy, j.wt, null, j.dx, true, j.n, j.cg(), j.back, null);
            }
            if (!j.needW) return;
            j = new Job(j.xd, j.wdat, j.dy, null, true, j.n, j.groups, j.kg, j.geo, null, null, j.colCache, j.multi);
        }
        NativeFloats wN = null, wtN = null;
        if (j.dx != null && j.back == null) {
            wN = NativeFloats.scratch(W, j.wdat.length);
            wN.put(0, j.wdat, 0, j.wdat.length);
        }
        if (j.dx != null && j.back != null) {
            wtN = NativeFloats.scratch(WT, j.wt.length);
            wtN.put(0, j.wt, 0, j.wt.length);
        }
        if (j.n < 4) {
            perImage(j, dwg, wN, wtN);
        } else if (j.multi >= j.n && j.groups == 1) {
            wholeBatch(j, dwg, wN, wtN);
        } else {
            chunked(j, dwg, wN, wtN);
        }
    }

    /**
     * Per group: Wt[c][k][i][j] = W[g·kg + k][c][kh−1−i][kw−1−j], laid out [groups][cg][kg·kh·kw]
     * (the kernel of the input gradient as a full convolution). Built only when that runs
     * without Winograd, which reads W flipped in place; rows (g, c) in fixed blocks over the
     * threads (a copy: the split changes no value).
     */
    static float[] flipTranspose(float[] w, int groups, int kg, int cg, int kh, int kw) {
        int kk = kh * kw, rows = groups * cg;
        float[] t = new float[w.length];
        int per = Math.max(1, (1 << 15) / (kg * kk)), blocks = (rows + per - 1) / per;
        Parallel.forEach(blocks, b -> {
            for (int row = b * per, end = Math.min(rows, row + per); row < end; row++) {
                int g = row / cg, c = row % cg;
                for (int k = 0; k < kg; k++) {
                    int src = ((g * kg + k) * cg + c) * kk;
                    int dst = ((g * cg + c) * kg + k) * kk;
                    for (int q = 0; q < kk; q++) t[dst + q] = w[src + kk - 1 - q];
                }
            }
        });
        return t;
    }

    private static void chunked(Job j, float[] dwg, NativeFloats wN, NativeFloats wtN) {
        int n = j.n, r = j.r(), p = j.p(), kg = j.kg, groups = j.groups;
        int chunk = j.multi > 1 ? j.multi : Math.max(1, (n + 15) / 16);
        int nChunks = (n + chunk - 1) / chunk;
        float[][] partial = new float[j.needW ? nChunks : 0][];
        Parallel.forEach(nChunks, t -> {
            int i0 = t * chunk, bj = Math.min(chunk, n - i0);
            if (j.needW) {
                NativeFloats acc = NativeFloats.scratch(DW, j.wdat.length);
                if (j.multi > 1) {
                    // dW_g = [dY_i0 … dY_i0+bj−1] · [cols …]^T, the images side by side (ld = bj·p)
                    int ld = bj * p;
                    for (int g = 0; g < groups; g++) {
                        NativeFloats dyN = NativeFloats.scratch(DY, (long) kg * ld);
                        for (int b = 0; b < bj; b++) {
                            int yOff = j.yOff(i0 + b, g);
                            for (int kk = 0; kk < kg; kk++) dyN.put(kk * ld + b * p, j.dy, yOff + kk * p, p);
                        }
                        NativeFloats cols;
                        int off;
                        if (j.colCache != null) {
                            cols = j.colCache;
                            off = ConvForward.cacheOffset(i0, bj, g, groups, r, p);
                        } else {
                            cols = NativeFloats.scratch(COLS, (long) r * ld);
                            off = 0;
                            for (int b = 0; b < bj; b++) columns(j, i0 + b, g, cols, b * p, ld);
                        }
                        weightGemm(j, r, ld, dyN, 0, cols, off, 0f, acc, g, 0, weightRows(j));
                    }
                } else {
                    for (int i = i0; i < i0 + bj; i++) {
                        for (int g = 0; g < groups; g++) {
                            NativeFloats dyN = NativeFloats.scratch(DY, (long) kg * p);
                            dyN.put(0, j.dy, j.yOff(i, g), kg * p);
                            NativeFloats cols;
                            int off;
                            if (j.colCache != null) {
                                cols = j.colCache;
                                off = ConvForward.cacheOffset(i, 1, g, groups, r, p);
                            } else {
                                cols = NativeFloats.scratch(COLS, (long) r * p);
                                off = 0;
                                columns(j, i, g, cols, 0, p);
                            }
                            weightGemm(j, r, p, dyN, 0, cols, off, i == i0 ? 0f : 1f, acc, g, 0, weightRows(j));
                        }
                    }
                }
                float[] dwp = new float[j.wdat.length];
                readWeightGrad(j, acc, dwp);
                partial[t] = dwp;
            }
            if (j.dx != null) {
                for (int i = i0; i < i0 + bj; i++) {
                    for (int g = 0; g < groups; g++) inputGrad(j, i, g, 0, j.back != null ? j.hw() : p, wN, wtN);
                }
            }
        });
        if (j.needW) {
            for (float[] part : partial) Tensor.addInto(dwg, part);
        }
    }

    /**
     * The forward multiplied the whole batch in one GEMM (small maps: resnet18's 5×5 layer4 in the
     * R-CNN bench, 512 channels): {@link #chunked} would make that one task, a fifth of a Mask
     * R-CNN step's CPU on one thread while the other waited. Instead dW's rows are split into
     * fixed blocks (each block one GEMM over all the images, as the single chunk summed them) and
     * dX into images, all in one set of tasks. By shape only.
     */
    private static void wholeBatch(Job j, float[] dwg, NativeFloats wN, NativeFloats wtN) {
        int n = j.n, r = j.r(), p = j.p(), kg = j.kg, ld = n * p;
        NativeFloats acc = null, dyN = null, cols = null;
        int colOff = 0;
        if (j.needW) {
            acc = NativeFloats.scratch(SHARED_DW, j.wdat.length);
            dyN = NativeFloats.scratch(SHARED_DY, (long) kg * ld);
            for (int b = 0; b < n; b++) {
                int yOff = j.yOff(b, 0);
                for (int kk = 0; kk < kg; kk++) dyN.put(kk * ld + b * p, j.dy, yOff + kk * p, p);
            }
            if (j.colCache != null) {
                cols = j.colCache;
                colOff = ConvForward.cacheOffset(0, n, 0, 1, r, p);
            } else {
                NativeFloats built = NativeFloats.scratch(SHARED_COLS, (long) r * ld);
                Parallel.forEach(n, b -> columns(j, b, 0, built, b * p, ld));
                cols = built;
            }
        }
        int blockRows = weightRows(j);
        int rowBlock = Math.max(8, (blockRows + 7) / 8), wTasks = j.needW ? (blockRows + rowBlock - 1) / rowBlock : 0;
        int xTasks = j.dx != null ? n : 0;
        final NativeFloats fAcc = acc, fDy = dyN, fCols = cols;
        final int fOff = colOff;
        Parallel.forEach(wTasks + xTasks, t -> {
            if (t < wTasks) {
                int k0 = t * rowBlock, k1 = Math.min(blockRows, k0 + rowBlock);
                weightGemm(j, r, ld, fDy, 0, fCols, fOff, 0f, fAcc, 0, k0, k1);
            } else {
                inputGrad(j, t - wTasks, 0, 0, j.back != null ? j.hw() : p, wN, wtN);
            }
        });
        if (j.needW) {
            float[] dwp = new float[j.wdat.length];
            readWeightGrad(j, acc, dwp);
            Tensor.addInto(dwg, dwp);
        }
    }

    /** Batches of 1–3 images: images and groups in order; inside each, tasks over fixed row or column blocks. */
    private static void perImage(Job j, float[] dwg, NativeFloats wN, NativeFloats wtN) {
        int n = j.n, r = j.r(), p = j.p(), kg = j.kg, groups = j.groups;
        // dW row blocks: of dW's kg rows, or of dW^T's r rows when transposed (see weightGemm)
        int blockRows = weightRows(j);
        int rowBlock = Math.max(8, (blockRows + 7) / 8), nRowBlocks = (blockRows + rowBlock - 1) / rowBlock;
        NativeFloats acc = j.needW ? NativeFloats.scratch(SHARED_DW, j.wdat.length) : null;
        for (int i = 0; i < n; i++) {
            for (int gi = 0; gi < groups; gi++) {
                final int g = gi;
                final boolean first = i == 0;
                NativeFloats dyN = NativeFloats.scratch(SHARED_DY, (long) kg * p);
                dyN.put(0, j.dy, j.yOff(i, g), kg * p);
                if (j.needW) {
                    NativeFloats cols;
                    int off;
                    if (j.colCache != null) {
                        cols = j.colCache;
                        off = ConvForward.cacheOffset(i, 1, g, groups, r, p);
                    } else {
                        cols = NativeFloats.scratch(SHARED_COLS, (long) r * p);
                        off = 0;
                        int pieces = Math.max(1, Math.min(4, r / 16)), step = (r + pieces - 1) / pieces;
                        final NativeFloats cf = cols;
                        final int im = i;
                        Parallel.forEach((r + step - 1) / step, pc ->
                                columnRows(j, im, g, cf, 0, p, pc * step, Math.min(r, (pc + 1) * step)));
                    }
                    final NativeFloats fc = cols;
                    final int fo = off;
                    Parallel.forEach(nRowBlocks, b -> {
                        int k0 = b * rowBlock, k1 = Math.min(blockRows, k0 + rowBlock);
                        weightGemm(j, r, p, dyN, 0, fc, fo, first ? 0f : 1f, acc, g, k0, k1);
                    });
                }
                if (j.dx == null) continue;
                int cols = j.back != null ? j.hw() : p;
                int chunkCols = j.back != null
                        ? (j.back.rows() * cols <= ConvForward.COL_BLOCK ? cols : Math.max(128, ConvForward.COL_BLOCK / j.back.rows()))
                        : Math.max(128, (p + 7) / 8);
                int nCol = (cols + chunkCols - 1) / chunkCols;
                float[] dcol = j.back == null && !j.geo.isPointwise() ? new float[r * p] : null;
                final int fi = i;
                Parallel.forEach(nCol, cc -> {
                    int p0 = cc * chunkCols, p1 = Math.min(cols, p0 + chunkCols);
                    inputGradCols(j, fi, g, p0, p1, wN, wtN, dyN, dcol);
                });
                if (dcol != null) j.geo.col2imAdd(dcol, j.dx, j.xOff(i, g));
            }
        }
        if (j.needW) {
            float[] tmp = new float[j.wdat.length];
            readWeightGrad(j, acc, tmp);
            Tensor.addInto(dwg, tmp);
        }
    }

    /**
     * dW as dW^T = cols · dY^T (r × kg) when the output channels are few and the kernel rows
     * many: OpenBLAS runs the product with r rows 1.2–1.6× faster than with 16–32 (measured for
     * ResNet-20's stages 1 and 2 and LeNet's second conv), 1.15–1.3× at 64 and 128 (ResNet-20's
     * stage 3, 576 rows over 256–4096 columns: 121–129 against 94–110 GFLOPS), but slower for
     * LeNet's first (r = 25). Depends on the shape only.
     */
    private static boolean transposedWeightGrad(Job j) {
        return j.kg <= 128 && j.r() >= 64;
    }

    /** Rows of the weight-gradient product: r for dW^T, kg for dW. */
    private static int weightRows(Job j) {
        return transposedWeightGrad(j) ? j.r() : j.kg;
    }

    /**
     * Group g's weight gradient from one block of columns (len = columns per row, row stride of
     * both operands): rows [b0, b1) of dW (kg × r at g·kg·r) or, transposed, of dW^T (r × kg at
     * g·r·kg) in acc; beta 0 starts the sum, 1 adds to it.
     */
    private static void weightGemm(Job j, int r, int len, NativeFloats dyN, int dyOff, NativeFloats cols, int colOff,
                                   float beta, NativeFloats acc, int g, int b0, int b1) {
        Gemm gemm = Gemm.get();
        int kg = j.kg;
        if (transposedWeightGrad(j)) {
            gemm.sgemm(false, true, b1 - b0, kg, len, 1f, cols, colOff + b0 * len, len, dyN, dyOff, len, beta,
                    acc, g * r * kg + b0 * kg, kg);
        } else {
            gemm.sgemm(false, true, b1 - b0, r, len, 1f, dyN, dyOff + b0 * len, len, cols, colOff, len, beta,
                    acc, (g * kg + b0) * r, r);
        }
    }

    /** Copies the accumulated weight gradient into dst in W's layout (transposing per group if needed). */
    private static void readWeightGrad(Job j, NativeFloats acc, float[] dst) {
        if (!transposedWeightGrad(j)) {
            acc.get(0, dst, 0, dst.length);
            return;
        }
        int kg = j.kg, r = j.r();
        float[] t = Conv.scratch(3, r * kg);
        for (int g = 0; g < j.groups; g++) {
            acc.get(g * r * kg, t, 0, r * kg);
            int base = g * kg * r;
            for (int q = 0; q < r; q++) {
                for (int kk = 0; kk < kg; kk++) dst[base + kk * r + q] = t[q * kg + kk];
            }
        }
    }

    /** Image i, group g's full column matrix into dst at dstOff with row stride ld. */
    private static void columns(Job j, int i, int g, NativeFloats dst, int dstOff, int ld) {
        columnRows(j, i, g, dst, dstOff, ld, 0, j.r());
    }

    private static void columnRows(Job j, int i, int g, NativeFloats dst, int dstOff, int ld, int row0, int row1) {
        int xOff = j.xOff(i, g), p = j.p();
        if (j.geo.isPointwise()) {
            for (int row = row0; row < row1; row++) dst.put(dstOff + row * ld, j.xd, xOff + row * p, p);
        } else {
            j.geo.im2col(j.xd, xOff, false, row0, row1, 0, p, dst, dstOff, ld);
        }
    }

    /** dX for image i, group g (all columns), in the calling task. */
    private static void inputGrad(Job j, int i, int g, int p0, int p1, NativeFloats wN, NativeFloats wtN) {
        NativeFloats dyN = null;
        if (j.back == null) {
            dyN = NativeFloats.scratch(DY, (long) j.kg * j.p());
            dyN.put(0, j.dy, j.yOff(i, g), j.kg * j.p());
        }
        float[] dcol = j.back == null && !j.geo.isPointwise() ? Conv.scratch(1, j.r() * j.p()) : null;
        inputGradCols(j, i, g, p0, p1, wN, wtN, dyN, dcol);
        if (dcol != null) j.geo.col2imAdd(dcol, j.dx, j.xOff(i, g));
    }

    /**
     * Columns [p0, p1) of dX for image i, group g: with the flipped kernel, input pixels p0..p1
     * (added into dx); else W^T·dY columns p0..p1 — added into dx for 1×1 convolutions, stored
     * into the Java column matrix {@code dcol} (r × p) for col2im otherwise. dyN holds dY_{i,g}.
     */
    private static void inputGradCols(Job j, int i, int g, int p0, int p1, NativeFloats wN, NativeFloats wtN,
                                      NativeFloats dyN, float[] dcol) {
        Gemm gemm = Gemm.get();
        int w = p1 - p0, cg = j.cg();
        if (j.back != null) {
            int rb = j.back.rows(), hw = j.hw();
            NativeFloats cols = NativeFloats.scratch(COLS, (long) rb * w);
            j.back.im2col(j.dy, j.yOff(i, g), false, 0, rb, p0, p1, cols, 0, w);
            NativeFloats prod = NativeFloats.scratch(DX, (long) cg * w);
            gemm.sgemm(false, false, cg, w, rb, 1f, wtN, g * cg * rb, rb, cols, 0, w, 0f, prod, 0, w);
            addRows(prod, cg, w, j.dx, j.xOff(i, g) + p0, hw);
            return;
        }
        int r = j.r(), p = j.p(), kg = j.kg;
        NativeFloats prod = NativeFloats.scratch(DX, (long) r * w);
        gemm.sgemm(true, false, r, w, kg, 1f, wN, g * kg * r, r, dyN, p0, p, 0f, prod, 0, w);
        if (j.geo.isPointwise()) {
            addRows(prod, r, w, j.dx, j.xOff(i, g) + p0, p);
        } else {
            for (int row = 0; row < r; row++) prod.get(row * w, dcol, row * p + p0, w);
        }
    }

    /** dst[at + row·ld + q] += src[row·w + q] for rows × w values (read through a small Java buffer). */
    private static void addRows(NativeFloats src, int rows, int w, float[] dst, int at, int ld) {
        float[] tmp = Conv.scratch(3, w);
        for (int row = 0; row < rows; row++) {
            src.get(row * w, tmp, 0, w);
            int o = at + row * ld;
            for (int q = 0; q < w; q++) dst[o + q] += tmp[q];
        }
    }
}
