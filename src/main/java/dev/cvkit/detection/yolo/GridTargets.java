package dev.cvkit.detection.yolo;

/**
 * YOLO v1's training targets for one image (Redmon et al. 2016, section 2.2). The cell holding a
 * box's centre is responsible for it (one object per cell: the larger box wins), and of its B
 * predictors the one whose current box overlaps the ground truth most (the first on ties). That
 * predictor aims at x, y (the centre's offset in the cell), √w, √h (relative to the image) with
 * weight λcoord = 5 and at a confidence equal to its current IoU with the box (weight 1); every
 * other predictor aims at confidence 0 with weight λnoobj = 0.5; the cell's class probabilities
 * aim at the one-hot class (weight 1). Cells without an object have no coordinate or class term.
 */
public final class GridTargets {
    public static final float LAMBDA_COORD = 5f, LAMBDA_NOOBJ = 0.5f;

    private GridTargets() {}

    /**
     * Targets and per-term weights, each laid out as the predictions [S·S·(5B + K)]; the loss
     * is Σ weight·(prediction − target)² per term.
     */
    public record Targets(float[] target, float[] coord, float[] obj, float[] noobj, float[] cls) {}

    /**
     * @param pred   one image's predictions (see {@link YoloV1Net#forwardGrid}), detached
     * @param gt     [G·4] boxes in input pixels (x1, y1, x2, y2); {@code labels} 0 … K−1
     * @param imgsz  the square input's side
     */
    public static Targets build(float[] pred, int grid, int boxes, int classes, int imgsz, float[] gt, int[] labels) {
        int per = 5 * boxes + classes, n = grid * grid * per;
        float[] t = new float[n], coord = new float[n], obj = new float[n], noobj = new float[n], cls = new float[n];
        float cell = imgsz / (float) grid;
        Integer[] order = new Integer[labels.length];
        for (int g = 0; g < order.length; g++) order[g] = g;
        java.util.Arrays.sort(order, (a, b) -> Double.compare(area(gt, b), area(gt, a)));
        boolean[] taken = new boolean[grid * grid];
        int[] responsible = new int[grid * grid];
        java.util.Arrays.fill(responsible, -1);
        for (int g : order) {
            float cx = (gt[4 * g] + gt[4 * g + 2]) / 2, cy = (gt[4 * g + 1] + gt[4 * g + 3]) / 2;
            int j = Math.min(grid - 1, Math.max(0, (int) Math.floor(cx / cell)));
            int i = Math.min(grid - 1, Math.max(0, (int) Math.floor(cy / cell)));
            int c = i * grid + j;
            if (taken[c]) continue;
            taken[c] = true;
            int base = c * per, best = 0;
            double bestIou = -1;
            for (int b = 0; b < boxes; b++) {
                double u = BoxIou.iou(box(pred, base + 5 * b, i, j, cell, imgsz), 0, gt, 4 * g);
                if (u > bestIou) {
                    bestIou = u;
                    best = b;
                }
            }
            responsible[c] = best;
            int o = base + 5 * best;
            t[o] = cx / cell - j;
            t[o + 1] = cy / cell - i;
            t[o + 2] = (float) Math.sqrt((gt[4 * g + 2] - gt[4 * g]) / imgsz);
            t[o + 3] = (float) Math.sqrt((gt[4 * g + 3] - gt[4 * g + 1]) / imgsz);
            t[o + 4] = (float) bestIou;
            for (int q = 0; q < 4; q++) coord[o + q] = LAMBDA_COORD;
            obj[o + 4] = 1f;
            t[base + 5 * boxes + labels[g]] = 1f;
            for (int k = 0; k < classes; k++) cls[base + 5 * boxes + k] = 1f;
        }
        for (int c = 0; c < grid * grid; c++) {
            for (int b = 0; b < boxes; b++) if (b != responsible[c]) noobj[c * per + 5 * b + 4] = LAMBDA_NOOBJ;
        }
        return new Targets(t, coord, obj, noobj, cls);
    }

    /** The box (x1, y1, x2, y2, input pixels) of the predictor at {@code o} in cell (i, j). */
    static float[] box(float[] pred, int o, int i, int j, float cell, int imgsz) {
        float cx = (j + pred[o]) * cell, cy = (i + pred[o + 1]) * cell;
        float w = pred[o + 2] * pred[o + 2] * imgsz, h = pred[o + 3] * pred[o + 3] * imgsz;
        return new float[] {cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2};
    }

    private static double area(float[] b, int g) {
        return (double) (b[4 * g + 2] - b[4 * g]) * (b[4 * g + 3] - b[4 * g + 1]);
    }
}
