package dev.cvkit.detection.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.detection.BatchDetector;
import dev.cvkit.detection.DetectParams;
import dev.cvkit.detection.TransformedDetector;
import dev.cvkit.detection.rcnn.RcnnTransform;
import dev.cvkit.detection.ssd.Ssd;
import dev.cvkit.detection.ssd.SsdSpec;
import dev.cvkit.nn.Module;
import dev.cvkit.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * SSD (default boxes on five maps, 3:1 hard-negative mining) with {@link SsdSpec#smallImages}
 * defaults, or SSDLite ({@link SsdSpec#liteSmallImages}).
 */
final class SsdFamily implements DetectorFamilies.Family {
    private final boolean lite;

    SsdFamily(boolean lite) {
        this.lite = lite;
    }

    @Override
    public List<String> backbones() { return lite ? SsdSpec.LITE_BACKBONES : SsdSpec.BACKBONES; }

    @Override
    public TrainableDetector create(DetectorFamilies.Setup s) {
        return new Model(lite ? SsdSpec.liteSmallImages(s.backbone(), s.classes() + 1, s.imgsz())
                : SsdSpec.smallImages(s.backbone(), s.classes() + 1, s.imgsz()));
    }

    @Override
    public TrainableDetector fromConfig(JsonNode cfg) {
        return new Model(SsdSpec.fromJson(cfg));
    }

    private static final class Model implements TrainableDetector {
        private final SsdSpec spec;
        private final Ssd net;

        Model(SsdSpec spec) {
            this.spec = spec;
            this.net = spec.build();
        }

        @Override
        public String architecture() { return spec.architecture(); }

        @Override
        public Module network() { return net; }

        @Override
        public int classes() { return spec.classes() - 1; }

        @Override
        public Map<String, Tensor> losses(Batch batch, SplittableRandom rng) {
            RcnnTransform.Batch b = spec.transform().apply(batch.tensors(), batch.boxes());
            return net.losses(b.images(), b.boxes(), batch.labels());
        }

        @Override
        public BatchDetector detector(DetectParams defaults, List<String> classes, List<Integer> categoryIds) {
            net.eval();
            return new TransformedDetector(spec.architecture(), (b, originals, p) -> net.detect(b.images(), b.sizes(), p.conf(),
                    p.iou(), p.maxDet()), spec.transform(), 1, defaults, classes, categoryIds);
        }

        @Override
        public ObjectNode config() { return spec.toJson(); }
    }
}
