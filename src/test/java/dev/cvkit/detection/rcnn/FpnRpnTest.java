package dev.cvkit.detection.rcnn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cvkit.detection.targets.AnchorGenerator;
import dev.cvkit.io.SafeTensors;
import dev.cvkit.tensor.Tensor;
import dev.cvkit.testing.Fixtures;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A feature pyramid, an RPN head and the proposal selection end to end against torchvision 0.14
 * (FeaturePyramidNetwork with LastLevelMaxPool, RPNHead, RegionProposalNetwork in eval mode;
 * tools/fixtures/detection_targets.py): torchvision's state dicts load by name, the pyramid's
 * four outputs and its input gradients match (odd level sizes, so the nearest-neighbour top-down
 * resizing is not a plain 2×), and the two images' 100 proposals come out the same.
 */
class FpnRpnTest {

    @Test
    void pyramidHeadAndProposalsMatchTorchvision() throws IOException {
        SafeTensors.Contents c = SafeTensors.read(Fixtures.path("targets/fpn_rpn.safetensors"));
        Map<String, Tensor> t = c.tensors();
        FeaturePyramid fpn = new FeaturePyramid(new int[] {4, 6, 8}, 5, true);
        fpn.loadStateDict(Fixtures.prefixed(t, "fpn."));
        RpnHead head = new RpnHead(5, 3);
        head.loadStateDict(Fixtures.prefixed(t, "head."));

        List<Tensor> xs = new ArrayList<>();
        for (int l = 0; l < 3; l++) xs.add(t.get("x" + l).copy().requiresGrad(true));
        List<Tensor> p = fpn.forwardLevels(xs);
        assertEquals(4, p.size());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> fpn.forward(xs.get(0)),
                "a pyramid has no one-tensor forward");
        Tensor loss = null;
        for (int l = 0; l < 4; l++) {
            Fixtures.assertClose(t.get("p" + l), p.get(l).data(), p.get(l).shape(), 1e-5f, 1e-5f, "FPN level " + l);
            Tensor term = p.get(l).mul(t.get("gy" + l)).sum();
            loss = loss == null ? term : loss.add(term);
        }
        loss.backward();
        for (int l = 0; l < 3; l++) {
            Fixtures.assertClose(t.get("g_x" + l), xs.get(l).grad(), xs.get(l).shape(), 1e-5f, 1e-5f, "input gradient " + l);
        }

        List<Tensor> features = new ArrayList<>();
        for (Tensor f : p) features.add(Tensor.of(f.data().clone(), f.shape()));
        RpnHead.Output out;
        try (var g = Tensor.noGrad()) {
            out = head.forwardLevels(features);
        }
        float[][] sizes = {{8}, {16}, {32}, {64}}, ratios = new float[4][];
        for (int l = 0; l < 4; l++) ratios[l] = new float[] {0.5f, 1f, 2f};
        int[] gh = new int[4], gw = new int[4];
        for (int l = 0; l < 4; l++) {
            gh[l] = features.get(l).size(2);
            gw[l] = features.get(l).size(3);
        }
        float[] anchors = new AnchorGenerator(sizes, ratios).anchors(52, 68, gh, gw);
        RegionProposals rpn = new RegionProposals(new RegionProposals.Params(200, 100, 0.7f, 0f, 1e-3f));
        List<RegionProposals.Proposals> got = rpn.propose(out.objectness(), out.deltas(), anchors, new int[][] {{52, 68}, {45, 60}});
        for (int i = 0; i < 2; i++) {
            Tensor boxes = t.get("boxes" + i), scores = t.get("scores" + i);
            assertEquals(scores.numel(), got.get(i).count(), "image " + i + " proposals");
            Fixtures.assertClose(boxes, got.get(i).boxes(), boxes.shape(), 1e-4f, 1e-3f, "image " + i + " boxes");
            Fixtures.assertClose(scores, got.get(i).scores(), scores.shape(), 1e-5f, 1e-6f, "image " + i + " scores");
        }
    }
}
