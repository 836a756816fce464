package dev.cvkit.detection.yolo;

import dev.cvkit.structures.ScoredBoxes;
import dev.cvkit.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Boxes from the anchor-free head: each point's four side distances are the expectations of
 * their DFL distributions ({@link Dfl}) times the level's stride, measured from the point's
 * centre; each class score is the sigmoid of its logit. Every (point, class) with a score above
 * the threshold is a candidate at evaluation thresholds, else only its best class (see
 * {@link Candidates#add}); the best {@value #MAX_CANDIDATES} go through per-class NMS.
 */
public final class YoloDecoder {
    static final int MAX_CANDIDATES = 3000;
    private final YoloSpec spec;
    private final AnchorPoints points;

    public YoloDecoder(YoloSpec spec) {
        this.spec = spec;
        this.points = new AnchorPoints(spec.imgsz());
    }

    AnchorPoints points() { return points; }

    /** Detections per image in input pixels (labels 0 … K−1), by descending score. */
    public List<ScoredBoxes> detect(YoloNet.Output out, float conf, float iou, int maxDet) {
        int n = out.box().get(0).size(0), k = spec.classes();
        float[][] boxData = new float[3][], clsData = new float[3][];
        for (int l = 0; l < 3; l++) {
            boxData[l] = out.box().get(l).data();
            clsData[l] = out.cls().get(l).data();
        }
        List<ScoredBoxes> result = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Decoded d = decode(boxData, clsData, i, false);
            List<int[]> cand = new ArrayList<>();
            for (int q = 0; q < points.count(); q++) Candidates.add(cand, q, d.scores, k, conf);
            result.add(Candidates.nms(cand, d.boxes, d.scores, k, spec.imgsz(), iou, maxDet, MAX_CANDIDATES));
        }
        return result;
    }

    /** One image's decoded points: boxes [A·4] in input pixels, class probabilities [A·K], side distributions and distances. */
    record Decoded(float[] boxes, float[] scores, double[][][] probs, double[] dist) {}

    Decoded decode(float[][] boxData, float[][] clsData, int image, boolean keepProbs) {
        int a = points.count(), k = spec.classes(), bins = spec.regMax(), ch = 4 * bins;
        float[] boxes = new float[4 * a], scores = new float[a * k];
        double[][][] probs = keepProbs ? new double[a][4][bins] : null;
        double[] dist = new double[4 * a], p = new double[bins];
        for (int q = 0; q < a; q++) {
            int l = points.level[q];
            int hw = points.sizes[l] * points.sizes[l];
            for (int side = 0; side < 4; side++) {
                double[] pr = keepProbs ? probs[q][side] : p;
                Dfl.softmax(boxData[l], points.index(image, ch, side * bins, q), hw, bins, pr);
                dist[4 * q + side] = Dfl.expectation(pr, bins);
            }
            double s = points.stride[q], x = points.xy[2 * q], y = points.xy[2 * q + 1];
            boxes[4 * q] = (float) (x - s * dist[4 * q]);
            boxes[4 * q + 1] = (float) (y - s * dist[4 * q + 1]);
            boxes[4 * q + 2] = (float) (x + s * dist[4 * q + 2]);
            boxes[4 * q + 3] = (float) (y + s * dist[4 * q + 3]);
            for (int c = 0; c < k; c++) scores[q * k + c] = (float) sigmoid(clsData[l][points.index(image, k, c, q)]);
        }
        return new Decoded(boxes, scores, probs, dist);
    }


    /**
     * YOLO v1's boxes: per cell and predictor, the centre (j + x, i + y)·cell, the size
     * (√w)²·imgsz by (√h)²·imgsz, and per class the score confidence × class probability.
     */
    public static List<ScoredBoxes> grid(YoloSpec spec, Tensor pred, float conf, float iou, int maxDet) {
        int n = pred.size(0), per = pred.numel() / n, s = spec.grid(), b = spec.boxesPerCell(), k = spec.classes();
        float cell = spec.imgsz() / (float) s;
        List<ScoredBoxes> result = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] p = pred.data();
            int m = s * s * b;
            float[] boxes = new float[4 * m], scores = new float[m * k];
            List<int[]> cand = new ArrayList<>();
            for (int r = 0; r < s; r++) {
                for (int c = 0; c < s; c++) {
                    int base = i * per + (r * s + c) * (5 * b + k);
                    for (int q = 0; q < b; q++) {
                        int idx = (r * s + c) * b + q;
                        System.arraycopy(GridTargets.box(p, base + 5 * q, r, c, cell, spec.imgsz()), 0, boxes, 4 * idx, 4);
                        for (int cl = 0; cl < k; cl++) scores[idx * k + cl] = p[base + 5 * q + 4] * p[base + 5 * b + cl];
                        Candidates.add(cand, idx, scores, k, conf);
                    }
                }
            }
            result.add(Candidates.nms(cand, boxes, scores, k, spec.imgsz(), iou, maxDet, MAX_CANDIDATES));
        }
        return result;
    }

    static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }
}
