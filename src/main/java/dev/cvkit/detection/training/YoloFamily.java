package dev.cvkit.detection.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.detection.BatchDetector;
import dev.cvkit.detection.DetectParams;
import dev.cvkit.detection.yolo.YoloModel;
import dev.cvkit.ExitCodes;
import dev.cvkit.UserError;
import dev.cvkit.detection.yolo.YoloSpec;
import dev.cvkit.nn.Module;
import dev.cvkit.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The YOLO family: {@code yolo} (anchor-free, multi-scale) and {@code yolov1} (the grid
 * detector), on their own CSP backbone at the size {@code --scale} chooses; the input is the
 * image stretched to imgsz² (a multiple of 32). Labels 1 … K of the trainer are the heads'
 * classes 0 … K − 1.
 */
final class YoloFamily implements DetectorFamilies.Family {
    /** The only backbone: the family's own CSP network. */
    static final String BACKBONE = "csp";
    private final String arch;

    YoloFamily(String arch) {
        this.arch = arch;
    }

    @Override
    public List<String> backbones() { return List.of(BACKBONE); }

    @Override
    public List<String> scales() { return YoloSpec.SCALES; }

    /** Single-stage training: a higher rate, a short warm-up, and mosaics (besides flips). */
    static final DetectorFamilies.TrainDefaults DEFAULTS = new DetectorFamilies.TrainDefaults(2e-3f, 8, 50, "hflip,vflip,mosaic");

    @Override
    public DetectorFamilies.TrainDefaults trainDefaults() { return DEFAULTS; }

    @Override
    public TrainableDetector create(DetectorFamilies.Setup s) {
        if (s.imgsz() % 32 != 0 || s.imgsz() < 64) {
            throw new UserError("--imgsz " + s.imgsz() + ": --arch " + arch + " takes a multiple of 32, at least 64 (its strides reach 32)", ExitCodes.USAGE);
        }
        return new Model(YoloSpec.of(arch, s.scale() == null ? "n" : s.scale(), s.classes(), s.imgsz()));
    }

    @Override
    public TrainableDetector fromConfig(JsonNode cfg) {
        return new Model(YoloSpec.fromJson(cfg));
    }

    private static final class Model implements TrainableDetector {
        private final YoloModel model;

        Model(YoloSpec spec) {
            this.model = new YoloModel(spec);
        }

        @Override
        public String architecture() { return model.spec().arch(); }

        @Override
        public Module network() { return model.network(); }

        @Override
        public int classes() { return model.spec().classes(); }

        @Override
        public Map<String, Tensor> losses(Batch batch, SplittableRandom rng) {
            // the trainer's labels are 1 … K, the YOLO heads' 0 … K − 1
            List<int[]> labels = new ArrayList<>();
            for (int[] l : batch.labels()) {
                int[] z = new int[l.length];
                for (int i = 0; i < l.length; i++) z[i] = l[i] - 1;
                labels.add(z);
            }
            return model.losses(batch.images(), batch.boxes(), labels);
        }

        @Override
        public BatchDetector detector(DetectParams defaults, List<String> classes, List<Integer> categoryIds) {
            return model.detector(defaults, classes, categoryIds);
        }

        @Override
        public ObjectNode config() { return model.spec().toJson(); }

        @Override
        public String backbonePrefix() { return "backbone."; }
    }
}
