package dev.cvkit.nn;

import dev.cvkit.tensor.Gemm;
import dev.cvkit.tensor.NativeFloats;
import dev.cvkit.tensor.Parallel;

/**
 * Forward convolution as im2col + GEMM with the GEMM operands off-heap: the column matrix is
 * built straight into native memory and the product is read back once, with the epilogue
 * (bias, folded BatchNorm, activation) applied to each output row while it is in L1.
 *
 * <p>Work units are (images, group, column range) chosen by shape only. With enough units each
 * task builds and multiplies its own unit; with few (batch 1, small late-layer maps) one unit at
 * a time is shared: its columns are built by row ranges in parallel, then its output rows are
 * multiplied in parallel blocks — never the same columns twice.
 */
final class ConvForward {
    /**
     * 1 MB of floats: the largest per-image column matrix training keeps for the backward, and
     * the backward's column block for large images.
     */
    static final int COL_BLOCK = 1 << 18;
    /**
     * Largest column matrix (floats) one forward unit builds before the image is split into
     * column blocks: 2 MB, this machine's L2. Splitting smaller made thin GEMMs (resnet18's
     * 14×14 layer in two 98-column halves ran at half speed).
     */
    static final int UNIT_BLOCK = 1 << 19;
    /** Scratch slots of {@link NativeFloats#scratch}: weights, columns, product. */
    private static final int A = 0, B = 1, C = 2;

    private ConvForward() {}

    /**
     * out[i, g·kg + k, q] = Σ_r W[g·kg + k, r] · cols_{i,g}[r, q], then {@code ep} (may be null).
     * {@code wNative}: the weights already off-heap (inference keeps them), or null to copy wdat.
     * {@code multi} images share one GEMM (see {@link Conv#imagesPerGemm}); colCache, if not
     * null, is where the columns are built (layout: {@link #cacheOffset}), kept for the backward.
     */
    static void run(float[] xd, float[] wdat, NativeFloats wNative, float[] out, int n, int groups, int kg, ConvGeom geo,
                    int xStride, int yStride, Conv.Epilogue ep, NativeFloats colCache, int multi) {
        int r = geo.rows(), p = geo.cols();
        NativeFloats a = wNative;
        if (a == null) {
            a = NativeFloats.scratch(A, wdat.length);
            a.put(0, wdat, 0, wdat.length);
        }
        final NativeFloats wa = a;
        Gemm gemm = Gemm.get();
        int nChunks, nCol, colChunk;
        if (multi > 1) {
            nChunks = (n + multi - 1) / multi;
            nCol = 1;
            colChunk = p;
        } else {
            nChunks = n;
            nCol = (int) Math.min(p, ((long) r * p + UNIT_BLOCK - 1) / UNIT_BLOCK);
            if (nCol > 1 && nCol % 2 == 1) nCol++; // even, so two threads share the work evenly
            colChunk = (p + nCol - 1) / nCol;
            nCol = (p + colChunk - 1) / colChunk;
        }
        // strided convolutions read a horizontally decimated copy of the input (ConvGeom.decimate)
        float[] xs = null;
        int xsStride = 0;
        if (geo.sw() > 1 && !geo.isPointwise()) {
            int per = geo.decimatedSize();
            xsStride = per * groups;
            float[] dec = Conv.scratch(4, n * xsStride);
            int planes = n * groups;
            // fewer than four image-groups (batch 1): channel ranges too, so the copy is not serial
            int pieces = planes >= 4 ? 1 : Math.min(geo.c(), 4), cStep = (geo.c() + pieces - 1) / pieces;
            Parallel.forEach(planes * pieces, t -> {
                int pl = t / pieces, c0 = (t % pieces) * cStep, c1 = Math.min(geo.c(), c0 + cStep);
                if (c0 < c1) geo.decimate(xd, (pl / groups) * xStride + (pl % groups) * geo.c() * geo.h() * geo.w(), dec, pl * per, c0, c1);
            });
            xs = dec;
        }
        final float[] src = xs == null ? xd : xs;
        final int srcStride = xs == null ? xStride : xsStride;
        final int srcGroup = xs == null ? geo.c() * geo.h() * geo.w() : geo.decimatedSize();
        final boolean dec = xs != null;
        int units = nChunks * groups * nCol;
        int fc = nCol, cc0 = colChunk;
        if (units >= 4) {
            Parallel.forEach(units, t -> {
                int cc = t % fc, g = (t / fc) % groups, j = t / fc / groups;
                Unit u = Unit.of(j, cc, multi, n, p, cc0);
                NativeFloats b = colCache != null ? colCache : NativeFloats.scratch(B, (long) r * u.ld());
                int bOff = colCache != null ? cacheOffset(u, g, groups, r, p) : 0;
                NativeFloats c = NativeFloats.scratch(C, (long) kg * u.ld());
                buildColumns(src, dec, geo, srcStride, srcGroup, u, g, b, bOff, 0, r);
                gemm.sgemm(false, false, kg, u.ld(), r, 1f, wa, g * kg * r, r, b, bOff, u.ld(), 0f, c, 0, u.ld());
                readBack(c, out, u, g, kg, 0, kg, yStride, p, ep);
            });
            return;
        }
        // few units: share each one between the threads
        int rowPieces = Math.max(1, Math.min(4, r / 16));
        int rowStep = (r + rowPieces - 1) / rowPieces;
        // two row blocks give a second thread work; more made thin GEMMs that cost more than
        // they shared (resnet18's 7×7 and 14×14 layers in 32–64-row blocks ran at 60 % speed)
        int nRow = kg >= 64 ? 2 : 1;
        int kStep = (kg + nRow - 1) / nRow;
        for (int t = 0; t < units; t++) {
            int cc = t % fc, g = (t / fc) % groups, j = t / fc / groups;
            Unit u = Unit.of(j, cc, multi, n, p, cc0);
            NativeFloats b = colCache != null ? colCache : NativeFloats.scratch(B, (long) r * u.ld());
            int bOff = colCache != null ? cacheOffset(u, g, groups, r, p) : 0;
            NativeFloats c = NativeFloats.scratch(C, (long) kg * u.ld());
            Parallel.forEach((r + rowStep - 1) / rowStep, piece ->
                    buildColumns(src, dec, geo, srcStride, srcGroup, u, g, b, bOff, piece * rowStep, Math.min(r, (piece + 1) * rowStep)));
            Parallel.forEach((kg + kStep - 1) / kStep, blk -> {
                int k0 = blk * kStep, k1 = Math.min(kg, k0 + kStep);
                gemm.sgemm(false, false, k1 - k0, u.ld(), r, 1f, wa, (g * kg + k0) * r, r, b, bOff, u.ld(), 0f, c, k0 * u.ld(), u.ld());
                readBack(c, out, u, g, kg, k0, k1, yStride, p, ep);
            });
        }
    }

