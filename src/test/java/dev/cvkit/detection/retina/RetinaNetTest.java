package dev.cvkit.detection.retina;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cvkit.detection.rcnn.FeaturePyramid;
import dev.cvkit.detection.targets.AnchorGenerator;
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
 * RetinaNet against torchvision 0.14 (tools/fixtures/detection_targets.py): the P3–P7 pyramid
 * (LastLevelP6P7 reading P5), the head's two subnets with torchvision's state dict, the focal and
 * L1 losses on two images with their gradients, and the decoded detections (score threshold,
 * per-level top-k, per-class NMS, 40 per image) in torchvision's order.
 */
class RetinaNetTest {

    @Test
    void pyramidHeadLossesAndDetectionsMatchTorchvision() throws IOException {
        Map<String, Tensor> t = SafeTensors.read(Fixtures.path("targets/retinanet.safetensors")).tensors();
        FeaturePyramid fpn = new FeaturePyramid(new int[] {4, 6, 8}, 5, FeaturePyramid.Extra.P6P7, 5);
        fpn.loadStateDict(Fixtures.prefixed(t, "fpn."));
        RetinaHead head = new RetinaHead(5, 3, 3);
        head.loadStateDict(Fixtures.prefixed(t, "head."));
        List<Tensor> p;
        RetinaHead.Output out;
        try (var g = Tensor.noGrad()) {
            p = fpn.forwardLevels(List.of(t.get("x0"), t.get("x1"), t.get("x2")));
            out = head.forwardLevels(p);
        }
        assertEquals(5, p.size());
        for (int l = 0; l < 5; l++) {
            Fixtures.assertClose(t.get("p" + l), p.get(l).data(), p.get(l).shape(), 1e-5f, 1e-5f, "P" + (l + 3));
            Fixtures.assertClose(t.get("cls" + l), out.classLogits().get(l).data(), out.classLogits().get(l).shape(), 1e-4f,
                    1e-5f, "logits " + l);
            Fixtures.assertClose(t.get("reg" + l), out.boxDeltas().get(l).data(), out.boxDeltas().get(l).shape(), 1e-4f,
                    1e-5f, "deltas " + l);
        }

        float[][] sizes = {{8}, {16}, {32}, {64}, {128}}, ratios = new float[5][];
        int[] gh = new int[5], gw = new int[5];
        for (int l = 0; l < 5; l++) {
            ratios[l] = new float[] {0.5f, 1f, 2f};
            gh[l] = p.get(l).size(2);
            gw[l] = p.get(l).size(3);
        }
        float[] anchors = new AnchorGenerator(sizes, ratios).anchors(32, 40, gh, gw);

        // losses on torchvision's own head outputs, with gradients
        List<Tensor> cls = new ArrayList<>(), reg = new ArrayList<>();
        for (int l = 0; l < 5; l++) {
            cls.add(t.get("cls" + l).copy().requiresGrad(true));
            reg.add(t.get("reg" + l).copy().requiresGrad(true));
        }
        RetinaLosses.Pair losses = RetinaLosses.compute(new RetinaHead.Output(cls, reg), 3, anchors,
                List.of(t.get("gt0").data(), t.get("gt1").data()), List.of(Fixtures.ints(t.get("gt_labels0")), Fixtures.ints(t.get("gt_labels1"))));
        Fixtures.assertClose(t.get("cls_loss"), losses.classification().data(), new int[] {1}, 1e-5f, 1e-7f, "focal loss");
        Fixtures.assertClose(t.get("reg_loss"), losses.regression().data(), new int[] {1}, 1e-5f, 1e-7f, "L1 loss");
        losses.classification().add(losses.regression().mul(2f)).backward();
        for (int l = 0; l < 5; l++) {
            Fixtures.assertClose(t.get("g_cls" + l), cls.get(l).grad(), cls.get(l).shape(), 1e-4f, 1e-7f, "logit gradient " + l);
            Fixtures.assertClose(t.get("g_reg" + l), reg.get(l).grad(), reg.get(l).shape(), 1e-4f, 1e-7f, "delta gradient " + l);
        }

        List<Tensor> rawCls = new ArrayList<>(), rawReg = new ArrayList<>();
        for (int l = 0; l < 5; l++) {
            rawCls.add(t.get("cls" + l));
            rawReg.add(t.get("reg" + l));
        }
        List<ScoredBoxes> dets = new RetinaDecoder(0.05f, 0.5f, 1000, 40)
                .decode(new RetinaHead.Output(rawCls, rawReg), 3, anchors, new int[][] {{32, 40}, {28, 36}});
        for (int i = 0; i < 2; i++) {
            ScoredBoxes d = dets.get(i);
            assertEquals(t.get("det_scores" + i).numel(), d.count(), "image " + i + " detections");
            int[] labels = Fixtures.ints(t.get("det_labels" + i));
            for (int j = 0; j < d.count(); j++) assertEquals(labels[j], d.labels()[j], "image " + i + " label " + j);
            Fixtures.assertClose(t.get("det_scores" + i), d.scores(), t.get("det_scores" + i).shape(), 1e-6f, 1e-7f, "scores " + i);
            Fixtures.assertClose(t.get("det_boxes" + i), d.boxes(), t.get("det_boxes" + i).shape(), 1e-5f, 1e-4f, "boxes " + i);
        }
    }
}
