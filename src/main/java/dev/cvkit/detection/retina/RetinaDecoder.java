package dev.cvkit.detection.retina;

import dev.cvkit.detection.targets.BoxCoder;
import dev.cvkit.structures.BoxOps;
import dev.cvkit.structures.ScoredBoxes;
import dev.cvkit.structures.TopScores;
import dev.cvkit.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * RetinaNet's detections, as torchvision's RetinaNet.postprocess_detections: per image and
 * level, sigmoid every (anchor, class) logit, keep those above {@code scoreThresh} (0.05), the
 * best {@code topkCandidates} (1000) of them, decode their anchors' deltas (weights 1, 1, 1, 1)
 * and clip to the image; then NMS per class (0.5) over all levels and keep
 * {@code detectionsPerImage} (300). Labels are class indices 0 … K−1 (no background class).
 */
public final class RetinaDecoder {
    private final float scoreThresh, nmsThresh;
    private final int topkCandidates, detectionsPerImage;
    private final BoxCoder coder = new BoxCoder(1f, 1f, 1f, 1f);

    public RetinaDecoder(float scoreThresh, float nmsThresh, int topkCandidates, int detectionsPerImage) {
        if (topkCandidates <= 0 || detectionsPerImage <= 0) throw new IllegalArgumentException("RetinaNet decoder: counts must be positive");
        this.scoreThresh = scoreThresh;
        this.nmsThresh = nmsThresh;
        this.topkCandidates = topkCandidates;
        this.detectionsPerImage = detectionsPerImage;
    }

    public static RetinaDecoder torchvision() { return new RetinaDecoder(0.05f, 0.5f, 1000, 300); }

    /**
     * @param head the head's outputs per level
     * @param anchors one image's anchors [ΣA·4] (shared by the batch)
     * @param imageSizes per image {height, width}
     */
    public List<ScoredBoxes> decode(RetinaHead.Output head, int classes, float[] anchors, int[][] imageSizes) {
        List<ScoredBoxes> out = new ArrayList<>();
        int n = imageSizes.length, levels = head.classLogits().size();
        TopScores top = new TopScores();
        int[] best = new int[topkCandidates];
        float[] d = new float[4];
        for (int i = 0; i < n; i++) {
            float[] b = new float[4 * levels * topkCandidates], s = new float[levels * topkCandidates];
            int[] lab = new int[levels * topkCandidates];
            int m = 0, anchorBase = 0;
            int[] size = imageSizes[i];
            for (int l = 0; l < levels; l++) {
                Tensor c = head.classLogits().get(l), r = head.boxDeltas().get(l);
                int ak = c.size(1), a = ak / classes, hw = c.size(2) * c.size(3);
                float[] cd = c.data(), rd = r.data();
                int count = hw * a * classes;
                // (anchor, class) pairs in anchor order, flattened as torchvision's logits_per_level
                float[] prob = new float[count];
                for (int q = 0; q < hw; q++) {
                    for (int an = 0; an < a; an++) {
                        for (int k = 0; k < classes; k++) {
                            float v = cd[((i * a + an) * classes + k) * hw + q];
                            prob[(q * a + an) * classes + k] = (float) (1 / (1 + Math.exp(-v)));
                        }
                    }
                }
                int take = top.select(prob, 0, count, scoreThresh, topkCandidates, best);
                for (int t = 0; t < take; t++, m++) {
                    int j = best[t], anchor = j / classes, label = j % classes;
                    int q = anchor / a, an = anchor % a;
                    for (int cc = 0; cc < 4; cc++) d[cc] = rd[((i * a + an) * 4 + cc) * hw + q];
                    coder.decodeInto(d, 0, anchors, 4 * (anchorBase + anchor), b, 4 * m);
                    b[4 * m] = BoxOps.clampToImage(b[4 * m], size[1]);
                    b[4 * m + 1] = BoxOps.clampToImage(b[4 * m + 1], size[0]);
                    b[4 * m + 2] = BoxOps.clampToImage(b[4 * m + 2], size[1]);
                    b[4 * m + 3] = BoxOps.clampToImage(b[4 * m + 3], size[0]);
                    s[m] = prob[j];
                    lab[m] = label;
                }
                anchorBase += hw * a;
            }
            b = java.util.Arrays.copyOf(b, 4 * m);
            s = java.util.Arrays.copyOf(s, m);
            lab = java.util.Arrays.copyOf(lab, m);
            out.add(ScoredBoxes.nmsPerLabel(b, s, lab, nmsThresh, detectionsPerImage));
        }
        return out;
    }

}
