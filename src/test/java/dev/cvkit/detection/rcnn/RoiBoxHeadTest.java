package dev.cvkit.detection.rcnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cvkit.io.SafeTensors;
import dev.cvkit.structures.ScoredBoxes;
import dev.cvkit.tensor.Tensor;
import dev.cvkit.testing.Fixtures;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Faster R-CNN's box stage at inference against torchvision 0.14's RoIHeads (MultiScaleRoIAlign
 * 7×7 over three levels, TwoMLPHead, FastRCNNPredictor, postprocess_detections;
 * tools/fixtures/detection_targets.py): two images of different sizes, 4 classes, the same
 * detections (boxes, scores, labels, order), and the boxes mapped back to the original image
 * sizes as GeneralizedRCNNTransform.postprocess does.
 */
class RoiBoxHeadTest {
    @Test
    void detectionsMatchTorchvision() throws IOException {
        SafeTensors.Contents c = SafeTensors.read(Fixtures.path("targets/roi_heads.safetensors"));
        Map<String, Tensor> t = c.tensors();
        RoiBoxHead head = new RoiBoxHead(5, 7, 16, 4);
        Map<String, Tensor> state = new LinkedHashMap<>();
        t.forEach((k, v) -> {
            if (k.startsWith("roi.")) state.put(k.substring(4), v);
        });
        head.loadStateDict(state);
        int[][] sizes = {{52, 68}, {45, 60}}, originals = {{104, 130}, {90, 121}};
        head.eval();
        List<ScoredBoxes> got;
        try (var g = Tensor.noGrad()) {
            got = head.detect(List.of(t.get("f0"), t.get("f1"), t.get("f2")),
                    List.of(t.get("props0").data(), t.get("props1").data()), sizes);
        }
        for (int i = 0; i < 2; i++) {
            ScoredBoxes d = got.get(i);
            Tensor boxes = t.get("det_boxes" + i);
            assertEquals(t.get("det_scores" + i).numel(), d.count(), "image " + i + " detections");
            float[] labels = t.get("det_labels" + i).data();
            for (int j = 0; j < d.count(); j++) assertEquals((int) labels[j], d.labels()[j], "image " + i + " label " + j);
            Fixtures.assertClose(t.get("det_scores" + i), d.scores(), t.get("det_scores" + i).shape(), 1e-5f, 1e-6f, "scores " + i);
            Fixtures.assertClose(boxes, d.boxes(), boxes.shape(), 1e-5f, 1e-4f, "boxes " + i);
            Fixtures.assertClose(t.get("rescaled" + i), RcnnTransform.resizeBoxes(d.boxes(), sizes[i], originals[i]),
                    boxes.shape(), 1e-5f, 1e-4f, "rescaled boxes " + i);
        }
    }

    @Test
    void needsBackgroundAndAClass() {
        assertThrows(IllegalArgumentException.class, () -> new RoiBoxHead(5, 7, 16, 1));
        assertThrows(IllegalArgumentException.class, () -> new RoiBoxHead(5, 7, 16, 3).thresholds(0.05f, 0.5f, 0));
    }
}
