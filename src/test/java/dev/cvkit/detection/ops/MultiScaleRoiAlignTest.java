package dev.cvkit.detection.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cvkit.io.SafeTensors;
import dev.cvkit.tensor.Tensor;
import dev.cvkit.testing.Fixtures;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * {@link MultiScaleRoiAlign} against torchvision 0.14's MultiScaleRoIAlign
 * (tools/fixtures/torchvision_ops.py): the level of every RoI (FPN eq. 1 at the boundaries
 * √A = s0·2^k, clamped at both ends, zero and negative areas), the pooled values in RoI order
 * and the gradients of every pyramid level; a 4-level pyramid of two images of different sizes,
 * torchvision's default canonical scale with an adaptive grid, and a single level.
 */
class MultiScaleRoiAlignTest {
    @ParameterizedTest
    @ValueSource(strings = {"msroi_pyramid4", "msroi_default_adaptive", "msroi_single_level"})
    void matchesTorchvision(String name) throws IOException {
        SafeTensors.Contents c = SafeTensors.read(Fixtures.path("ops/" + name + ".safetensors"));
        JsonNode p = new ObjectMapper().readTree(c.metadata().get("params"));
        Map<String, Tensor> t = c.tensors();
        List<Tensor> levels = new ArrayList<>();
        for (int l = 0; l < p.get("levels").asInt(); l++) levels.add(t.get("x" + l).copy().requiresGrad(true));
        JsonNode sizes = p.get("image_sizes");
        int[][] imageSizes = new int[sizes.size()][];
        List<Tensor> boxes = new ArrayList<>();
        for (int i = 0; i < sizes.size(); i++) {
            imageSizes[i] = new int[] {sizes.get(i).get(0).asInt(), sizes.get(i).get(1).asInt()};
            boxes.add(t.get("boxes" + i));
        }
        MultiScaleRoiAlign pool = new MultiScaleRoiAlign(p.get("out_h").asInt(), p.get("out_w").asInt(),
                p.get("sampling_ratio").asInt(), p.get("canonical_scale").asInt(), p.get("canonical_level").asInt());

        if (levels.size() > 1) {
            float[] want = t.get("levels").data();
            int maxH = Math.max(imageSizes[0][0], imageSizes[1][0]);
            int kMin = (int) Math.round(-Math.log(MultiScaleRoiAlign.inferScale(levels.get(0).size(2), maxH)) / Math.log(2));
            int kMax = kMin + levels.size() - 1;
            int r = 0;
            for (Tensor b : boxes) {
                float[] d = b.data();
                for (int j = 0; j < d.length / 4; j++, r++) {
                    int got = pool.level(d[4 * j], d[4 * j + 1], d[4 * j + 2], d[4 * j + 3], kMin, kMax);
                    if (want[r] < 0 || want[r] >= levels.size()) {
                        assertEquals(MultiScaleRoiAlign.NO_LEVEL, got, name + " RoI " + r + " (no level in torchvision)");
                    } else {
                        assertEquals((int) want[r], got - kMin, name + " level of RoI " + r);
                    }
                }
            }
        }
        Tensor y = pool.apply(levels, boxes, imageSizes);
        Fixtures.assertClose(t.get("y"), y.data(), y.shape(), 1e-5f, 1e-6f, name + " y");
        y.backward(t.get("gy").data());
        for (int l = 0; l < levels.size(); l++) {
            // a level no RoI maps to gets no gradient here; torchvision's is all zeros
            float[] g = levels.get(l).grad() != null ? levels.get(l).grad() : new float[levels.get(l).numel()];
            Fixtures.assertClose(t.get("g_x" + l), g, levels.get(l).shape(), 1e-5f, 1e-6f, name + " grad of level " + l);
        }
    }

    @Test
    void scalesAreInferredAsPowersOfTwo() {
        assertEquals(0.25f, MultiScaleRoiAlign.inferScale(200, 800));
        assertEquals(1 / 32f, MultiScaleRoiAlign.inferScale(25, 800)); // 25/800 = 2^-5 exactly
        assertEquals(1 / 16f, MultiScaleRoiAlign.inferScale(51, 800)); // 0.06375 → log2 −3.97 → 2^-4
    }

    @Test
    void mismatchedInputsAreRejected() {
        Tensor f = Tensor.zeros(2, 3, 8, 8);
        MultiScaleRoiAlign pool = new MultiScaleRoiAlign(2, 2, 2);
        assertThrows(IllegalArgumentException.class, () -> pool.apply(List.of(f), List.of(Tensor.zeros(1, 4)), new int[][] {{32, 32}}));
        assertThrows(IllegalArgumentException.class,
                () -> pool.apply(List.of(f, Tensor.zeros(2, 2, 4, 4)), List.of(Tensor.zeros(1, 4), Tensor.zeros(1, 4)),
                        new int[][] {{32, 32}, {32, 32}}));
        assertThrows(IllegalArgumentException.class, () -> new MultiScaleRoiAlign(0, 2, 2));
    }
}
