package dev.cvkit.detection.ssd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cvkit.io.SafeTensors;
import dev.cvkit.structures.ScoredBoxes;
import dev.cvkit.tensor.Tensor;
import dev.cvkit.testing.Fixtures;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * SSD against torchvision 0.14 (tools/fixtures/detection_targets.py): the default boxes of two
 * maps with steps, the head's outputs with torchvision's state dict, both losses (hard negative
 * mining included) with their gradients, and the decoded detections in torchvision's order.
 */
class SsdTest {
    @Test
    void boxesHeadLossesAndDetectionsMatchTorchvision() throws IOException {
        Map<String, Tensor> t = SafeTensors.read(Fixtures.path("targets/ssd.safetensors")).tensors();
        DefaultBoxes gen = new DefaultBoxes(new int[][] {{2}, {2, 3}}, 0.2, 0.9, null, new int[] {8, 16}, true);
        float[] boxes = gen.boxes(32, 40, new int[] {4, 2}, new int[] {5, 3});
        Fixtures.assertClose(t.get("boxes"), boxes, t.get("boxes").shape(), 1e-6f, 1e-5f, "default boxes");

        SsdHead head = new SsdHead(new int[] {6, 8}, new int[] {gen.perPosition(0), gen.perPosition(1)}, 3);
        head.loadStateDict(Fixtures.prefixed(t, "head."));
        SsdHead.Output out;
        try (var g = Tensor.noGrad()) {
            out = head.forwardMaps(List.of(t.get("x0"), t.get("x1")));
        }
        for (int l = 0; l < 2; l++) {
            Fixtures.assertClose(t.get("cls" + l), out.classLogits().get(l).data(), out.classLogits().get(l).shape(), 1e-5f, 1e-5f, "scores " + l);
            Fixtures.assertClose(t.get("reg" + l), out.boxDeltas().get(l).data(), out.boxDeltas().get(l).shape(), 1e-5f, 1e-5f, "deltas " + l);
        }

        List<Tensor> cls = new ArrayList<>(), reg = new ArrayList<>();
        for (int l = 0; l < 2; l++) {
            cls.add(t.get("cls" + l).copy().requiresGrad(true));
            reg.add(t.get("reg" + l).copy().requiresGrad(true));
        }
        SsdLosses.Pair losses = SsdLosses.compute(new SsdHead.Output(cls, reg), 3, t.get("boxes").data(),
                List.of(t.get("gt0").data(), t.get("gt1").data()),
                List.of(Fixtures.ints(t.get("gt_labels0")), Fixtures.ints(t.get("gt_labels1"))));
        Fixtures.assertClose(t.get("reg_loss"), losses.regression().data(), new int[] {1}, 1e-5f, 1e-6f, "box loss");
        Fixtures.assertClose(t.get("cls_loss"), losses.classification().data(), new int[] {1}, 1e-5f, 1e-6f, "class loss");
        losses.regression().add(losses.classification().mul(2f)).backward();
        for (int l = 0; l < 2; l++) {
            Fixtures.assertClose(t.get("g_cls" + l), cls.get(l).grad(), cls.get(l).shape(), 1e-5f, 1e-7f, "score gradient " + l);
            Fixtures.assertClose(t.get("g_reg" + l), reg.get(l).grad(), reg.get(l).shape(), 1e-5f, 1e-7f, "delta gradient " + l);
        }

        List<ScoredBoxes> dets = new SsdDecoder(0.01f, 0.45f, 400, 40)
                .decode(new SsdHead.Output(List.of(t.get("cls0"), t.get("cls1")), List.of(t.get("reg0"), t.get("reg1"))), 3,
                        t.get("boxes").data(), new int[][] {{32, 40}, {28, 36}});
        for (int i = 0; i < 2; i++) {
            ScoredBoxes d = dets.get(i);
            assertEquals(t.get("det_scores" + i).numel(), d.count(), "image " + i + " detections");
            int[] labels = Fixtures.ints(t.get("det_labels" + i));
            for (int j = 0; j < d.count(); j++) assertEquals(labels[j], d.labels()[j], "image " + i + " label " + j);
            Fixtures.assertClose(t.get("det_scores" + i), d.scores(), t.get("det_scores" + i).shape(), 1e-5f, 1e-7f, "scores " + i);
            Fixtures.assertClose(t.get("det_boxes" + i), d.boxes(), t.get("det_boxes" + i).shape(), 1e-5f, 1e-4f, "boxes " + i);
        }
    }
}
