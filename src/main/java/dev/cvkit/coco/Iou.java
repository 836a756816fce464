package dev.cvkit.coco;

/**
 * IoU matrices between detections and ground truth as pycocotools computes them: for a crowd
 * ground truth the denominator is the detection's area alone (a detection may cover any part
 * of a crowd). Results are row-major {@code double[D*G]}, entry {@code [d*G + g]}.
 */
public final class Iou {
    private Iou() {}

    /**
     * Box IoU; boxes are {@code [x, y, w, h]}.
     *
     * @param dt    D boxes, flattened {@code double[4*D]}
     * @param gt    G boxes, flattened {@code double[4*G]}
     * @param crowd {@code boolean[G]}
     */
    public static double[] boxes(double[] dt, double[] gt, boolean[] crowd) {
        int nd = dt.length / 4;
        int ng = gt.length / 4;
        double[] o = new double[nd * ng];
        for (int g = 0; g < ng; g++) {
            double gx = gt[4 * g];
            double gy = gt[4 * g + 1];
            double gw = gt[4 * g + 2];
            double gh = gt[4 * g + 3];
            double ga = gw * gh;
            for (int d = 0; d < nd; d++) {
                o[d * ng + g] = box(dt[4 * d], dt[4 * d + 1], dt[4 * d + 2], dt[4 * d + 3], gx, gy, gw, gh, ga, crowd[g]);
            }
        }
        return o;
    }

    private static double box(double dx, double dy, double dw, double dh,
                              double gx, double gy, double gw, double gh, double ga, boolean crowd) {
        // Same operation order as pycocotools' C code, so results are bit-identical.
        double iw = Math.min(dw + dx, gw + gx) - Math.max(dx, gx);
        if (iw <= 0) {
            return 0;
        }
        double ih = Math.min(dh + dy, gh + gy) - Math.max(dy, gy);
        if (ih <= 0) {
            return 0;
        }
        double da = dw * dh;
        double i = iw * ih;
        double u = crowd ? da : da + ga - i;
        return i / u;
    }

    /**
     * Mask IoU of RLEs. As in pycocotools, pairs whose tight boxes do not overlap get 0 and
     * masks of different sizes get -1 (never a match).
     */
    public static double[] masks(Rle[] dt, Rle[] gt, boolean[] crowd) {
        int nd = dt.length;
        int ng = gt.length;
        double[] db = new double[4 * nd];
        double[] gb = new double[4 * ng];
        long[] darea = new long[nd];
        for (int d = 0; d < nd; d++) {
            System.arraycopy(dt[d].toBbox(), 0, db, 4 * d, 4);
            darea[d] = dt[d].area();
        }
        for (int g = 0; g < ng; g++) {
            System.arraycopy(gt[g].toBbox(), 0, gb, 4 * g, 4);
        }
        double[] o = boxes(db, gb, crowd);
        for (int d = 0; d < nd; d++) {
            for (int g = 0; g < ng; g++) {
                if (o[d * ng + g] > 0) {
                    o[d * ng + g] = mask(dt[d], gt[g], crowd[g], darea[d]);
                }
            }
        }
        return o;
    }

    /** IoU of two RLEs (crowd: intersection over the detection's area). */
    static double mask(Rle a, Rle b, boolean crowd, long areaA) {
        if (a.height() != b.height() || a.width() != b.width()) {
            return -1;
        }
        int ka = a.runs();
        int kb = b.runs();
        long ca = ka > 0 ? a.count(0) : 0;
        long cb = kb > 0 ? b.count(0) : 0;
        boolean va = false;
        boolean vb = false;
        int ia = 1;
        int ib = 1;
        long inter = 0;
        long union = 0;
        long ct = 1;
        // Walk both run lists at once; each step advances to the next boundary of either.
        while (ct > 0) {
            long c = Math.min(ca, cb);
            if (va || vb) {
                union += c;
                if (va && vb) {
                    inter += c;
                }
            }
            ct = 0;
            ca -= c;
            if (ca == 0 && ia < ka) {
                ca = a.count(ia++);
                va = !va;
            }
            ct += ca;
            cb -= c;
            if (cb == 0 && ib < kb) {
                cb = b.count(ib++);
                vb = !vb;
            }
            ct += cb;
        }
        if (inter == 0) {
            union = 1;
        } else if (crowd) {
            union = areaA;
        }
        return (double) inter / (double) union;
    }
}
