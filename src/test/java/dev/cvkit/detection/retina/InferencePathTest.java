package dev.cvkit.detection.retina;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cvkit.detection.rcnn.FeaturePyramid;
import dev.cvkit.detection.rcnn.ResNetBackbone;
import dev.cvkit.models.Architecture;
import dev.cvkit.nn.Init;
import dev.cvkit.tensor.Tensor;
import dev.cvkit.testing.Fixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * RetinaNet's inference shortcuts (the FPN's top-down sum in place, the head's fused output
 * convolution, the backbone's fused stem) against the layer-by-layer path that a recording
 * forward of the same eval-mode modules takes.
 */
class InferencePathTest {
    private static List<Tensor> copies(List<Tensor> ts) {
        List<Tensor> out = new ArrayList<>();
        for (Tensor t : ts) out.add(t.copy());
        return out;
    }

    /** The same computation without and with gradient recording (the latter takes no inference shortcut). */
    private static List<Tensor>[] both(Supplier<List<Tensor>> f) {
        List<Tensor> inference;
        try (var g = Tensor.noGrad()) {
            inference = copies(f.get());
        }
        @SuppressWarnings("unchecked")
        List<Tensor>[] r = new List[] {inference, copies(f.get())};
        return r;
    }

    @Test
    void pyramidTopDownInPlaceEqualsUpsampleThenAdd() {
        Init.seed(1);
        FeaturePyramid fpn = new FeaturePyramid(new int[] {8, 16, 32}, 16, FeaturePyramid.Extra.P6P7, 16);
        fpn.eval();
        Random r = new Random(2);
        // odd sizes too: nearest resizing from 5 to 9 and 3 to 5 picks rows ⌊i·h/oh⌋
        for (int[] s : new int[][] {{20, 10, 5}, {9, 5, 3}}) {
            List<Tensor> in = List.of(Tensor.randn(r, 2, 8, s[0], s[0] + 1), Tensor.randn(r, 2, 16, s[1], s[1] + 1),
                    Tensor.randn(r, 2, 32, s[2], s[2] + 1));
            for (int rep = 0; rep < 2; rep++) { // the second call reuses pooled arrays
                List<Tensor>[] b = both(() -> fpn.forwardLevels(in));
                assertEquals(5, b[0].size());
                for (int l = 0; l < 5; l++) {
                    assertArrayEquals(b[1].get(l).shape(), b[0].get(l).shape());
                    assertArrayEquals(b[1].get(l).data(), b[0].get(l).data(), "level " + l + " size " + s[0]);
                }
            }
        }
    }

    @Test
    void headFusedOutputEqualsLayerByLayer() {
        Init.seed(3);
        RetinaHead head = new RetinaHead(64, 9, 5);
        head.eval();
        Random r = new Random(4);
        List<Tensor> levels = List.of(Tensor.randn(r, 2, 64, 16, 16), Tensor.randn(r, 2, 64, 8, 8), Tensor.randn(r, 2, 64, 3, 3));
        for (int rep = 0; rep < 2; rep++) {
            List<Tensor>[] b = both(() -> {
                RetinaHead.Output o = head.forwardLevels(levels);
                List<Tensor> all = new ArrayList<>(o.classLogits());
                all.addAll(o.boxDeltas());
                return all;
            });
            for (int i = 0; i < b[0].size(); i++) assertArrayEquals(b[1].get(i).data(), b[0].get(i).data(), "output " + i);
        }
    }

    @Test
    void backboneFusedStemAgreesWithSeparateLayers() {
        Init.seed(5);
        ResNetBackbone bb = new ResNetBackbone(Architecture.RESNET18);
        bb.eval();
        Tensor x = Tensor.randn(new Random(6), 1, 3, 64, 64);
        List<Tensor>[] b = both(() -> bb.levels(x));
        // conv → BatchNorm folded into one affine per channel: float rounding only
        for (int l = 0; l < 4; l++) Fixtures.assertClose(b[1].get(l).data(), b[0].get(l).data(), 1e-4f, 1e-5f, "level " + l);
    }
}
