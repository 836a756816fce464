package dev.cvkit.detection.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.detection.BatchDetector;
import dev.cvkit.detection.DetectParams;
import dev.cvkit.detection.TransformedDetector;
import dev.cvkit.detection.rcnn.FasterRcnn;
import dev.cvkit.detection.rcnn.FasterRcnnSpec;
import dev.cvkit.detection.rcnn.RcnnModelFile;
import dev.cvkit.detection.rcnn.RcnnTransform;
import dev.cvkit.detection.rcnn.SelectiveSearchProposals;
import dev.cvkit.image.RgbImage;
import dev.cvkit.nn.Module;
import dev.cvkit.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Faster R-CNN (its four losses) and Fast R-CNN (the same network trained and run on
 * selective-search proposals, box-head losses only), with {@link FasterRcnnSpec#smallImages}
 * defaults.
 */
final class RcnnFamily implements DetectorFamilies.Family {
    private final String arch;

    RcnnFamily(String arch) {
        this.arch = arch;
    }

    @Override
    public List<String> backbones() { return FasterRcnnSpec.BACKBONES; }

    @Override
    public TrainableDetector create(DetectorFamilies.Setup s) {
        return new Model(arch, FasterRcnnSpec.smallImages(s.backbone(), s.classes() + 1, s.imgsz()));
    }

    @Override
    public TrainableDetector fromConfig(JsonNode cfg) {
        return new Model(cfg.path("architecture").asText(arch), FasterRcnnSpec.fromJson(cfg));
    }

    private static final class Model implements TrainableDetector {
        private final String arch;
        private final FasterRcnnSpec spec;
        private final FasterRcnn net;
        private final RcnnTransform transform;
        private final SelectiveSearchProposals proposals;

        Model(String arch, FasterRcnnSpec spec) {
            this.arch = arch;
            this.spec = spec;
            this.proposals = RcnnModelFile.FAST.equals(arch) ? RcnnModelFile.FAST_PROPOSALS : null;
            this.net = spec.build();
            this.transform = spec.transform();
        }

        @Override
        public String architecture() { return arch; }

        @Override
        public Module network() { return net; }

        @Override
        public int classes() { return spec.classes() - 1; }

        @Override
        public Map<String, Tensor> losses(Batch batch, SplittableRandom rng) {
            List<Tensor> images = batch.tensors();
            RcnnTransform.Batch b = transform.apply(images, batch.boxes());
            if (proposals == null) return net.losses(b.images(), b.sizes(), b.boxes(), batch.labels(), rng);
            List<float[]> scaled = new ArrayList<>();
            for (int k = 0; k < images.size(); k++) {
                RgbImage im = batch.images().get(k);
                scaled.add(RcnnTransform.resizeBoxes(batch.proposals().get(k), new int[] {im.height(), im.width()}, b.sizes()[k]));
            }
            return net.boxLosses(b.images(), b.sizes(), scaled, b.boxes(), batch.labels(), rng);
        }

        @Override
        public BatchDetector detector(DetectParams defaults, List<String> classes, List<Integer> categoryIds) {
            net.eval();
            TransformedDetector.Network run = (b, originals, p) -> {
                if (proposals == null) return net.detect(b.images(), b.sizes(), p.conf(), p.iou(), p.maxDet());
                List<float[]> props = new ArrayList<>();
                for (int i = 0; i < originals.size(); i++) {
                    RgbImage im = originals.get(i);
                    props.add(RcnnTransform.resizeBoxes(proposals.propose(im), new int[] {im.height(), im.width()}, b.sizes()[i]));
                }
                return net.detectOnProposals(b.images(), b.sizes(), props, p.conf(), p.iou(), p.maxDet());
            };
            return new TransformedDetector(arch, run, transform, 1, defaults, classes, categoryIds);
        }

        @Override
        public ObjectNode config() { return RcnnModelFile.config(arch, spec); }

        @Override
        public float[] proposals(RgbImage image) { return proposals == null ? null : proposals.propose(image); }
    }
}
