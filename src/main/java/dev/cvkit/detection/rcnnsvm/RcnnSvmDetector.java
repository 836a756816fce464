package dev.cvkit.detection.rcnnsvm;

import dev.cvkit.detection.BatchDetector;
import dev.cvkit.detection.DetectParams;
import dev.cvkit.detection.Detection;
import dev.cvkit.image.RgbImage;
import dev.cvkit.nn.Functional;
import dev.cvkit.structures.BoxOps;
import dev.cvkit.tensor.Tensor;
import dev.cvkit.timing.Lap;
import dev.cvkit.timing.Stage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * R-CNN at test time (Girshick et al. 2014): selective-search proposals → each warped and run
 * through the CNN → per-class SVM margins → class-specific box regression → per-class NMS. A
 * detection's score is the logistic of its SVM margin (a monotone map into [0, 1], so 0.5 is the
 * SVM's decision boundary); while the SVMs are not trained yet it is the CNN's softmax
 * probability of the class. Regions are warped and classified independently: one CNN pass per
 * proposal, which is what makes R-CNN slow.
 */
public final class RcnnSvmDetector implements BatchDetector {
    public static final String ARCHITECTURE = "rcnn";
    private final RcnnModel model;
    private final DetectParams defaults;

    public RcnnSvmDetector(RcnnModel model, DetectParams defaults) {
        this.model = model;
        this.defaults = defaults;
        model.net().eval();
    }

    public RcnnModel model() { return model; }

    @Override
    public List<Detection> detect(RgbImage image, DetectParams params, Lap lap) {
        return detectAll(List.of(image), params, lap).get(0);
    }

    @Override
    public List<List<Detection>> detectAll(List<RgbImage> images, DetectParams params, Lap lap) {
        List<List<Detection>> out = new ArrayList<>();
        for (RgbImage im : images) {
            float[] props = model.proposals().propose(im);
            lap.end(Stage.PREPROCESS);
            float[] phi = model.features(im, props);
            float[][] scores = scores(phi, props.length / 4);
            lap.end(Stage.INFERENCE);
            out.add(select(im, props, phi, scores, params));
            lap.end(Stage.POSTPROCESS);
        }
        return out;
    }

    /** Per region and class, the score in [0, 1]: [regions][classes]. */
    float[][] scores(float[] phi, int n) {
        int c = model.classes().size(), d = model.spec().features();
        float[][] s = new float[n][c];
        if (model.svms() != null) {
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < c; k++) s[i][k] = (float) model.svms().score(k, phi, i * d, d);
            }
            return s;
        }
        if (n == 0) return s;
        try (Tensor.NoGrad ng = Tensor.noGrad()) {
            float[] p = Functional.softmax(model.net().classify(Tensor.of(phi, n, d)), 1).data();
            for (int i = 0; i < n; i++) System.arraycopy(p, i * (c + 1) + 1, s[i], 0, c);
        }
        return s;
    }

    /** Thresholds, moves each region by its class's regressor, suppresses overlaps per class and keeps the best. */
    private List<Detection> select(RgbImage im, float[] props, float[] phi, float[][] scores, DetectParams params) {
        int c = model.classes().size(), d = model.spec().features(), n = props.length / 4;
        List<float[]> boxes = new ArrayList<>();
        List<Float> kept = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        float[] scaled = new float[d];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < c; k++) {
                if (!(scores[i][k] > params.conf())) continue;
                float[] box = Arrays.copyOfRange(props, 4 * i, 4 * i + 4);
                if (model.regressors() != null) {
                    float scale = model.svms() == null ? 1 : model.svms().featureScale();
                    for (int j = 0; j < d; j++) scaled[j] = scale * phi[i * d + j];
                    box = BoxRegression.apply(model.regressors().deltas(k, scaled, d), box);
                }
                box[0] = BoxOps.clampToImage(box[0], im.width());
                box[1] = BoxOps.clampToImage(box[1], im.height());
                box[2] = BoxOps.clampToImage(box[2], im.width());
                box[3] = BoxOps.clampToImage(box[3], im.height());
                if (box[2] - box[0] < 1e-3f || box[3] - box[1] < 1e-3f) continue;
                boxes.add(box);
                kept.add(scores[i][k]);
                labels.add(k);
            }
        }
        int m = boxes.size();
        float[] flat = new float[4 * m], sc = new float[m];
        int[] idx = new int[m];
        for (int i = 0; i < m; i++) {
            System.arraycopy(boxes.get(i), 0, flat, 4 * i, 4);
            sc[i] = kept.get(i);
            idx[i] = params.agnostic() ? 0 : labels.get(i);
        }
        int[] keep = BoxOps.batchedNms(flat, sc, idx, params.iou());
        List<Detection> dets = new ArrayList<>();
        for (int j = 0; j < keep.length && dets.size() < params.maxDet(); j++) {
            int i = keep[j];
            float x1 = flat[4 * i], y1 = flat[4 * i + 1];
            int k = labels.get(i);
            dets.add(new Detection(x1, y1, flat[4 * i + 2] - x1, flat[4 * i + 3] - y1, sc[i], k, model.classes().get(k)));
        }
        return dets;
    }

    @Override
    public DetectParams defaults() { return defaults; }

    @Override
    public float evalConf() { return 0.001f; }

    @Override
    public List<String> classes() { return model.classes(); }

    @Override
    public List<Integer> categoryIds() { return model.categoryIds(); }

    @Override
    public String architecture() { return ARCHITECTURE; }
}
