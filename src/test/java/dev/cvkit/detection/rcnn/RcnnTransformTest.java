package dev.cvkit.detection.rcnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cvkit.io.SafeTensors;
import dev.cvkit.tensor.Tensor;
import dev.cvkit.testing.Fixtures;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The R-CNN input transform against torchvision 0.14's GeneralizedRCNNTransform (min size 20,
 * max size 32): a landscape image limited by its shorter side and a portrait one limited by its
 * longer side (25 · 1.28f floors to 31, not 32), normalised, resized bilinearly, padded to 32×32;
 * the boxes scaled with them.
 */
class RcnnTransformTest {
    @Test
    void batchSizesAndBoxesMatchTorchvision() throws IOException {
        Map<String, Tensor> t = SafeTensors.read(Fixtures.path("targets/transform.safetensors")).tensors();
        RcnnTransform tr = new RcnnTransform(20, 32, new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});
        RcnnTransform.Batch b = tr.apply(List.of(t.get("img0"), t.get("img1")), List.of(t.get("boxes0").data(), t.get("boxes1").data()));
        assertArrayEquals(new int[] {20, 29}, b.sizes()[0]);
        assertArrayEquals(new int[] {31, 16}, b.sizes()[1]);
        Fixtures.assertClose(t.get("batch"), b.images().data(), b.images().shape(), 1e-5f, 1e-5f, "batched images");
        for (int i = 0; i < 2; i++) {
            Fixtures.assertClose(t.get("rboxes" + i), b.boxes().get(i), t.get("rboxes" + i).shape(), 1e-6f, 1e-6f, "boxes " + i);
        }
        assertThrows(IllegalArgumentException.class, () -> tr.apply(List.of(Tensor.zeros(1, 8, 8)), null));
    }
}
