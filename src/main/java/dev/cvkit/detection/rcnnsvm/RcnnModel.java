package dev.cvkit.detection.rcnnsvm;

import dev.cvkit.detection.rcnn.SelectiveSearchProposals;
import dev.cvkit.image.RgbImage;
import dev.cvkit.tensor.Tensor;
import java.util.List;

/**
 * The parts of a trained R-CNN: the proposal method, the fine-tuned CNN and what scores and moves
 * its regions. {@code svms} is null while the CNN is being fine-tuned: the regions are then
 * scored by its softmax (the paper's "fine-tuned, no SVM" variant); {@code regressors} is null
 * before box regression is fitted.
 */
public record RcnnModel(SelectiveSearchProposals proposals, CropNet.Spec spec, CropNet net, List<String> classes,
                        List<Integer> categoryIds, Svms svms, Regressors regressors) {
    /** Crops per forward pass: large GEMMs, modest memory. */
    static final int CHUNK = 128;

    public RcnnModel {
        classes = List.copyOf(classes);
        categoryIds = List.copyOf(categoryIds);
        if (classes.size() != categoryIds.size()) throw new IllegalArgumentException(classes.size() + " classes, " + categoryIds.size() + " category ids");
        int c = classes.size(), d = spec.features();
        if (svms != null && (svms.weight().length != c * d || svms.bias().length != c || svms.calibration().length != 2 * c)) {
            throw new IllegalArgumentException("svm weights are not [" + c + ", " + d + "] and [" + c + "]");
        }
        if (regressors != null && (regressors.weight().length != c * 4 * d || regressors.bias().length != c * 4)) {
            throw new IllegalArgumentException("box regressors are not [" + c * 4 + ", " + d + "] and [" + c * 4 + "]");
        }
    }

    /**
     * One linear SVM per class on the scaled features: margin = w_c · (scale · φ) + b_c. Weights
     * are [classes, features] row-major. {@code calibration} holds per class (A, B) of Platt's
     * sigmoid: the score σ(A·margin + B) estimates the chance that a proposal with that margin is
     * a correct detection (IoU ≥ 0.5 with a box of the class).
     */
    public record Svms(float featureScale, float[] weight, float[] bias, float[] calibration) {
        public Svms {
            if (!(featureScale > 0 && Float.isFinite(featureScale))) throw new IllegalArgumentException("svm feature_scale must be positive");
            if (calibration.length != 2 * bias.length) throw new IllegalArgumentException("svm calibration is not [" + bias.length + ", 2]");
        }

        /** The calibrated score of class {@code cls}, in (0, 1). */
        public double score(int cls, float[] features, int offset, int dim) {
            return 1 / (1 + Math.exp(-(calibration[2 * cls] * margin(cls, features, offset, dim) + calibration[2 * cls + 1])));
        }

        public double margin(int cls, float[] features, int offset, int dim) {
            double s = bias[cls];
            for (int j = 0; j < dim; j++) s += (double) weight[cls * dim + j] * featureScale * features[offset + j];
            return s;
        }
    }

    /** Class-specific box regressors on the scaled features: [classes · 4, features] and [classes · 4]. */
    public record Regressors(float[] weight, float[] bias) {
        /** The (dx, dy, dw, dh) of class {@code cls} for one feature row (already scaled). */
        public float[] deltas(int cls, float[] scaled, int dim) {
            float[] d = new float[4];
            for (int t = 0; t < 4; t++) {
                int r = cls * 4 + t;
                double s = bias[r];
                for (int j = 0; j < dim; j++) s += (double) weight[r * dim + j] * scaled[j];
                d[t] = (float) s;
            }
            return d;
        }
    }

    /** The same CNN with new SVMs and regressors. */
    public RcnnModel with(Svms s, Regressors r) {
        return new RcnnModel(proposals, spec, net, classes, categoryIds, s, r);
    }

    /**
     * The features φ of the warped regions {@code boxes} (x1, y1, x2, y2) of {@code img},
     * [boxes, features] row-major; no gradients, the network in eval mode.
     */
    public float[] features(RgbImage img, float[] boxes) {
        int n = boxes.length / 4, d = spec.features(), f = spec.warp().floats();
        float[] out = new float[n * d];
        try (Tensor.NoGrad ng = Tensor.noGrad()) {
            for (int s = 0; s < n; s += CHUNK) {
                int m = Math.min(CHUNK, n - s);
                float[] crops = new float[m * f];
                for (int k = 0; k < m; k++) spec.warp().crop(img, boxes, 4 * (s + k), false, crops, k * f);
                int side = spec.warp().size();
                Tensor phi = net.features(Tensor.of(crops, m, 3, side, side));
                System.arraycopy(phi.data(), 0, out, s * d, m * d);
            }
        }
        return out;
    }
}
