package dev.cvkit.detection.ssd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cvkit.detection.retina.RetinaDecoder;
import dev.cvkit.detection.retina.RetinaHead;
import dev.cvkit.detection.targets.AnchorOrder;
import dev.cvkit.detection.targets.BoxCoder;
import dev.cvkit.structures.BoxOps;
import dev.cvkit.structures.ScoredBoxes;
import dev.cvkit.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The SSD and RetinaNet decoders' candidate selection (per class or level: scores above the
 * threshold, the best k, equal scores in box order) against a plain reference kept here: pick
 * the best remaining candidate k times by scanning. Seeded random heads with logits on a coarse
 * grid, so many scores tie, and thresholds and k that cut inside the ties; then both go through
 * the same NMS, so any difference in the candidates shows up in the detections.
 */
class DecoderCandidatesTest {
    @Test
    void ssdCandidatesEqualTheReference() {
        Random rng = new Random(12);
        int[][] sizes = {{64, 80}, {50, 70}, {64, 64}};
        int[][] maps = {{6, 8}, {3, 4}, {1, 2}};
        int[] perCell = {4, 6, 6};
        for (int trial = 0; trial < 6; trial++) {
            int classes = trial % 2 == 0 ? 41 : 7;
            List<Tensor> cls = new ArrayList<>(), reg = new ArrayList<>();
            int anchors = 0;
            for (int l = 0; l < maps.length; l++) {
                int h = maps[l][0], w = maps[l][1];
                cls.add(Tensor.of(coarse(rng, sizes.length * perCell[l] * classes * h * w, 4), sizes.length, perCell[l] * classes, h, w));
                reg.add(Tensor.of(gauss(rng, sizes.length * perCell[l] * 4 * h * w), sizes.length, perCell[l] * 4, h, w));
                anchors += perCell[l] * h * w;
            }
            float[] defaults = randomBoxes(rng, anchors, 64);
            SsdHead.Output head = new SsdHead.Output(cls, reg);
            float thr = new float[] {0.001f, 0.01f, 0.02f, 0.03f, 0.05f, 0.2f}[trial];
            int topk = new int[] {7, 400, 25, 3, 50, 60}[trial];
            float nms = trial % 3 == 0 ? 0.45f : 0.6f;
            List<ScoredBoxes> got = new SsdDecoder(thr, nms, topk, 300).decode(head, classes, defaults, sizes);
            List<ScoredBoxes> want = referenceSsd(head, classes, defaults, sizes, thr, nms, topk, 300);
            assertSame(want, got, "trial " + trial);
        }
    }

    @Test
    void retinaCandidatesEqualTheReference() {
        Random rng = new Random(7);
        int[][] sizes = {{64, 80}, {48, 60}};
        int[][] maps = {{8, 10}, {4, 5}, {2, 3}};
        int a = 3;
        for (int trial = 0; trial < 4; trial++) {
            int classes = trial % 2 == 0 ? 30 : 5;
            List<Tensor> cls = new ArrayList<>(), reg = new ArrayList<>();
            int anchors = 0;
            for (int[] m : maps) {
                cls.add(Tensor.of(coarse(rng, sizes.length * a * classes * m[0] * m[1], 5), sizes.length, a * classes, m[0], m[1]));
                reg.add(Tensor.of(gauss(rng, sizes.length * a * 4 * m[0] * m[1]), sizes.length, a * 4, m[0], m[1]));
                anchors += a * m[0] * m[1];
            }
            float[] anchorBoxes = randomBoxes(rng, anchors, 64);
            RetinaHead.Output head = new RetinaHead.Output(cls, reg);
            float thr = new float[] {0.05f, 0.3f, 0.5f, 0.6f}[trial];
            int topk = new int[] {40, 1000, 17, 2}[trial];
            List<ScoredBoxes> got = new RetinaDecoder(thr, 0.5f, topk, 300).decode(head, classes, anchorBoxes, sizes);
            List<ScoredBoxes> want = referenceRetina(head, classes, anchorBoxes, sizes, thr, 0.5f, topk, 300);
            assertSame(want, got, "trial " + trial);
        }
    }

    private static void assertSame(List<ScoredBoxes> want, List<ScoredBoxes> got, String what) {
        assertEquals(want.size(), got.size(), what);
        for (int i = 0; i < want.size(); i++) {
            assertTrue(want.get(i).count() > 0, what + ": the reference finds detections");
            assertArrayEquals(want.get(i).labels(), got.get(i).labels(), what + " image " + i + " labels");
            assertArrayEquals(want.get(i).scores(), got.get(i).scores(), what + " image " + i + " scores");
            assertArrayEquals(want.get(i).boxes(), got.get(i).boxes(), what + " image " + i + " boxes");
        }
    }

