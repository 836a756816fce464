package dev.cvkit.detection;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The non-maximum suppressions of the original runtimes, kept separate because their details
 * (strict vs non-strict thresholds, tie order) decide which of two near-equal boxes survives.
 */
final class Nms {
    private Nms() {}

    /**
     * face-api's SSD NMS: candidates with score > scoreThr, by descending score (stable); a
     * candidate is kept unless its IoU with a kept box exceeds iouThr; at most maxOut.
     * Boxes are {@code [ymin, xmin, ymax, xmax]} (corners in any order); IoU 0 for empty boxes.
     */
    static List<Integer> faceApiSsd(float[] boxes, float[] scores, int maxOut, double iouThr, double scoreThr) {
        Integer[] cand = candidates(scores, scoreThr);
        List<Integer> kept = new ArrayList<>();
        int limit = Math.min(maxOut, scores.length);
        for (int c : cand) {
            if (kept.size() >= limit) {
                break;
            }
            boolean suppressed = false;
            for (int j = kept.size() - 1; j >= 0 && !suppressed; j--) {
                suppressed = iouYxyx(boxes, c, kept.get(j)) > iouThr;
            }
            if (!suppressed) {
                kept.add(c);
            }
        }
        return kept;
    }

    private static double iouYxyx(float[] b, int i, int j) {
        double yi0 = Math.min(b[i * 4], b[i * 4 + 2]), xi0 = Math.min(b[i * 4 + 1], b[i * 4 + 3]);
        double yi1 = Math.max(b[i * 4], b[i * 4 + 2]), xi1 = Math.max(b[i * 4 + 1], b[i * 4 + 3]);
        double yj0 = Math.min(b[j * 4], b[j * 4 + 2]), xj0 = Math.min(b[j * 4 + 1], b[j * 4 + 3]);
        double yj1 = Math.max(b[j * 4], b[j * 4 + 2]), xj1 = Math.max(b[j * 4 + 1], b[j * 4 + 3]);
        double ai = (yi1 - yi0) * (xi1 - xi0), aj = (yj1 - yj0) * (xj1 - xj0);
        if (ai <= 0 || aj <= 0) {
            return 0;
        }
        double inter = Math.max(Math.min(yi1, yj1) - Math.max(yi0, yj0), 0) * Math.max(Math.min(xi1, xj1) - Math.max(xi0, xj0), 0);
        return inter / (ai + aj - inter);
    }

