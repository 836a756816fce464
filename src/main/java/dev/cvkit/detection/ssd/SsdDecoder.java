package dev.cvkit.detection.ssd;

import dev.cvkit.detection.targets.BoxCoder;
import dev.cvkit.structures.BoxOps;
import dev.cvkit.structures.ScoredBoxes;
import dev.cvkit.structures.TopScores;
import dev.cvkit.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * SSD's detections, as torchvision's SSD.postprocess_detections: softmax over the classes,
 * decode every default box (weights 10, 10, 5, 5) and clip it to the image; per class ≥ 1 the
 * scores above {@code scoreThresh} (0.01), the best {@code topkCandidates} (400); then NMS per
 * class (0.45) and the best {@code detectionsPerImage} (200). Equal scores within a class keep
 * default-box order. Primitive arrays throughout: an untrained SSDLite at a score threshold of
 * 0.001 has nearly every (box, class) pair as a candidate.
 */
public final class SsdDecoder {
    private final float scoreThresh, nmsThresh;
    private final int topk, perImage;
    private final BoxCoder coder = new BoxCoder(10f, 10f, 5f, 5f);

    public SsdDecoder(float scoreThresh, float nmsThresh, int topkCandidates, int detectionsPerImage) {
        if (topkCandidates <= 0 || detectionsPerImage <= 0) throw new IllegalArgumentException("SSD decoder: counts must be positive");
        this.scoreThresh = scoreThresh;
        this.nmsThresh = nmsThresh;
        this.topk = topkCandidates;
        this.perImage = detectionsPerImage;
    }

    public static SsdDecoder torchvision() { return new SsdDecoder(0.01f, 0.45f, 400, 200); }

    public List<ScoredBoxes> decode(SsdHead.Output head, int classes, float[] defaultBoxes, int[][] imageSizes) {
        float[] logits = dev.cvkit.detection.targets.AnchorOrder.flatten(head.classLogits(), classes).data();
        float[] deltas = dev.cvkit.detection.targets.AnchorOrder.flatten(head.boxDeltas(), 4).data();
        int a = defaultBoxes.length / 4;
        List<ScoredBoxes> out = new ArrayList<>();
        TopScores top = new TopScores();
        int[] best = new int[a];
        for (int i = 0; i < imageSizes.length; i++) {
            float[] boxes = coder.decode(java.util.Arrays.copyOfRange(deltas, i * a * 4, (i + 1) * a * 4), defaultBoxes);
            for (int j = 0; j < boxes.length; j += 4) {
                boxes[j] = BoxOps.clampToImage(boxes[j], imageSizes[i][1]);
                boxes[j + 1] = BoxOps.clampToImage(boxes[j + 1], imageSizes[i][0]);
                boxes[j + 2] = BoxOps.clampToImage(boxes[j + 2], imageSizes[i][1]);
                boxes[j + 3] = BoxOps.clampToImage(boxes[j + 3], imageSizes[i][0]);
            }
            // probabilities class-major, so each class's scan below is contiguous
            float[] prob = softmaxByClass(logits, i * a, a, classes);
            int cap = (classes - 1) * Math.min(topk, a);
            float[] b = new float[4 * cap], s = new float[cap];
            int[] l = new int[cap];
            int m = 0;
            for (int label = 1; label < classes; label++) {
                int base = label * a, take = top.select(prob, base, a, scoreThresh, topk, best);
                for (int k = 0; k < take; k++, m++) {
                    System.arraycopy(boxes, 4 * best[k], b, 4 * m, 4);
                    s[m] = prob[base + best[k]];
                    l[m] = label;
                }
            }
            if (m < cap) {
                b = java.util.Arrays.copyOf(b, 4 * m);
                s = java.util.Arrays.copyOf(s, m);
                l = java.util.Arrays.copyOf(l, m);
            }
            out.add(ScoredBoxes.nmsPerLabel(b, s, l, nmsThresh, perImage));
        }
        return out;
    }

    /**
     * Softmax of rows [r0, r0 + rows) of x (c per row), float32, written transposed: p[k·rows + r]
     * (the same arithmetic in the same order as a row-wise softmax).
     */
    private static float[] softmaxByClass(float[] x, int r0, int rows, int c) {
        float[] p = new float[rows * c], e = new float[c];
        for (int r = 0; r < rows; r++) {
            int o = (r0 + r) * c;
            float max = Float.NEGATIVE_INFINITY;
            for (int k = 0; k < c; k++) max = Math.max(max, x[o + k]);
            float sum = 0;
            for (int k = 0; k < c; k++) {
                e[k] = (float) Math.exp(x[o + k] - max);
                sum += e[k];
            }
            for (int k = 0; k < c; k++) p[k * rows + r] = e[k] / sum;
        }
        return p;
    }

}
