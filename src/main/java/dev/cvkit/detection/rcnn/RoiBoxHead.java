package dev.cvkit.detection.rcnn;

import dev.cvkit.detection.ops.MultiScaleRoiAlign;
import dev.cvkit.detection.targets.BoxCoder;
import dev.cvkit.nn.Container;
import dev.cvkit.nn.Functional;
import dev.cvkit.nn.Linear;
import dev.cvkit.nn.Module;
import dev.cvkit.structures.BoxOps;
import dev.cvkit.structures.ScoredBoxes;
import dev.cvkit.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Faster R-CNN's second stage at inference, as torchvision's {@code RoIHeads} with
 * {@code TwoMLPHead} and {@code FastRCNNPredictor}: each proposal is pooled from the pyramid
 * ({@link MultiScaleRoiAlign}), flattened through two fully connected layers with ReLU, and
 * scored per class with class-specific box deltas (weights 10, 10, 5, 5). Then per image:
 * softmax, decode against the proposal, clip to the image, drop the background class, keep
 * scores above {@code scoreThresh}, drop boxes under 0.01 pixel, NMS per class, keep the best
 * {@code detectionsPerImage}. Parameter names {@code box_head.fc6/fc7},
 * {@code box_predictor.cls_score/bbox_pred} as torchvision's.
 */
public final class RoiBoxHead extends Container {
    private final MultiScaleRoiAlign pooler;
    private final TwoMlpHead head;
    private final Predictor predictor;
    private final int classes;
    private final BoxCoder coder = new BoxCoder(10f, 10f, 5f, 5f);
    private float scoreThresh = 0.05f, nmsThresh = 0.5f;
    private int detectionsPerImage = 100;

    /**
     * @param channels feature channels of the pyramid levels pooled
     * @param pool pooled size (torchvision: 7, sampling ratio 2)
     * @param representation width of fc6 and fc7 (torchvision: 1024)
     * @param classes number of classes including background (index 0)
     */
    public RoiBoxHead(int channels, int pool, int representation, int classes) {
        this(channels, pool, 2, representation, classes);
    }

    /** As above with RoI Align's sampling ratio (points per bin side; torchvision's default 2). */
    public RoiBoxHead(int channels, int pool, int samplingRatio, int representation, int classes) {
        if (classes < 2) throw new IllegalArgumentException("box head: " + classes + " classes (background included)");
        this.pooler = new MultiScaleRoiAlign(pool, pool, samplingRatio);
        this.classes = classes;
        this.head = child("box_head", new TwoMlpHead(channels * pool * pool, representation));
        this.predictor = child("box_predictor", new Predictor(representation, classes));
    }

    /** Registers another part of torchvision's RoIHeads under this module's names (the mask branch). */
    void adopt(String name, Module m) {
        child(name, m);
    }

    /** torchvision's TwoMLPHead: flatten, fc6, ReLU, fc7, ReLU. */
    static final class TwoMlpHead extends Module {
        private final Linear fc6, fc7;

        TwoMlpHead(int in, int representation) {
            fc6 = child("fc6", new Linear(in, representation));
            fc7 = child("fc7", new Linear(representation, representation));
        }

        @Override
        protected Tensor compute(Tensor x) {
            Tensor flat = x.reshape(x.size(0), x.numel() / Math.max(1, x.size(0)));
            return Functional.relu(fc7.forward(Functional.relu(fc6.forward(flat))));
        }
    }

    /** torchvision's FastRCNNPredictor: class logits and class-specific box deltas. */
    static final class Predictor extends Container {
        final Linear cls, box;

        Predictor(int representation, int classes) {
            cls = child("cls_score", new Linear(representation, classes));
            box = child("bbox_pred", new Linear(representation, classes * 4));
        }
    }

    /** Sets torchvision's box_score_thresh, box_nms_thresh and box_detections_per_img (defaults 0.05, 0.5, 100). */
    public RoiBoxHead thresholds(float score, float nms, int perImage) {
        if (perImage <= 0 || !(nms >= 0 && nms <= 1)) throw new IllegalArgumentException("box head: NMS " + nms + ", " + perImage + " per image");
        this.scoreThresh = score;
        this.nmsThresh = nms;
        this.detectionsPerImage = perImage;
        return this;
    }

