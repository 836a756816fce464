package dev.cvkit.coco;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * COCO detection evaluation with pycocotools' semantics and numbers, in its three phases:
 * <ol>
 * <li>{@link #evaluate()}: per image × category, sort results by score (stable), keep the top
 *     {@code maxDets[-1]}, compute IoUs, and per area range and IoU threshold match greedily in
 *     score order, preferring non-ignored ground truth; crowds (ignored) may absorb several
 *     results; unmatched results outside the area range are ignored.</li>
 * <li>{@link #accumulate()}: per category, area range and maxDets, merge all images' results by
 *     score (stable), and build {@code precision[T,R,K,A,M]} (interpolated precision at the 101
 *     recall thresholds), {@code recall[T,K,A,M]} and {@code scores[T,R,K,A,M]}; -1 where a
 *     setting has no ground truth.</li>
 * <li>{@link #summarize()}: the 12 standard numbers, means over the entries that are not -1.</li>
 * </ol>
 * Each phase may be called on its own; a later one runs the earlier ones if they have not run.
 * Work is spread over {@link #threads(int)} threads; results are identical for any count.
 */
public final class CocoEval {
    /** The 12 stats' short names, in pycocotools' order. */
    public static final List<String> STAT_NAMES = List.of(
            "AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl");

    private final CocoDataset gt;
    private final CocoResults dt;
    private final CocoParams params;
    private int threads = 1;

    // (category, image) pairs that have ground truth or results, sorted by category then image
    private int nPairs;
    private int[] pairCat;
    private int[] pairImg;
    private int[] catPairStart;
    private int[] gtStart;
    private int[] gtList;
    private int[] dtStart;
    private int[] dtList;
    private PairEval[] evals;

    private double[] precision;
    private double[] recall;
    private double[] scores;
    private double[] stats;

    public CocoEval(CocoDataset gt, CocoResults dt, CocoParams params) {
        this.gt = gt;
        this.dt = dt;
        this.params = params;
        checkInputs();
    }

    /** Threads for evaluate and accumulate (default 1). */
    public CocoEval threads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("threads must be at least 1");
        }
        this.threads = n;
        return this;
    }

    public CocoParams params() { return params; }

    /** The ground truth evaluated against. */
    public CocoDataset dataset() { return gt; }

    /** The results evaluated. */
    public CocoResults results() { return dt; }

    /** Category id at dense index {@code k} (ascending id order). */
    public long categoryId(int k) { return gt.categoryIds[k]; }

    public String categoryName(int k) { return gt.categoryNames[k]; }

    private void checkInputs() {
        boolean segm = params.iouType() == IouType.SEGM;
        for (int j = 0; j < gt.size; j++) {
            if (segm && gt.segmentation[j] == null) {
                throw new CocoFormatException(gt.at(j) + ": no 'segmentation' (needed for --iou-type segm)");
            }
            if (!segm && Double.isNaN(gt.bbox[4 * j])) {
                throw new CocoFormatException(gt.at(j) + ": no 'bbox' (needed for --iou-type bbox)");
            }
        }
        if (segm && dt.size > 0 && !dt.anySegmentation) {
            throw new CocoFormatException(dt.file + ": no result has a 'segmentation' (needed for --iou-type segm)");
        }
    }

    // ---------------------------------------------------------------- evaluate

    /** Per image × category evaluation (pycocotools' {@code evaluate}). */
    public void evaluate() {
        buildPairs();
        evals = new PairEval[nPairs];
        // Keep only what accumulate reads; evalImg() recomputes the details of one pair.
        Parallel.forEach(nPairs, threads, p -> evals[p] = evaluatePair(p).compact());
        precision = null;
        stats = null;
    }

    private void buildPairs() {
        int nImg = gt.imageCount();
        int nCat = gt.categoryCount();
        // Annotations ordered by (category, image), file order kept within a pair.
        gtList = byPair(gt.annImage, gt.annCategory, gt.size, nImg, nCat);
        dtList = byPair(dt.image, dt.category, dt.size, nImg, nCat);
        int cap = gt.size + dt.size;
        int[] cats = new int[cap];
        int[] imgs = new int[cap];
        int[] gs = new int[cap + 1];
        int[] ds = new int[cap + 1];
        int u = 0;
        int i = 0;
        int j = 0;
        while (i < gt.size || j < dt.size) {
            long kg = i < gt.size ? (long) gt.annCategory[gtList[i]] * nImg + gt.annImage[gtList[i]] : Long.MAX_VALUE;
            long kd = j < dt.size ? (long) dt.category[dtList[j]] * nImg + dt.image[dtList[j]] : Long.MAX_VALUE;
            long key = Math.min(kg, kd);
            cats[u] = (int) (key / nImg);
            imgs[u] = (int) (key % nImg);
            gs[u] = i;
            ds[u] = j;
            while (i < gt.size && (long) gt.annCategory[gtList[i]] * nImg + gt.annImage[gtList[i]] == key) {
                i++;
            }
            while (j < dt.size && (long) dt.category[dtList[j]] * nImg + dt.image[dtList[j]] == key) {
                j++;
            }
            u++;
        }
        gs[u] = i;
        ds[u] = j;
        nPairs = u;
        pairCat = Arrays.copyOf(cats, u);
        pairImg = Arrays.copyOf(imgs, u);
        gtStart = Arrays.copyOf(gs, u + 1);
        dtStart = Arrays.copyOf(ds, u + 1);
        catPairStart = new int[nCat + 1];
        for (int p = 0; p < u; p++) {
            catPairStart[pairCat[p] + 1]++;
        }
        for (int k = 0; k < nCat; k++) {
            catPairStart[k + 1] += catPairStart[k];
        }
    }

    /** Indices {@code 0..n-1} sorted by (category, image), stably: two counting-sort passes. */
    private static int[] byPair(int[] image, int[] category, int n, int nImg, int nCat) {
        int[] byImage = countingSort(null, image, n, nImg);
        return countingSort(byImage, category, n, nCat);
    }

    private static int[] countingSort(int[] in, int[] key, int n, int buckets) {
        int[] start = new int[buckets + 1];
        for (int j = 0; j < n; j++) {
            start[key[j] + 1]++;
        }
        for (int b = 0; b < buckets; b++) {
            start[b + 1] += start[b];
        }
        int[] out = new int[n];
        for (int j = 0; j < n; j++) {
            int x = in == null ? j : in[j];
            out[start[key[x]]++] = x;
        }
        return out;
    }

    /** What evaluateImg computes for one image × category, for every area range. */
    private static final class PairEval {
        int[] dts;          // result indices, score order, at most maxDets[-1]
        int[] gts;          // ground-truth indices, file order
        double[] dtScores;
        int[] gtOrder;      // [A*G] gts positions, not-ignored first
        boolean[] gtIgnore; // [A*G] in gtOrder order
        int[] dtMatch;      // [A*T*D] matched position in gtOrder, or -1
        boolean[] dtIgnore; // [A*T*D]
        byte[] flags;       // [D*(A*T)] per result: bit 0 matched, bit 1 ignored (what accumulate reads)
        int[] npig;         // [A] ground truths not ignored

        /** Drops the details only evalImg() needs (less memory held between the phases). */
        PairEval compact() {
            dts = null;
            gts = null;
            gtOrder = null;
            gtIgnore = null;
            dtMatch = null;
            dtIgnore = null;
            return this;
        }
    }

    private PairEval evaluatePair(int p) {
        int maxDet = params.maxDets()[params.m() - 1];
        PairEval e = new PairEval();
        int g0 = gtStart[p];
        int nG = gtStart[p + 1] - g0;
        e.gts = Arrays.copyOfRange(gtList, g0, g0 + nG);
        int[] all = Arrays.copyOfRange(dtList, dtStart[p], dtStart[p + 1]);
        NumpyMath.stableSortDescending(all, 0, all.length, dt.score);
        int nD = Math.min(all.length, maxDet);
        e.dts = nD == all.length ? all : Arrays.copyOf(all, nD);
        e.dtScores = new double[nD];
        for (int d = 0; d < nD; d++) {
            e.dtScores[d] = dt.score[e.dts[d]];
        }
        boolean[] crowd = new boolean[nG];
        for (int g = 0; g < nG; g++) {
            crowd[g] = gt.crowd[e.gts[g]];
        }
        double[] ious = nG == 0 || nD == 0 ? null : ious(e, crowd, pairImg[p]);

        double[] thr = params.iouThrs();
        int nT = thr.length;
        int nA = params.a();
        e.gtOrder = new int[nA * nG];
        e.gtIgnore = new boolean[nA * nG];
        e.dtMatch = new int[nA * nT * nD];
        e.dtIgnore = new boolean[nA * nT * nD];
        e.npig = new int[nA];
        Arrays.fill(e.dtMatch, -1);
        boolean[] gtMatched = ious == null ? null : new boolean[nT * nG];
        int[] order = e.gtOrder;
        boolean[] ig = e.gtIgnore;
        int[] match = e.dtMatch;
        boolean[] dIg = e.dtIgnore;
        for (int a = 0; a < nA; a++) {
            double lo = params.areaRng()[a][0];
            double hi = params.areaRng()[a][1];
            int go = a * nG;          // offset of this area's ground-truth order
            int dOff = a * nT * nD;   // offset of this area's [T*D] block
            e.npig[a] = orderGroundTruth(e.gts, crowd, lo, hi, order, ig, go);
            if (ious != null) {
                Arrays.fill(gtMatched, false);
                for (int t = 0; t < nT; t++) {
                    matchThreshold(thr[t], ious, crowd, order, ig, go, nG, nD, gtMatched, t * nG, match, dIg, dOff + t * nD);
                }
            }
            ignoreOutOfRange(e.dts, lo, hi, match, dIg, dOff, nT, nD);
        }
        int rows = nA * nT;
        byte[] flags = new byte[nD * rows];
        for (int row = 0; row < rows; row++) {
            for (int d = 0; d < nD; d++) {
                int at = row * nD + d;
                flags[d * rows + row] = (byte) ((match[at] >= 0 ? 1 : 0) | (dIg[at] ? 2 : 0));
            }
        }
        e.flags = flags;
        return e;
    }

    /**
     * Orders the pair's ground truth for one area range, not-ignored first (stable), into
     * {@code order/ig[off..off+G)}; returns how many are not ignored.
     */
    private int orderGroundTruth(int[] gts, boolean[] crowd, double lo, double hi, int[] order, boolean[] ig, int off) {
        int nG = gts.length;
        int pos = off;
        int npig = 0;
        for (int pass = 0; pass < 2; pass++) {
            for (int g = 0; g < nG; g++) {
                double ar = gt.area[gts[g]];
                boolean ignore = crowd[g] || ar < lo || ar > hi;
                if (ignore == (pass == 1)) {
                    order[pos] = g;
                    ig[pos] = ignore;
                    pos++;
                    if (!ignore) {
                        npig++;
                    }
                }
            }
        }
        return npig;
    }

    /**
     * Greedy matching at one IoU threshold: results in score order take the best remaining
     * ground truth with IoU ≥ thr; matched regular ground truth is taken, crowds are not; once a
     * regular one is matched, ignored ones (sorted last) are not considered.
     */
    private static void matchThreshold(double thr, double[] ious, boolean[] crowd, int[] order, boolean[] ig, int go,
                                       int nG, int nD, boolean[] gtMatched, int mOff, int[] match, boolean[] dIg, int dOff) {
        double start = Math.min(thr, 1 - 1e-10);
        for (int d = 0; d < nD; d++) {
            double best = start;
            int m = -1;
            for (int gs = 0; gs < nG; gs++) {
                int g = order[go + gs];
                if (gtMatched[mOff + gs] && !crowd[g]) {
                    continue;
                }
                if (m > -1 && !ig[go + m] && ig[go + gs]) {
                    break;
                }
                double v = ious[d * nG + g];
                if (v < best) {
                    continue;
                }
                best = v;
                m = gs;
            }
            if (m == -1) {
                continue;
            }
            dIg[dOff + d] = ig[go + m];
            match[dOff + d] = m;
            gtMatched[mOff + m] = true;
        }
    }

    /** Unmatched results whose area is outside the range are ignored. */
    private void ignoreOutOfRange(int[] dts, double lo, double hi, int[] match, boolean[] dIg, int dOff, int nT, int nD) {
        for (int d = 0; d < nD; d++) {
            double ar = dt.area[dts[d]];
            if (ar < lo || ar > hi) {
                for (int t = 0; t < nT; t++) {
                    if (match[dOff + t * nD + d] < 0) {
                        dIg[dOff + t * nD + d] = true;
                    }
                }
            }
        }
    }

    /** IoU matrix [D*G] between the kept results and the pair's ground truth (file order). */
    private double[] ious(PairEval e, boolean[] crowd, int image) {
        int nD = e.dts.length;
        int nG = e.gts.length;
        if (params.iouType() == IouType.BBOX) {
            double[] db = new double[4 * nD];
            double[] gb = new double[4 * nG];
            for (int d = 0; d < nD; d++) {
                System.arraycopy(dt.bbox, 4 * e.dts[d], db, 4 * d, 4);
            }
            for (int g = 0; g < nG; g++) {
                System.arraycopy(gt.bbox, 4 * e.gts[g], gb, 4 * g, 4);
            }
            return Iou.boxes(db, gb, crowd);
        }
        int h = gt.heights[image];
        int w = gt.widths[image];
        Rle[] dm = new Rle[nD];
        Rle[] gm = new Rle[nG];
        for (int d = 0; d < nD; d++) {
            int j = e.dts[d];
            if (dt.rle[j] != null) {
                dm[d] = dt.rle[j];
            } else if (dt.segmentation[j] != null) {
                dm[d] = dt.segmentation[j].toRle(h, w);
            } else {
                // loadRes gives a box-only result its box as a polygon
                double x1 = dt.bbox[4 * j];
                double y1 = dt.bbox[4 * j + 1];
                double x2 = x1 + dt.bbox[4 * j + 2];
                double y2 = y1 + dt.bbox[4 * j + 3];
                dm[d] = Polygons.fromPolygon(new double[] {x1, y1, x1, y2, x2, y2, x2, y1}, h, w);
            }
        }
        for (int g = 0; g < nG; g++) {
            int j = e.gts[g];
            gm[g] = gt.rle[j] != null ? gt.rle[j] : gt.segmentation[j].toRle(h, w);
        }
        return Iou.masks(dm, gm, crowd);
    }

    /**
     * pycocotools' {@code evalImgs[k*A*I + a*I + i]}: category {@code k}, area range {@code a},
     * image {@code i} (dense indices); null where the image has neither ground truth nor results
     * of that category.
     */
    public EvalImage evalImg(int k, int a, int i) {
        ensureEvaluated();
        int p = -1;
        for (int q = catPairStart[k]; q < catPairStart[k + 1]; q++) {
            if (pairImg[q] == i) {
                p = q;
                break;
            }
        }
        if (p < 0) {
            return null;
        }
        PairEval e = evaluatePair(p);
        int nT = params.t();
        int nD = e.dts.length;
        int nG = e.gts.length;
        long[] dtIds = new long[nD];
        for (int d = 0; d < nD; d++) {
            dtIds[d] = e.dts[d] + 1L;
        }
        long[] gtIds = new long[nG];
        for (int g = 0; g < nG; g++) {
            gtIds[g] = gt.annIds[e.gts[e.gtOrder[a * nG + g]]];
        }
        long[][] dtm = new long[nT][nD];
        long[][] gtm = new long[nT][nG];
        boolean[][] dtIg = new boolean[nT][nD];
        for (int t = 0; t < nT; t++) {
            for (int d = 0; d < nD; d++) {
                int m = e.dtMatch[(a * nT + t) * nD + d];
                if (m >= 0) {
                    dtm[t][d] = gtIds[m];
                    gtm[t][m] = dtIds[d];
                }
                dtIg[t][d] = e.dtIgnore[(a * nT + t) * nD + d];
            }
        }
        return new EvalImage(gt.imageIds[i], gt.categoryIds[k], params.areaRng()[a].clone(),
                params.maxDets()[params.m() - 1], dtIds, gtIds, dtm, gtm, e.dtScores.clone(),
                Arrays.copyOfRange(e.gtIgnore, a * nG, (a + 1) * nG), dtIg);
    }

    private void ensureEvaluated() {
        if (evals == null) {
            evaluate();
        }
    }

    // ---------------------------------------------------------------- accumulate

    /** Builds precision[T,R,K,A,M], recall[T,K,A,M] and scores[T,R,K,A,M] (pycocotools' {@code accumulate}). */
    public void accumulate() {
        ensureEvaluated();
        int nT = params.t();
        int nR = params.r();
        int nK = gt.categoryCount();
        int nA = params.a();
        int nM = params.m();
        precision = new double[nT * nR * nK * nA * nM];
        recall = new double[nT * nK * nA * nM];
        scores = new double[precision.length];
        Arrays.fill(precision, -1);
        Arrays.fill(recall, -1);
        Arrays.fill(scores, -1);
        Parallel.forEach(nK, threads, this::accumulateCategory);
        stats = null;
    }

    private void accumulateCategory(int k) {
        int p0 = catPairStart[k];
        int p1 = catPairStart[k + 1];
        if (p0 == p1) {
            return; // no image has ground truth or results of this category: E is empty
        }
        int nT = params.t();
        int nR = params.r();
        int nK = gt.categoryCount();
        int nA = params.a();
        int nM = params.m();
        double[] recThrs = params.recThrs();
        // All kept results of this category in image order, then score order within the image.
        int n = 0;
        for (int p = p0; p < p1; p++) {
            n += evals[p].dtScores.length;
        }
        double[] score = new double[n];
        int[] rank = new int[n];
        int j = 0;
        for (int p = p0; p < p1; p++) {
            PairEval e = evals[p];
            for (int d = 0; d < e.dtScores.length; d++) {
                score[j] = e.dtScores[d];
                rank[j] = d;
                j++;
            }
        }
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        // One stable sort serves every maxDet: dropping entries keeps the others' order.
        NumpyMath.stableSortDescending(order, 0, n, score);
        // Match flags of every result, [result][area*T + threshold]: bit 0 matched, bit 1 ignored.
        int rows = nA * nT;
        byte[] flags = new byte[n * rows];
        j = 0;
        for (int p = p0; p < p1; p++) {
            byte[] f = evals[p].flags;
            System.arraycopy(f, 0, flags, j, f.length);
            j += f.length;
        }
        int[] npigs = new int[nA];
        for (int p = p0; p < p1; p++) {
            for (int a = 0; a < nA; a++) {
                npigs[a] += evals[p].npig[a];
            }
        }
        int[] sel = new int[n];
        double[] rc = new double[nT * n];
        double[] pr = new double[nT * n];
        for (int m = 0; m < nM; m++) {
            int maxDet = params.maxDets()[m];
            int nd = 0;
            for (int i = 0; i < n; i++) {
                if (rank[order[i]] < maxDet) {
                    sel[nd++] = order[i];
                }
            }
            for (int a = 0; a < nA; a++) {
                int npig = npigs[a];
                if (npig == 0) {
                    continue;
                }
                cumulate(flags, rows, a * nT, nT, sel, nd, n, npig, rc, pr);
                for (int t = 0; t < nT; t++) {
                    sample(t * n, nd, score, sel, rc, pr, recThrs,
                            ((t * nK + k) * nA + a) * nM + m, (t * nR * nK + k) * nA * nM + a * nM + m, nK * nA * nM);
                }
            }
        }
    }

    /**
     * Cumulative true/false positives over the results in score order, for the T thresholds
     * of one area range at once (their flags are adjacent): recall = tp/npig and precision =
     * tp/(tp+fp+eps) into {@code rc/pr[t*n + i]}. Ignored results repeat the previous values.
     */
    private static void cumulate(byte[] flags, int rows, int row0, int nT, int[] sel, int nd, int n, int npig,
                                 double[] rc, double[] pr) {
        double eps = Math.ulp(1.0); // np.spacing(1)
        int[] tp = new int[nT];
        int[] fp = new int[nT];
        for (int i = 0; i < nd; i++) {
            int off = sel[i] * rows + row0;
            for (int t = 0; t < nT; t++) {
                int f = flags[off + t];
                int at = t * n + i;
                if (f <= 1 || i == 0) {
                    if (f == 1) {
                        tp[t]++;
                    } else if (f == 0) {
                        fp[t]++;
                    }
                    double tpd = tp[t];
                    rc[at] = tpd / npig;
                    pr[at] = tpd / ((double) fp[t] + tpd + eps);
                } else {
                    rc[at] = rc[at - 1];
                    pr[at] = pr[at - 1];
                }
            }
        }
    }

    /**
     * One precision-recall curve from {@code rc/pr[base .. base+nd)}: precision made monotone
     * from the right, then sampled at the recall thresholds (first index with recall ≥
     * threshold, numpy's searchsorted 'left'; 0 past the end). Writes recall[recallAt] and
     * precision/scores[precisionAt + r*stride].
     */
    private void sample(int base, int nd, double[] score, int[] sel, double[] rc, double[] pr, double[] recThrs,
                        int recallAt, int precisionAt, int stride) {
        recall[recallAt] = nd > 0 ? rc[base + nd - 1] : 0;
        for (int i = base + nd - 1; i > base; i--) {
            if (pr[i] > pr[i - 1]) {
                pr[i - 1] = pr[i];
            }
        }
        int pi = 0;
        int nR = recThrs.length;
        for (int r = 0; r < nR; r++) {
            while (pi < nd && rc[base + pi] < recThrs[r]) {
                pi++;
            }
            int at = precisionAt + r * stride;
            if (pi < nd) {
                precision[at] = pr[base + pi];
                scores[at] = score[sel[pi]];
            } else {
                precision[at] = 0;
                scores[at] = 0;
            }
        }
    }

    private void ensureAccumulated() {
        if (precision == null) {
            accumulate();
        }
    }

    /** precision[t, r, k, a, m]; -1 where the setting has no ground truth. */
    public double precision(int t, int r, int k, int a, int m) {
        ensureAccumulated();
        return precision[(((t * params.r() + r) * gt.categoryCount() + k) * params.a() + a) * params.m() + m];
    }

    /** recall[t, k, a, m]; -1 where the setting has no ground truth. */
    public double recall(int t, int k, int a, int m) {
        ensureAccumulated();
        return recall[((t * gt.categoryCount() + k) * params.a() + a) * params.m() + m];
    }

    /** scores[t, r, k, a, m]: the score at which each precision entry is reached. */
    public double score(int t, int r, int k, int a, int m) {
        ensureAccumulated();
        return scores[(((t * params.r() + r) * gt.categoryCount() + k) * params.a() + a) * params.m() + m];
    }

    /** The array shape [T, R, K, A, M]. */
    public int[] counts() {
        return new int[] {params.t(), params.r(), gt.categoryCount(), params.a(), params.m()};
    }

    // ---------------------------------------------------------------- per category, for distributed evaluation

    /**
     * Category {@code k}'s accumulated numbers: {precision[t, r, a, m], recall[t, a, m],
     * scores[t, r, a, m]}. They depend only on k's ground truth and results, so an evaluation
     * that saw only some categories' annotations gives these exactly as the whole would.
     */
    public double[][] categoryNumbers(int k) {
        ensureAccumulated();
        int nT = params.t();
        int nR = params.r();
        int nA = params.a();
        int nM = params.m();
        double[] p = new double[nT * nR * nA * nM];
        double[] s = new double[p.length];
        double[] rc = new double[nT * nA * nM];
        int i = 0;
        int j = 0;
        for (int t = 0; t < nT; t++) {
            for (int r = 0; r < nR; r++) {
                for (int a = 0; a < nA; a++) {
                    for (int m = 0; m < nM; m++) {
                        p[i] = precision(t, r, k, a, m);
                        s[i++] = score(t, r, k, a, m);
                    }
                }
            }
            for (int a = 0; a < nA; a++) {
                for (int m = 0; m < nM; m++) {
                    rc[j++] = recall(t, k, a, m);
                }
            }
        }
        return new double[][] {p, rc, s};
    }

    /**
     * Puts category {@code k}'s numbers from {@link #categoryNumbers} of another evaluation over
     * the same images, categories and parameters (a Spark task's); summarize() then reports them.
     */
    public void putCategoryNumbers(int k, double[][] numbers) {
        ensureAccumulated();
        int nT = params.t();
        int nR = params.r();
        int nK = gt.categoryCount();
        int nA = params.a();
        int nM = params.m();
        if (numbers.length != 3 || numbers[0].length != nT * nR * nA * nM || numbers[1].length != nT * nA * nM) {
            throw new IllegalArgumentException("category numbers of another shape than [T, R, A, M] = "
                    + Arrays.toString(new int[] {nT, nR, nA, nM}));
        }
        int i = 0;
        int j = 0;
        for (int t = 0; t < nT; t++) {
            for (int r = 0; r < nR; r++) {
                for (int a = 0; a < nA; a++) {
                    for (int m = 0; m < nM; m++) {
                        int at = (((t * nR + r) * nK + k) * nA + a) * nM + m;
                        precision[at] = numbers[0][i];
                        scores[at] = numbers[2][i++];
                    }
                }
            }
            for (int a = 0; a < nA; a++) {
                for (int m = 0; m < nM; m++) {
                    recall[((t * nK + k) * nA + a) * nM + m] = numbers[1][j++];
                }
            }
        }
        stats = null;
    }

    // ---------------------------------------------------------------- summarize

    /** One of the 12 summary settings. {@code iouThr} NaN means all thresholds. */
    private record Setting(boolean ap, double iouThr, String area, int maxDets) {}

    private List<Setting> settings() {
        int[] md = params.maxDets();
        if (md.length < 3) {
            throw new IllegalStateException("summarize needs three maxDets, got " + Arrays.toString(md));
        }
        double all = Double.NaN;
        return List.of(
                new Setting(true, all, "all", 100), // pycocotools' default argument, not maxDets[2]
                new Setting(true, .5, "all", md[2]),
                new Setting(true, .75, "all", md[2]),
                new Setting(true, all, "small", md[2]),
                new Setting(true, all, "medium", md[2]),
                new Setting(true, all, "large", md[2]),
                new Setting(false, all, "all", md[0]),
                new Setting(false, all, "all", md[1]),
                new Setting(false, all, "all", md[2]),
                new Setting(false, all, "small", md[2]),
                new Setting(false, all, "medium", md[2]),
                new Setting(false, all, "large", md[2]));
    }

    /** The 12 standard numbers (pycocotools' {@code stats}); -1 where nothing had ground truth. */
    public double[] summarize() {
        if (stats == null) {
            ensureAccumulated();
            List<Setting> s = settings();
            double[] out = new double[s.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = value(s.get(i), -1);
            }
            stats = out;
        }
        return stats.clone();
    }

    /** pycocotools' 12 summary lines, same format strings. */
    public List<String> summaryLines() {
        double[] st = summarize();
        List<Setting> s = settings();
        List<String> lines = new ArrayList<>();
        double[] thr = params.iouThrs();
        for (int i = 0; i < s.size(); i++) {
            Setting x = s.get(i);
            String iouStr = Double.isNaN(x.iouThr())
                    ? NumpyMath.format(thr[0], 2) + ":" + NumpyMath.format(thr[thr.length - 1], 2)
                    : NumpyMath.format(x.iouThr(), 2);
            lines.add(String.format(Locale.ROOT, " %-18s %s @[ IoU=%-9s | area=%6s | maxDets=%3d ] = %s",
                    x.ap() ? "Average Precision" : "Average Recall", x.ap() ? "(AP)" : "(AR)",
                    iouStr, x.area(), x.maxDets(), NumpyMath.format(st[i], 3)));
        }
        return lines;
    }

    /**
     * Mean of the selected precision (or recall) entries that are not -1, in numpy's element
     * order and summation; {@code k < 0} means all categories.
     */
    private double value(Setting s, int onlyK) {
        int nT = params.t();
        int nR = params.r();
        int nK = gt.categoryCount();
        int nA = params.a();
        int nM = params.m();
        List<Integer> ts = new ArrayList<>();
        for (int t = 0; t < nT; t++) {
            if (Double.isNaN(s.iouThr()) || params.iouThrs()[t] == s.iouThr()) {
                ts.add(t);
            }
        }
        int a = -1;
        for (int i = 0; i < nA; i++) {
            if (params.areaRngLbl()[i].equals(s.area())) {
                a = i;
            }
        }
        int m = -1;
        for (int i = 0; i < nM; i++) {
            if (params.maxDets()[i] == s.maxDets()) {
                m = i;
            }
        }
        if (a < 0 || m < 0 || ts.isEmpty()) {
            return -1;
        }
        int k0 = onlyK < 0 ? 0 : onlyK;
        int k1 = onlyK < 0 ? nK : onlyK + 1;
        double[] vals = new double[ts.size() * (s.ap() ? nR : 1) * (k1 - k0)];
        int n = 0;
        for (int t : ts) {
            if (s.ap()) {
                for (int r = 0; r < nR; r++) {
                    for (int k = k0; k < k1; k++) {
                        double v = precision[(((t * nR + r) * nK + k) * nA + a) * nM + m];
                        if (v > -1) {
                            vals[n++] = v;
                        }
                    }
                }
            } else {
                for (int k = k0; k < k1; k++) {
                    double v = recall[((t * nK + k) * nA + a) * nM + m];
                    if (v > -1) {
                        vals[n++] = v;
                    }
                }
            }
        }
        return n == 0 ? -1 : NumpyMath.mean(vals, n);
    }

    /** Per-category numbers at area "all" and the largest maxDets. */
    public record CategoryResult(long id, String name, double ap, double ap50, double ap75, double ar) {}

    /** AP, AP50, AP75 and AR per category (area all, maxDets[-1]); -1 without ground truth. */
    public List<CategoryResult> perCategory() {
        ensureAccumulated();
        int md = params.maxDets()[params.m() - 1];
        List<CategoryResult> out = new ArrayList<>();
        for (int k = 0; k < gt.categoryCount(); k++) {
            out.add(new CategoryResult(gt.categoryIds[k], gt.categoryNames[k],
                    value(new Setting(true, Double.NaN, "all", md), k),
                    value(new Setting(true, .5, "all", md), k),
                    value(new Setting(true, .75, "all", md), k),
                    value(new Setting(false, Double.NaN, "all", md), k)));
        }
        return out;
    }
}