    /** Images [i0, i0 + bj) side by side, columns [p0, p1) of each; the GEMM's row length ld = bj·(p1 − p0). */
    record Unit(int i0, int bj, int p0, int p1) {
        /** Image chunk {@code chunk} (of {@code multi} images) and column block cc. */
        static Unit of(int chunk, int cc, int multi, int n, int p, int colChunk) {
            return new Unit(chunk * multi, Math.min(multi, n - chunk * multi), cc * colChunk, Math.min(p, (cc + 1) * colChunk));
        }

        /** Row length of the unit's column matrix and product. */
        int ld() { return bj * (p1 - p0); }
    }

    /** Rows [row0, row1) of the unit's column matrix into b at bOff (row stride u.ld()); xd may be the decimated input. */
    private static void buildColumns(float[] xd, boolean decimated, ConvGeom geo, int xStride, int groupSize, Unit u, int g,
                                     NativeFloats b, int bOff, int row0, int row1) {
        int w = u.p1 - u.p0;
        int groupOff = g * groupSize;
        for (int im = 0; im < u.bj; im++) {
            int xOff = (u.i0 + im) * xStride + groupOff;
            if (geo.isPointwise()) {
                // 1×1 stride 1: the columns are the input rows themselves
                for (int row = row0; row < row1; row++) b.put(bOff + row * u.ld() + im * w, xd, xOff + row * geo.cols() + u.p0, w);
            } else {
                geo.im2col(xd, xOff, decimated, row0, row1, u.p0, u.p1, b, bOff + im * w, u.ld());
            }
        }
    }

    /**
     * Where the unit's column matrix lives in the training column cache: images i0 … i0+bj−1 of
     * group g side by side at (i0·groups + g·bj)·r·p (one image: (i·groups + g)·r·p). The cache is
     * only used when a unit holds whole images (r·p ≤ COL_BLOCK).
     */
    static int cacheOffset(Unit u, int g, int groups, int r, int p) {
        return cacheOffset(u.i0, u.bj, g, groups, r, p);
    }

    /** As above for images i0 … i0+bj−1 (the backward reads the cache with it). */
    static int cacheOffset(int i0, int bj, int g, int groups, int r, int p) {
        return (i0 * groups + g * bj) * r * p;
    }

    /** Output rows [k0, k1) of the unit from c (row stride u.ld()) into out, then the epilogue per row. */
    private static void readBack(NativeFloats c, float[] out, Unit u, int g, int kg, int k0, int k1, int yStride,
                                 int p, Conv.Epilogue ep) {
        int w = u.p1 - u.p0;
        for (int im = 0; im < u.bj; im++) {
            int yBase = (u.i0 + im) * yStride + g * kg * p;
            for (int kk = k0; kk < k1; kk++) {
                int at = yBase + kk * p;
                c.get(kk * u.ld() + im * w, out, at + u.p0, w);
                if (ep != null) ep.apply(g * kg + kk, g * kg + kk + 1, at, u.p0, u.p1);
            }
        }
    }
}