    /** torchvision's SSD postprocess written plainly: softmax, clip, per class the k best by scanning, NMS. */
    private static List<ScoredBoxes> referenceSsd(SsdHead.Output head, int classes, float[] defaults, int[][] sizes,
            float thr, float nms, int topk, int perImage) {
        float[] logits = AnchorOrder.flatten(head.classLogits(), classes).data();
        float[] deltas = AnchorOrder.flatten(head.boxDeltas(), 4).data();
        int a = defaults.length / 4;
        BoxCoder coder = new BoxCoder(10f, 10f, 5f, 5f);
        List<ScoredBoxes> out = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            float[] boxes = coder.decode(java.util.Arrays.copyOfRange(deltas, 4 * a * i, 4 * a * (i + 1)), defaults);
            clip(boxes, sizes[i]);
            float[][] prob = new float[a][classes];
            for (int j = 0; j < a; j++) {
                float max = Float.NEGATIVE_INFINITY, sum = 0;
                for (int k = 0; k < classes; k++) max = Math.max(max, logits[(i * a + j) * classes + k]);
                for (int k = 0; k < classes; k++) {
                    prob[j][k] = (float) Math.exp(logits[(i * a + j) * classes + k] - max);
                    sum += prob[j][k];
                }
                for (int k = 0; k < classes; k++) prob[j][k] /= sum;
            }
            Candidates c = new Candidates();
            for (int label = 1; label < classes; label++) {
                float[] scores = new float[a];
                for (int j = 0; j < a; j++) scores[j] = prob[j][label];
                for (int j : bestByScanning(scores, thr, topk)) c.add(boxes, 4 * j, scores[j], label);
            }
            out.add(c.nms(nms, perImage));
        }
        return out;
    }

    /** torchvision's RetinaNet postprocess written plainly: per level the k best (anchor, class) scores by scanning, decode, clip, NMS. */
    private static List<ScoredBoxes> referenceRetina(RetinaHead.Output head, int classes, float[] anchors, int[][] sizes,
            float thr, float nms, int topk, int perImage) {
        BoxCoder coder = new BoxCoder(1f, 1f, 1f, 1f);
        List<ScoredBoxes> out = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            Candidates c = new Candidates();
            int base = 0;
            for (int l = 0; l < head.classLogits().size(); l++) {
                Tensor ct = head.classLogits().get(l), rt = head.boxDeltas().get(l);
                int a = ct.size(1) / classes, hw = ct.size(2) * ct.size(3);
                float[] scores = new float[hw * a * classes];
                for (int q = 0; q < hw; q++) {
                    for (int an = 0; an < a; an++) {
                        for (int k = 0; k < classes; k++) {
                            double v = ct.data()[((i * a + an) * classes + k) * hw + q];
                            scores[(q * a + an) * classes + k] = (float) (1 / (1 + Math.exp(-v)));
                        }
                    }
                }
                for (int j : bestByScanning(scores, thr, topk)) {
                    int anchor = j / classes, q = anchor / a, an = anchor % a;
                    float[] d = new float[4];
                    for (int cc = 0; cc < 4; cc++) d[cc] = rt.data()[((i * a + an) * 4 + cc) * hw + q];
                    float[] box = coder.decode(d, java.util.Arrays.copyOfRange(anchors, 4 * (base + anchor), 4 * (base + anchor) + 4));
                    clip(box, sizes[i]);
                    c.add(box, 0, scores[j], j % classes);
                }
                base += hw * a;
            }
            out.add(c.nms(nms, perImage));
        }
        return out;
    }

    /** Up to k indices with score > thr: each time the highest remaining score, the lowest index among equals. */
    private static List<Integer> bestByScanning(float[] scores, float thr, int k) {
        boolean[] taken = new boolean[scores.length];
        List<Integer> picked = new ArrayList<>();
        while (picked.size() < k) {
            int best = -1;
            for (int j = 0; j < scores.length; j++) {
                if (!taken[j] && scores[j] > thr && (best < 0 || scores[j] > scores[best])) best = j;
            }
            if (best < 0) break;
            taken[best] = true;
            picked.add(best);
        }
        return picked;
    }

    private static final class Candidates {
        final List<float[]> boxes = new ArrayList<>();
        final List<Float> scores = new ArrayList<>();
        final List<Integer> labels = new ArrayList<>();

        void add(float[] b, int o, float score, int label) {
            boxes.add(java.util.Arrays.copyOfRange(b, o, o + 4));
            scores.add(score);
            labels.add(label);
        }

        ScoredBoxes nms(float iou, int max) {
            int m = scores.size();
            float[] b = new float[4 * m], s = new float[m];
            int[] l = new int[m];
            for (int j = 0; j < m; j++) {
                System.arraycopy(boxes.get(j), 0, b, 4 * j, 4);
                s[j] = scores.get(j);
                l[j] = labels.get(j);
            }
            return ScoredBoxes.nmsPerLabel(b, s, l, iou, max);
        }
    }

    private static void clip(float[] b, int[] size) {
        for (int j = 0; j < b.length; j += 4) {
            b[j] = BoxOps.clampToImage(b[j], size[1]);
            b[j + 1] = BoxOps.clampToImage(b[j + 1], size[0]);
            b[j + 2] = BoxOps.clampToImage(b[j + 2], size[1]);
            b[j + 3] = BoxOps.clampToImage(b[j + 3], size[0]);
        }
    }

    /** Logits from {0, 0.5, …, (levels − 1)·0.5} minus 1: few distinct values, so scores tie often. */
    private static float[] coarse(Random rng, int n, int levels) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = rng.nextInt(levels) * 0.5f - 1f;
        return x;
    }

    private static float[] gauss(Random rng, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (rng.nextGaussian() * 0.5);
        return x;
    }

    private static float[] randomBoxes(Random rng, int n, int side) {
        float[] b = new float[4 * n];
        for (int i = 0; i < n; i++) {
            float x = rng.nextFloat() * side, y = rng.nextFloat() * side;
            b[4 * i] = x;
            b[4 * i + 1] = y;
            b[4 * i + 2] = x + 4 + rng.nextFloat() * side / 2;
            b[4 * i + 3] = y + 4 + rng.nextFloat() * side / 2;
        }
        return b;
    }
}
