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

    /** Category id at dense index {@code k} (ascending id order). */
    public long categoryId(int k) { return gt.categoryIds[k]; }

    public String categoryName(int k) { return gt.categoryNames[k]; }

    private void checkInputs() {
        boolean segm = params.iouType() == IouType.SEGM;
        for (int j = 0; j < gt.size; j++) {
            String at = gt.file + ": annotation id " + gt.annIds[j] + " (line " + gt.line[j] + ")";
            if (segm && gt.segmentation[j] == null) {
                throw new CocoFormatException(at + ": no 'segmentation' (needed for --iou-type segm)");
            }
            if (!segm && Double.isNaN(gt.bbox[4 * j])) {
                throw new CocoFormatException(at + ": no 'bbox' (needed for --iou-type bbox)");
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
        Parallel.forEach(nPairs, threads, p -> evals[p] = evaluatePair(p));
        precision = null;
        stats = null;
    }

    private void buildPairs() {
        int nImg = gt.imageCount();
        int nCat = gt.categoryCount();
        if ((long) nImg * nCat >= Integer.MAX_VALUE) {
            throw new CocoFormatException(gt.file + ": too many images × categories to evaluate");
        }
        long[] keys = new long[gt.size + dt.size];
        for (int j = 0; j < gt.size; j++) {
            keys[j] = (long) gt.annCategory[j] * nImg + gt.annImage[j];
        }
        for (int j = 0; j < dt.size; j++) {
            keys[gt.size + j] = (long) dt.category[j] * nImg + dt.image[j];
        }
        long[] sorted = keys.clone();
        Arrays.sort(sorted);
        int u = 0;
        for (int j = 0; j < sorted.length; j++) {
            if (u == 0 || sorted[u - 1] != sorted[j]) {
                sorted[u++] = sorted[j];
            }
        }
        nPairs = u;
        pairCat = new int[u];
        pairImg = new int[u];
        catPairStart = new int[nCat + 1];
        for (int p = 0; p < u; p++) {
            pairCat[p] = (int) (sorted[p] / nImg);
            pairImg[p] = (int) (sorted[p] % nImg);
            catPairStart[pairCat[p] + 1]++;
        }
        for (int k = 0; k < nCat; k++) {
            catPairStart[k + 1] += catPairStart[k];
        }
        gtStart = new int[u + 1];
        gtList = group(keys, 0, gt.size, sorted, u, gtStart);
        dtStart = new int[u + 1];
        dtList = group(keys, gt.size, dt.size, sorted, u, dtStart);
    }

    /** Counting sort of annotations {@code 0..n-1} into their pairs, keeping file order. */
    private static int[] group(long[] keys, int offset, int n, long[] pairKeys, int nPairs, int[] start) {
        int[] pairOf = new int[n];
        for (int j = 0; j < n; j++) {
            int p = Arrays.binarySearch(pairKeys, 0, nPairs, keys[offset + j]);
            pairOf[j] = p;
            start[p + 1]++;
        }
        for (int p = 0; p < nPairs; p++) {
            start[p + 1] += start[p];
        }
        int[] fill = Arrays.copyOf(start, nPairs);
        int[] list = new int[n];
        for (int j = 0; j < n; j++) {
            list[fill[pairOf[j]]++] = j;
        }
        return list;
    }

    /** What evaluateImg computes for one image × category, for every area range. */
    private static final class PairEval {
        int[] dts;          // result indices, score order, at most maxDets[-1]
        int[] gts;          // ground-truth indices, file order
        double[] dtScores;
        int[][] gtOrder;    // [A][G] gts positions, not-ignored first
        boolean[][] gtIgnore; // [A][G] in gtOrder order
        int[][] dtMatch;    // [A][T*D] matched position in gtOrder, or -1
        boolean[][] dtIgnore; // [A][T*D]
        int[] npig;         // [A] ground truths not ignored
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
        e.gtOrder = new int[nA][];
        e.gtIgnore = new boolean[nA][];
        e.dtMatch = new int[nA][];
        e.dtIgnore = new boolean[nA][];
        e.npig = new int[nA];
        boolean[] gtMatched = new boolean[nT * nG];
        for (int a = 0; a < nA; a++) {
            double lo = params.areaRng()[a][0];
            double hi = params.areaRng()[a][1];
            int[] order = new int[nG];
            boolean[] ig = new boolean[nG];
            int pos = 0;
            for (int pass = 0; pass < 2; pass++) {
                for (int g = 0; g < nG; g++) {
                    double ar = gt.area[e.gts[g]];
                    boolean ignore = crowd[g] || ar < lo || ar > hi;
                    if (ignore == (pass == 1)) {
                        order[pos] = g;
                        ig[pos] = ignore;
                        pos++;
                    }
                }
            }
            int npig = 0;
            for (int g = 0; g < nG; g++) {
                if (!ig[g]) {
                    npig++;
                }
            }
            int[] match = new int[nT * nD];
            Arrays.fill(match, -1);
            boolean[] dIg = new boolean[nT * nD];
            if (ious != null) {
                Arrays.fill(gtMatched, false);
                for (int t = 0; t < nT; t++) {
                    for (int d = 0; d < nD; d++) {
                        double best = Math.min(thr[t], 1 - 1e-10);
                        int m = -1;
                        for (int gs = 0; gs < nG; gs++) {
                            int g = order[gs];
                            if (gtMatched[t * nG + gs] && !crowd[g]) {
                                continue;
                            }
                            if (m > -1 && !ig[m] && ig[gs]) {
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
                        dIg[t * nD + d] = ig[m];
                        match[t * nD + d] = m;
                        gtMatched[t * nG + m] = true;
                    }
                }
            }
            for (int d = 0; d < nD; d++) {
                double ar = dt.area[e.dts[d]];
                if (ar < lo || ar > hi) {
                    for (int t = 0; t < nT; t++) {
                        if (match[t * nD + d] < 0) {
                            dIg[t * nD + d] = true;
                        }
                    }
                }
            }
            e.gtOrder[a] = order;
            e.gtIgnore[a] = ig;
            e.dtMatch[a] = match;
            e.dtIgnore[a] = dIg;
            e.npig[a] = npig;
        }
        return e;
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
        PairEval e = evals[p];
        int nT = params.t();
        int nD = e.dts.length;
        int nG = e.gts.length;
        long[] dtIds = new long[nD];
        for (int d = 0; d < nD; d++) {
            dtIds[d] = e.dts[d] + 1L;
        }
        long[] gtIds = new long[nG];
        for (int g = 0; g < nG; g++) {
            gtIds[g] = gt.annIds[e.gts[e.gtOrder[a][g]]];
        }
        long[][] dtm = new long[nT][nD];
        long[][] gtm = new long[nT][nG];
        boolean[][] dtIg = new boolean[nT][nD];
        for (int t = 0; t < nT; t++) {
            for (int d = 0; d < nD; d++) {
                int m = e.dtMatch[a][t * nD + d];
                if (m >= 0) {
                    dtm[t][d] = gtIds[m];
                    gtm[t][m] = dtIds[d];
                }
                dtIg[t][d] = e.dtIgnore[a][t * nD + d];
            }
        }
        return new EvalImage(gt.imageIds[i], gt.categoryIds[k], params.areaRng()[a].clone(),
                params.maxDets()[params.m() - 1], dtIds, gtIds, dtm, gtm, e.dtScores.clone(),
                e.gtIgnore[a].clone(), dtIg);
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
        double eps = Math.ulp(1.0); // np.spacing(1)
        // All kept results of this category in image order, then score order within the image.
        int n = 0;
        for (int p = p0; p < p1; p++) {
            n += evals[p].dts.length;
        }
        double[] score = new double[n];
        int[] pairOf = new int[n];
        int[] rank = new int[n];
        int j = 0;
        for (int p = p0; p < p1; p++) {
            PairEval e = evals[p];
            for (int d = 0; d < e.dts.length; d++) {
                score[j] = e.dtScores[d];
                pairOf[j] = p;
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
        int[] sel = new int[n];
        double[] rc = new double[n];
        double[] pr = new double[n];
        for (int m = 0; m < nM; m++) {
            int maxDet = params.maxDets()[m];
            int nd = 0;
            for (int i = 0; i < n; i++) {
                if (rank[order[i]] < maxDet) {
                    sel[nd++] = order[i];
                }
            }
            for (int a = 0; a < nA; a++) {
                int npig = 0;
                for (int p = p0; p < p1; p++) {
                    npig += evals[p].npig[a];
                }
                if (npig == 0) {
                    continue;
                }
                for (int t = 0; t < nT; t++) {
                    long tp = 0;
                    long fp = 0;
                    for (int i = 0; i < nd; i++) {
                        int s = sel[i];
                        PairEval e = evals[pairOf[s]];
                        int at = t * e.dts.length + rank[s];
                        if (!e.dtIgnore[a][at]) {
                            if (e.dtMatch[a][at] >= 0) {
                                tp++;
                            } else {
                                fp++;
                            }
                        }
                        double tpd = tp;
                        rc[i] = tpd / npig;
                        pr[i] = tpd / ((double) fp + tpd + eps);
                    }
                    int ri = ((t * nK + k) * nA + a) * nM + m;
                    recall[ri] = nd > 0 ? rc[nd - 1] : 0;
                    // interpolated precision: the best precision at any higher recall
                    for (int i = nd - 1; i > 0; i--) {
                        if (pr[i] > pr[i - 1]) {
                            pr[i - 1] = pr[i];
                        }
                    }
                    int pi = 0;
                    for (int r = 0; r < nR; r++) {
                        // np.searchsorted(rc, recThrs, 'left'): first i with rc[i] >= thr
                        while (pi < nd && rc[pi] < recThrs[r]) {
                            pi++;
                        }
                        int at = (((t * nR + r) * nK + k) * nA + a) * nM + m;
                        if (pi < nd) {
                            precision[at] = pr[pi];
                            scores[at] = score[sel[pi]];
                        } else {
                            precision[at] = 0;
                            scores[at] = 0;
                        }
                    }
                }
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
