package dev.cvkit.detection.yolo;

/**
 * IoU, GIoU and CIoU of a predicted box against a target box (x1, y1, x2, y2), with the
 * gradient of the value with respect to the predicted box's four coordinates. CIoU (Zheng et al.
 * 2020) is IoU − ρ²/c² − α·v: ρ the distance of the centres, c the diagonal of the enclosing box,
 * v = 4/π²·(atan(w_g/h_g) − atan(w_p/h_p))² the aspect-ratio term and α = v/(v − IoU + 1) taken
 * as a constant, as Ultralytics does (computed without gradient). GIoU is IoU − (C − U)/C with
 * C the enclosing area. The IoU loss of the YOLO trainer is 1 − CIoU.
 */
public final class BoxIou {
    /** Which overlap. */
    public enum Kind { IOU, GIOU, CIOU }

    static final double EPS = 1e-7;

    private BoxIou() {}

    /**
     * The overlap of p[po…po+3] with g[go…go+3]; when {@code grad} is not null, grad[0…3] receives
     * its derivative with respect to p's x1, y1, x2, y2. Degenerate predictions (x2 &lt; x1) count
     * as zero width.
     */
    public static double value(Kind kind, float[] p, int po, float[] g, int go, double[] grad) {
        double px1 = p[po], py1 = p[po + 1], px2 = p[po + 2], py2 = p[po + 3];
        double gx1 = g[go], gy1 = g[go + 1], gx2 = g[go + 2], gy2 = g[go + 3];
        double wp = px2 - px1, hp = py2 - py1 + EPS, wg = gx2 - gx1, hg = gy2 - gy1 + EPS;
        double iw = Math.min(px2, gx2) - Math.max(px1, gx1), ih = Math.min(py2, gy2) - Math.max(py1, gy1);
        boolean overlap = iw > 0 && ih > 0;
        double inter = overlap ? iw * ih : 0;
        double union = wp * hp + wg * hg - inter + EPS;
        double iou = inter / union;
        // d inter / d (x1, y1, x2, y2), d area_p / d (…)
        double[] dI = new double[4];
        if (overlap) {
            dI[0] = px1 > gx1 ? -ih : 0;
            dI[2] = px2 < gx2 ? ih : 0;
            dI[1] = py1 > gy1 ? -iw : 0;
            dI[3] = py2 < gy2 ? iw : 0;
        }
        double[] dA = {-hp, -wp, hp, wp};
        double[] dIou = new double[4];
        for (int k = 0; k < 4; k++) dIou[k] = (dI[k] * union - inter * (dA[k] - dI[k])) / (union * union);
        double cw = Math.max(px2, gx2) - Math.min(px1, gx1), ch = Math.max(py2, gy2) - Math.min(py1, gy1);
        double[] dcw = {px1 < gx1 ? -1 : 0, 0, px2 > gx2 ? 1 : 0, 0};
        double[] dch = {0, py1 < gy1 ? -1 : 0, 0, py2 > gy2 ? 1 : 0};
        double v;
        double[] d = new double[4];
        switch (kind) {
            case IOU -> {
                v = iou;
                d = dIou;
            }
            case GIOU -> {
                double c = cw * ch + EPS;
                v = iou - (c - union) / c;
                for (int k = 0; k < 4; k++) {
                    double dc = dcw[k] * ch + dch[k] * cw, du = dA[k] - dI[k];
                    d[k] = dIou[k] + (du * c - union * dc) / (c * c);
                }
            }
            default -> {
                double c2 = cw * cw + ch * ch + EPS;
                double dx = px1 + px2 - gx1 - gx2, dy = py1 + py2 - gy1 - gy2;
                double rho2 = (dx * dx + dy * dy) / 4;
                double[] drho = {dx / 2, dy / 2, dx / 2, dy / 2};
                double atg = Math.atan(wg / hg), atp = Math.atan(wp / hp);
                double ar = 4 / (Math.PI * Math.PI) * (atg - atp) * (atg - atp);
                double alpha = ar / (ar - iou + (1 + EPS));
                v = iou - (rho2 / c2 + ar * alpha);
                double r2 = wp * wp + hp * hp, common = 8 / (Math.PI * Math.PI) * (atg - atp);
                double dvdw = common * -(hp / r2), dvdh = common * (wp / r2);
                double[] dv = {-dvdw, -dvdh, dvdw, dvdh};
                for (int k = 0; k < 4; k++) {
                    double dc2 = 2 * cw * dcw[k] + 2 * ch * dch[k];
                    d[k] = dIou[k] - (drho[k] * c2 - rho2 * dc2) / (c2 * c2) - alpha * dv[k];
                }
            }
        }
        if (grad != null) System.arraycopy(d, 0, grad, 0, 4);
        return v;
    }

    /** Plain IoU of two boxes (for grid targets and tests). */
    public static double iou(float[] a, int ao, float[] b, int bo) {
        return value(Kind.IOU, a, ao, b, bo, null);
    }
}