    /**
     * @param levels the pyramid levels the RoIs are pooled from (torchvision: FPN levels 0–3, not the pooled extra)
     * @param proposals per image [K_i·4]
     * @param imageSizes per image {height, width} (the size the network saw)
     */
    public List<ScoredBoxes> detect(List<Tensor> levels, List<float[]> proposals, int[][] imageSizes) {
        return detect(levels, proposals, imageSizes, scoreThresh, nmsThresh, detectionsPerImage);
    }

    /** As above with this call's score and NMS thresholds and detection count (safe from several threads). */
    public List<ScoredBoxes> detect(List<Tensor> levels, List<float[]> proposals, int[][] imageSizes, float score, float nms,
                                    int perImage) {
        Scores sc = scores(levels, proposals, imageSizes);
        float[] logits = sc.classLogits().data(), deltas = sc.boxRegression().data();
        List<ScoredBoxes> out = new ArrayList<>();
        int base = 0;
        for (int i = 0; i < proposals.size(); i++) {
            int n = proposals.get(i).length / 4;
            out.add(postprocess(logits, deltas, proposals.get(i), base, n, imageSizes[i], score, nms, perImage));
            base += n;
        }
        return out;
    }

    /** The head's raw outputs for all proposals of the batch: class logits [K, C] and deltas [K, 4C]. */
    public record Scores(Tensor classLogits, Tensor boxRegression) {}

    /**
     * Pools every proposal (images in order) and runs the two layers and the predictor, with
     * autograd down to the pyramid levels when gradients are on (training).
     */
    public Scores scores(List<Tensor> levels, List<float[]> proposals, int[][] imageSizes) {
        List<Tensor> boxes = new ArrayList<>();
        for (float[] p : proposals) boxes.add(Tensor.of(p, p.length / 4, 4));
        Tensor x = head.forward(pooler.apply(levels, boxes, imageSizes));
        return new Scores(predictor.cls.forward(x), predictor.box.forward(x));
    }

    private ScoredBoxes postprocess(float[] logits, float[] deltas, float[] props, int base, int n, int[] size, float scoreThresh,
                                    float nmsThresh, int detectionsPerImage) {
        int c = classes, m = n * (c - 1);
        float[] b = new float[m * 4], s = new float[m];
        int[] lab = new int[m];
        float[] ref = new float[c * 4];
        int kept = 0;
        for (int r = 0; r < n; r++) {
            float[] prob = softmax(logits, (base + r) * c, c);
            for (int j = 0; j < c; j++) System.arraycopy(props, 4 * r, ref, 4 * j, 4);
            float[] dec = coder.decode(java.util.Arrays.copyOfRange(deltas, (base + r) * c * 4, (base + r + 1) * c * 4), ref);
            for (int j = 1; j < c; j++) {
                float x1 = BoxOps.clampToImage(dec[4 * j], size[1]), y1 = BoxOps.clampToImage(dec[4 * j + 1], size[0]);
                float x2 = BoxOps.clampToImage(dec[4 * j + 2], size[1]), y2 = BoxOps.clampToImage(dec[4 * j + 3], size[0]);
                if (!(prob[j] > scoreThresh)) continue;
                if (!(x2 - x1 >= 1e-2f && y2 - y1 >= 1e-2f)) continue;
                b[4 * kept] = x1;
                b[4 * kept + 1] = y1;
                b[4 * kept + 2] = x2;
                b[4 * kept + 3] = y2;
                s[kept] = prob[j];
                lab[kept++] = j;
            }
        }
        // torchvision filters all (proposal, class) pairs in proposal-major order, as here
        b = java.util.Arrays.copyOf(b, 4 * kept);
        s = java.util.Arrays.copyOf(s, kept);
        lab = java.util.Arrays.copyOf(lab, kept);
        return ScoredBoxes.nmsPerLabel(b, s, lab, nmsThresh, detectionsPerImage);
    }

    /** Softmax of x[off, off + c) in float32: exp(v − max) / Σ. */
    private static float[] softmax(float[] x, int off, int c) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < c; j++) max = Math.max(max, x[off + j]);
        float[] e = new float[c];
        float sum = 0;
        for (int j = 0; j < c; j++) {
            e[j] = (float) Math.exp(x[off + j] - max);
            sum += e[j];
        }
        for (int j = 0; j < c; j++) e[j] /= sum;
        return e;
    }

}