    /**
     * Greedy NMS over boxes {@code [x0, y0, x1, y1]} (double): highest score first, drop every
     * remaining box whose IoU with it exceeds iouThr. Ties: the later index is taken first (as
     * face-api's ops.nonMaxSuppression pops from an ascending stable sort).
     */
    static List<Integer> greedyXyxy(double[] boxes, double[] scores, double iouThr) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> scores[i]));
        List<Integer> remaining = new ArrayList<>(Arrays.asList(order));
        List<Integer> pick = new ArrayList<>();
        while (!remaining.isEmpty()) {
            int cur = remaining.remove(remaining.size() - 1);
            pick.add(cur);
            remaining.removeIf(i -> !(iouXyxy(boxes, cur, i) <= iouThr)); // NaN IoU drops too, as in face-api
        }
        return pick;
    }

    static double iouXyxy(double[] b, int i, int j) {
        double w = Math.max(0, Math.min(b[i * 4 + 2], b[j * 4 + 2]) - Math.max(b[i * 4], b[j * 4]));
        double h = Math.max(0, Math.min(b[i * 4 + 3], b[j * 4 + 3]) - Math.max(b[i * 4 + 1], b[j * 4 + 1]));
        double inter = w * h;
        double ai = (b[i * 4 + 2] - b[i * 4]) * (b[i * 4 + 3] - b[i * 4 + 1]);
        double aj = (b[j * 4 + 2] - b[j * 4]) * (b[j * 4 + 3] - b[j * 4 + 1]);
        return inter / (ai + aj - inter);
    }

    /**
     * Per-class NMS (mmdetection's multiclass_nms as NanoDet uses it): each (box, class) pair with
     * score > scoreThr is a candidate; within a class, by descending score, a candidate is
     * dropped if its IoU with a kept one of the same class exceeds iouThr; the survivors of all
     * classes are sorted by descending score and cut to maxOut.
     *
     * @param boxes [N*4] {@code [x0, y0, x1, y1]}
     * @param scores [N*C] per box, per class
     * @return pairs {@code [box index, class]} in output order
     */
    /**
     * Class-agnostic greedy NMS over every (box, class) pair scoring above {@code scoreThr}:
     * pairs in descending score (ties by box, then class index), each kept unless it overlaps a
     * kept pair of any class above {@code iouThr}; at most {@code maxOut}, as {@code {box, class}}.
     */
    static List<int[]> agnostic(float[] boxes, float[] scores, int classes, double scoreThr, double iouThr, int maxOut) {
        int n = boxes.length / 4;
        List<int[]> cand = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < classes; c++) {
                if (scores[i * classes + c] > scoreThr) {
                    cand.add(new int[] {i, c});
                }
            }
        }
        cand.sort((a, b) -> {
            int s = Float.compare(scores[b[0] * classes + b[1]], scores[a[0] * classes + a[1]]);
            return s != 0 ? s : a[0] != b[0] ? Integer.compare(a[0], b[0]) : Integer.compare(a[1], b[1]);
        });
        List<int[]> keep = new ArrayList<>();
        for (int[] p : cand) {
            if (keep.size() >= maxOut) {
                break;
            }
            boolean suppressed = false;
            for (int[] k : keep) {
                if (iouFloat(boxes, p[0], k[0]) > iouThr) {
                    suppressed = true;
                    break;
                }
            }
            if (!suppressed) {
                keep.add(p);
            }
        }
        return keep;
    }

    static List<int[]> perClass(float[] boxes, float[] scores, int classes, double scoreThr, double iouThr, int maxOut) {
        int n = boxes.length / 4;
        List<int[]> kept = new ArrayList<>();
        List<Float> keptScores = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            List<Integer> cand = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (scores[i * classes + c] > scoreThr) {
                    cand.add(i);
                }
            }
            final int cls = c;
            cand.sort(Comparator.comparingDouble(i -> -scores[i * classes + cls]));
            List<Integer> keep = new ArrayList<>();
            for (int i : cand) {
                boolean suppressed = false;
                for (int k : keep) {
                    if (iouFloat(boxes, i, k) > iouThr) {
                        suppressed = true;
                        break;
                    }
                }
                if (!suppressed) {
                    keep.add(i);
                    kept.add(new int[] {i, c});
                    keptScores.add(scores[i * classes + c]);
                }
            }
        }
        Integer[] order = new Integer[kept.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> -keptScores.get(i)));
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < Math.min(maxOut, order.length); i++) {
            out.add(kept.get(order[i]));
        }
        return out;
    }

    private static double iouFloat(float[] b, int i, int j) {
        double w = Math.max(0, Math.min(b[i * 4 + 2], b[j * 4 + 2]) - Math.max(b[i * 4], b[j * 4]));
        double h = Math.max(0, Math.min(b[i * 4 + 3], b[j * 4 + 3]) - Math.max(b[i * 4 + 1], b[j * 4 + 1]));
        double inter = w * h;
        double ai = ((double) b[i * 4 + 2] - b[i * 4]) * ((double) b[i * 4 + 3] - b[i * 4 + 1]);
        double aj = ((double) b[j * 4 + 2] - b[j * 4]) * ((double) b[j * 4 + 3] - b[j * 4 + 1]);
        double union = ai + aj - inter;
        return union <= 0 ? 0 : inter / union;
    }

    /** Indices with score > thr, by descending score, ties in index order. */
    private static Integer[] candidates(float[] scores, double thr) {
        List<Integer> c = new ArrayList<>();
        for (int i = 0; i < scores.length; i++) {
            if (scores[i] > thr) {
                c.add(i);
            }
        }
        c.sort(Comparator.comparingDouble(i -> -scores[i]));
        return c.toArray(new Integer[0]);
    }
}
