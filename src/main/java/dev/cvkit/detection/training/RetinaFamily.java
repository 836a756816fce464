package dev.cvkit.detection.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.detection.BatchDetector;
import dev.cvkit.detection.DetectParams;
import dev.cvkit.detection.TransformedDetector;
import dev.cvkit.detection.rcnn.RcnnTransform;
import dev.cvkit.detection.retina.RetinaNet;
import dev.cvkit.detection.retina.RetinaNetSpec;
import dev.cvkit.nn.Module;
import dev.cvkit.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** RetinaNet (focal loss over a P3–P7 pyramid) with {@link RetinaNetSpec#smallImages} defaults. */
final class RetinaFamily implements DetectorFamilies.Family {
    @Override
    public List<String> backbones() { return RetinaNetSpec.BACKBONES; }

    @Override
    public TrainableDetector create(DetectorFamilies.Setup s) {
        return new Model(RetinaNetSpec.smallImages(s.backbone(), s.classes(), s.imgsz()));
    }

    @Override
    public TrainableDetector fromConfig(JsonNode cfg) {
        return new Model(RetinaNetSpec.fromJson(cfg));
    }

    private static final class Model implements TrainableDetector {
        private final RetinaNetSpec spec;
        private final RetinaNet net;

        Model(RetinaNetSpec spec) {
            this.spec = spec;
            this.net = spec.build();
        }

        @Override
        public String architecture() { return RetinaNetSpec.ARCHITECTURE; }

        @Override
        public Module network() { return net; }

        @Override
        public int classes() { return spec.classes(); }

        @Override
        public Map<String, Tensor> losses(Batch batch, SplittableRandom rng) {
            RcnnTransform.Batch b = spec.transform().apply(batch.tensors(), batch.boxes());
            List<int[]> labels = new ArrayList<>();
            for (int[] l : batch.labels()) {
                int[] z = new int[l.length];
                for (int k = 0; k < l.length; k++) z[k] = l[k] - 1; // no background class
                labels.add(z);
            }
            return net.losses(b.images(), b.boxes(), labels);
        }

        @Override
        public BatchDetector detector(DetectParams defaults, List<String> classes, List<Integer> categoryIds) {
            net.eval();
            return new TransformedDetector(RetinaNetSpec.ARCHITECTURE, (b, originals, p) -> net.detect(b.images(), b.sizes(), p.conf(),
                    p.iou(), p.maxDet()), spec.transform(), 0, defaults, classes, categoryIds);
        }

        @Override
        public ObjectNode config() { return spec.toJson(); }
    }
}
