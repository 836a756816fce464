package dev.cvkit.detection.yolo;

import java.util.Arrays;

/**
 * Task-aligned assignment (TOOD, Feng et al. 2021; Ultralytics' TaskAlignedAssigner): for each
 * ground-truth box g and each candidate point a whose centre lies inside g, the alignment
 * t = s^α · u^β, s the predicted score of g's class at a and u the CIoU (clamped at 0) of a's
 * predicted box with g. Each box takes the {@code topk} points of highest t as positives; a point
 * claimed by several boxes keeps the one it overlaps most. A positive's target score for its
 * box's class is t normalised per box, t · max_u / max_t (the largest over the box's positives),
 * so the best aligned point of a box aims at the box's best IoU and the others lower; every other
 * target score is 0.
 */
public final class TaskAlignedAssigner {
    private final int topk;
    private final double alpha, beta;

    public TaskAlignedAssigner(int topk, double alpha, double beta) {
        if (topk < 1) throw new IllegalArgumentException("topk " + topk);
        this.topk = topk;
        this.alpha = alpha;
        this.beta = beta;
    }

    /** Ultralytics' YOLOv8 settings: top 10, α 0.5, β 6. */
    public static TaskAlignedAssigner yolov8() { return new TaskAlignedAssigner(10, 0.5, 6.0); }

    /**
     * One image's assignment.
     *
     * @param gt       index of each point's box, −1 for background
     * @param scores   [A·K] target scores (0 except at a positive's box class)
     */
    public record Assignment(int[] gt, float[] scores) {
        public int positives() {
            int n = 0;
            for (int g : gt) if (g >= 0) n++;
            return n;
        }
    }

    /**
     * @param points    [A·2] point centres (x, y) in pixels
     * @param predBoxes [A·4] predicted boxes (x1, y1, x2, y2), detached
     * @param predScore [A·K] predicted class probabilities (sigmoid), detached
     * @param gtBoxes   [G·4]; {@code gtLabels} [G] class indices 0 … K−1
     */
    public Assignment assign(float[] points, float[] predBoxes, float[] predScore, int classes, float[] gtBoxes, int[] gtLabels) {
        int a = points.length / 2, g = gtLabels.length;
        int[] owner = new int[a];
        Arrays.fill(owner, -1);
        float[] target = new float[a * classes];
        if (g == 0) return new Assignment(owner, target);
        double[][] metric = new double[g][a], overlap = new double[g][a];
        boolean[][] pos = new boolean[g][a];
        for (int j = 0; j < g; j++) {
            for (int i = 0; i < a; i++) {
                float x = points[2 * i], y = points[2 * i + 1];
                double inside = Math.min(Math.min(x - gtBoxes[4 * j], y - gtBoxes[4 * j + 1]),
                        Math.min(gtBoxes[4 * j + 2] - x, gtBoxes[4 * j + 3] - y));
                if (inside <= 1e-9) continue;
                double u = Math.max(0, BoxIou.value(BoxIou.Kind.CIOU, gtBoxes, 4 * j, predBoxes, 4 * i, null));
                overlap[j][i] = u;
                metric[j][i] = Math.pow(predScore[i * classes + gtLabels[j]], alpha) * Math.pow(u, beta);
                pos[j][i] = true;
            }
            keepTop(metric[j], pos[j]);
        }
        // a point claimed by several boxes keeps the box it overlaps most (the first on ties)
        for (int i = 0; i < a; i++) {
            int best = -1;
            for (int j = 0; j < g; j++) {
                if (pos[j][i] && (best < 0 || overlap[j][i] > overlap[best][i])) best = j;
            }
            for (int j = 0; j < g; j++) pos[j][i] = j == best;
            owner[i] = best;
        }
        for (int j = 0; j < g; j++) {
            double maxT = 0, maxU = 0;
            for (int i = 0; i < a; i++) {
                if (!pos[j][i]) continue;
                maxT = Math.max(maxT, metric[j][i]);
                maxU = Math.max(maxU, overlap[j][i]);
            }
            for (int i = 0; i < a; i++) {
                if (pos[j][i]) target[i * classes + gtLabels[j]] = (float) (metric[j][i] * maxU / (maxT + 1e-9));
            }
        }
        return new Assignment(owner, target);
    }

    /** Keeps, among the candidates, the {@code topk} of highest metric (earlier index first on ties). */
    private void keepTop(double[] metric, boolean[] candidate) {
        Integer[] order = new Integer[metric.length];
        int n = 0;
        for (int i = 0; i < metric.length; i++) if (candidate[i]) order[n++] = i;
        if (n <= topk) return;
        Integer[] c = Arrays.copyOf(order, n);
        Arrays.sort(c, (p, q) -> metric[q] != metric[p] ? Double.compare(metric[q], metric[p]) : Integer.compare(p, q));
        for (int k = topk; k < n; k++) candidate[c[k]] = false;
    }
}
