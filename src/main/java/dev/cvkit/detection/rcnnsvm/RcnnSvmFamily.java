package dev.cvkit.detection.rcnnsvm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.detection.BatchDetector;
import dev.cvkit.detection.DetectParams;
import dev.cvkit.detection.training.DetectorFamilies;
import dev.cvkit.detection.training.TrainableDetector;
import dev.cvkit.image.RgbImage;
import dev.cvkit.nn.Losses;
import dev.cvkit.nn.Module;
import dev.cvkit.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * R-CNN in the detector registry: how a model file's config and tensors rebuild it
 * ({@code cnn.*}, {@code svm.weight}, {@code svm.bias}, {@code svm.calibration}, {@code bbox.*} as one {@link Weights} module, checked name by
 * name and shape by shape). Its training is multi-stage ({@link RcnnTraining}); the
 * {@link TrainableDetector#losses} it offers is the first stage's, the region classifier's
 * cross-entropy on the batch's proposals.
 */
public final class RcnnSvmFamily implements DetectorFamilies.Family {
    public static final String BACKBONE = "small";

    @Override
    public List<String> backbones() { return List.of(BACKBONE); }

    @Override
    public TrainableDetector create(DetectorFamilies.Setup s) {
        return new Model(RcnnSvmModelFile.PROPOSALS, CropNet.Spec.small(), s.classes(), false, false, 1f);
    }

    @Override
    public TrainableDetector fromConfig(JsonNode cfg) {
        String scorer = cfg.path("scorer").asText("");
        if (!scorer.equals("svm") && !scorer.equals("softmax")) throw new IllegalArgumentException("scorer '" + scorer + "' (svm or softmax)");
        if (!cfg.path("box_regression").isBoolean()) throw new IllegalArgumentException("box_regression must be true or false");
        boolean svm = scorer.equals("svm");
        double scale = svm ? cfg.path("feature_scale").asDouble(Double.NaN) : 1;
        if (!(scale > 0 && scale < 1e6)) throw new IllegalArgumentException("feature_scale must be in (0, 1e6)");
        int classes = cfg.path("classes").size();
        if (classes < 1) throw new IllegalArgumentException("no classes");
        return new Model(RcnnSvmModelFile.proposals(cfg), RcnnSvmModelFile.spec(cfg), classes, svm, cfg.path("box_regression").asBoolean(),
                (float) scale);
    }

    /** The model file's tensors as modules: the CNN ({@code cnn}) and, when present, the SVM and regressor tables. */
    static final class Weights extends Module {
        final CropNet cnn;
        final Table svm, bbox;

        Weights(CropNet.Spec spec, int classes, boolean svms, boolean regressors) {
            cnn = child("cnn", new CropNet(spec, classes));
            svm = svms ? child("svm", new Table(classes, spec.features(), true)) : null;
            bbox = regressors ? child("bbox", new Table(4 * classes, spec.features(), false)) : null;
        }

        @Override
        protected Tensor compute(Tensor crops) { return cnn.forward(crops); }
    }

    /** A weight matrix and bias that are fitted, not trained by gradients (buffers, so no optimizer touches them). */
    static final class Table extends Module {
        final Tensor weight, bias, calibration;

        /** @param calibrated with a [rows, 2] {@code calibration} (the SVMs' Platt sigmoids) */
        Table(int rows, int cols, boolean calibrated) {
            weight = buffer("weight", Tensor.zeros(rows, cols));
            bias = buffer("bias", Tensor.zeros(rows));
            calibration = calibrated ? buffer("calibration", Tensor.zeros(rows, 2)) : null;
        }

        /** Rows of {@code x} [N, cols] times the table: [N, rows]. */
        @Override
        protected Tensor compute(Tensor x) { return dev.cvkit.nn.Functional.linear(x, weight, bias); }
    }

    static final class Model implements TrainableDetector {
        private final dev.cvkit.detection.rcnn.SelectiveSearchProposals proposals;
        private final CropNet.Spec spec;
        private final Weights weights;
        private final int classes;
        private final float featureScale;

        Model(dev.cvkit.detection.rcnn.SelectiveSearchProposals proposals, CropNet.Spec spec, int classes, boolean svms, boolean regressors,
              float featureScale) {
            this.proposals = proposals;
            this.spec = spec;
            this.classes = classes;
            this.featureScale = featureScale;
            this.weights = new Weights(spec, classes, svms, regressors);
        }

        /** The R-CNN these weights make, with these class names and ids. */
        RcnnModel model(List<String> names, List<Integer> ids) {
            RcnnModel.Svms s = weights.svm == null ? null : new RcnnModel.Svms(featureScale, weights.svm.weight.data(), weights.svm.bias.data(),
                    weights.svm.calibration.data());
            RcnnModel.Regressors r = weights.bbox == null ? null : new RcnnModel.Regressors(weights.bbox.weight.data(), weights.bbox.bias.data());
            return new RcnnModel(proposals, spec, weights.cnn, names, ids, s, r);
        }

        @Override
        public String architecture() { return RcnnSvmDetector.ARCHITECTURE; }

        @Override
        public Module network() { return weights; }

        @Override
        public int classes() { return classes; }

        @Override
        public Map<String, Tensor> losses(Batch batch, SplittableRandom rng) {
            List<RegionSampler.Regions> parts = new ArrayList<>();
            for (int k = 0; k < batch.images().size(); k++) {
                parts.add(RegionSampler.sample(spec.warp(), batch.images().get(k), batch.proposals().get(k), batch.boxes().get(k),
                        batch.labels().get(k), rng, false));
            }
            RegionSampler.Regions all = RegionSampler.concat(parts, spec.warp().floats());
            int n = all.labels().length, side = spec.warp().size();
            float[] t = new float[n];
            for (int i = 0; i < n; i++) t[i] = all.labels()[i];
            Map<String, Tensor> out = new LinkedHashMap<>();
            out.put("loss_classifier", Losses.crossEntropy(weights.cnn.forward(Tensor.of(all.crops(), n, 3, side, side)), Tensor.of(t, n)));
            return out;
        }

        @Override
        public BatchDetector detector(DetectParams defaults, List<String> names, List<Integer> categoryIds) {
            return new RcnnSvmDetector(model(names, categoryIds), defaults);
        }

        @Override
        public ObjectNode config() {
            return RcnnSvmModelFile.familyConfig(proposals, spec, weights.svm != null, featureScale, weights.bbox != null);
        }

        @Override
        public float[] proposals(RgbImage image) { return proposals.propose(image); }

        @Override
        public String backbonePrefix() { return "cnn.body."; }
    }
}
