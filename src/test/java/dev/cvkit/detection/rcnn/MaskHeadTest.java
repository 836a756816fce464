package dev.cvkit.detection.rcnn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cvkit.io.SafeTensors;
import dev.cvkit.tensor.Tensor;
import dev.cvkit.testing.Fixtures;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Mask R-CNN's mask branch against torchvision 0.14 (tools/fixtures/detection_targets.py):
 * MaskRCNNHeads + MaskRCNNPredictor with torchvision's state dict on pyramid features of two
 * images, the masks of each detection's class pasted into the image (boxes partly outside, with
 * fractional corners), and maskrcnn_loss with its gradient.
 */
class MaskHeadTest {
    @Test
    void logitsPastedMasksAndLossMatchTorchvision() throws IOException {
        Map<String, Tensor> t = SafeTensors.read(Fixtures.path("targets/mask_head.safetensors")).tensors();
        MaskHead head = new MaskHead(5, new int[] {8, 8, 8, 8}, 7, 8, 3);
        head.loadStateDict(Fixtures.prefixed(t, "mask."));
        List<Tensor> levels = List.of(t.get("f0"), t.get("f1"), t.get("f2"));
        List<float[]> boxes = List.of(t.get("boxes0").data(), t.get("boxes1").data());
        int[][] sizes = {{24, 32}, {22, 30}};
        Tensor logits;
        try (var g = Tensor.noGrad()) {
            logits = head.logits(levels, boxes, sizes);
        }
        Fixtures.assertClose(t.get("logits"), logits.data(), logits.shape(), 1e-4f, 1e-5f, "mask logits");
        List<float[][]> masks = head.masks(levels, boxes, List.of(Fixtures.ints(t.get("labels0")), Fixtures.ints(t.get("labels1"))), sizes);
        for (int i = 0; i < 2; i++) {
            float[][] m = masks.get(i);
            float[] flat = new float[m.length * sizes[i][0] * sizes[i][1]];
            for (int j = 0; j < m.length; j++) System.arraycopy(m[j], 0, flat, j * m[j].length, m[j].length);
            Fixtures.assertClose(t.get("paste" + i), flat, t.get("paste" + i).shape(), 1e-5f, 1e-6f, "pasted masks " + i);
        }
        Tensor train = t.get("train_logits").copy().requiresGrad(true);
        Tensor loss = MaskHead.loss(train, List.of(t.get("prop0").data(), t.get("prop1").data()), List.of(t.get("gtm0"), t.get("gtm1")),
                List.of(Fixtures.ints(t.get("gtl0")), Fixtures.ints(t.get("gtl1"))),
                List.of(Fixtures.ints(t.get("matched0")), Fixtures.ints(t.get("matched1"))));
        Fixtures.assertClose(t.get("mask_loss"), loss.data(), new int[] {1}, 1e-5f, 1e-7f, "mask loss");
        loss.backward();
        Fixtures.assertClose(t.get("g_train_logits"), train.grad(), train.shape(), 1e-5f, 1e-8f, "mask loss gradient");
        assertEquals(3, masks.get(0).length);
    }
}
