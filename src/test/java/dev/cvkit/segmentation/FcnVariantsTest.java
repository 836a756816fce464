package dev.cvkit.segmentation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.nn.ConvTranspose2d;
import dev.cvkit.nn.Functional;
import dev.cvkit.nn.Init;
import dev.cvkit.tensor.Tensor;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The lecture's FCN-32s/16s/8s heads and their learned upsampling: a transposed convolution
 * initialised by {@link Fcn#bilinear} reproduces bilinear resizing (half-pixel centres) of a
 * known map away from the border, and the border's known attenuation at it; each variant has its
 * own layers and gives scores at the input's size; configs round-trip and old ones load as before.
 */
class FcnVariantsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Two channels of 5 × 6 values that differ everywhere: a channel leaking into the other would show. */
    private static Tensor knownMap() {
        int c = 2, h = 5, w = 6;
        float[] x = new float[c * h * w];
        for (int k = 0; k < c; k++) {
            for (int i = 0; i < h; i++) {
                for (int j = 0; j < w; j++) x[(k * h + i) * w + j] = (float) (k == 0 ? 3 * i - 2 * j + 0.5 * i * j : Math.sin(i + 2.0 * j) * 4 - 7);
            }
        }
        return Tensor.of(x, 1, c, h, w);
    }

    /** The weight a bilinear resize gives source pixel 0 at output index o, when its left neighbour (index -1) is the zero padding. */
    private static double borderWeight(int o, int f) {
        return 1 - Math.abs((o + 0.5) / f - 0.5);
    }

    @Test
    void transposedConvolutionInitialisedToBilinearIsBilinearResizing() {
        Tensor x = knownMap();
        for (int f : new int[] {2, 8, 32}) {
            ConvTranspose2d up = Fcn.bilinear(2, f);
            assertEquals(List.of(2 * f, f, f / 2), List.of(up.k, up.stride, up.padding));
            Tensor y, z;
            try (var g = Tensor.noGrad()) {
                y = up.forward(x);
                z = Functional.upsampleBilinear(x, 5 * f, 6 * f, false);
            }
            int oh = 5 * f, ow = 6 * f;
            assertEquals(List.of(1, 2, oh, ow), List.of(y.size(0), y.size(1), y.size(2), y.size(3)));
            int interior = 0, border = 0;
            for (int k = 0; k < 2; k++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        float got = y.data()[(k * oh + i) * ow + j], want = z.data()[(k * oh + i) * ow + j];
                        boolean inI = i >= f / 2 && i < oh - f / 2, inJ = j >= f / 2 && j < ow - f / 2;
                        if (inI && inJ) {
                            assertEquals(want, got, 1e-4f * Math.max(1, Math.abs(want)), "f=" + f + " channel " + k + " at " + i + "," + j);
                            interior++;
                        } else if (inI) {
                            // the left and right columns: the resize repeats the edge, the convolution sees a zero beyond it
                            int jj = j < f / 2 ? j : ow - 1 - j;
                            assertEquals(borderWeight(jj, f) * want, got, 1e-4f * Math.max(1, Math.abs(want)), "f=" + f + " border " + i + "," + j);
                            border++;
                        }
                    }
                }
            }
            assertEquals(2 * (oh - f) * (ow - f), interior);
            assertEquals(2 * (oh - f) * f, border);
        }
    }

    @Test
    void eachVariantHasItsLayersAndScoresAtTheInputSize() {
        Init.seed(3);
        for (String head : FcnSpec.HEADS) {
            for (String upsample : FcnSpec.UPSAMPLES) {
                FcnSpec spec = FcnSpec.of("resnet18", 3, 64, head, upsample);
                Fcn net = spec.build();
                Set<String> keys = net.stateDict().keySet();
                assertEquals(spec.stride() <= 16, keys.contains("skip3.weight"), head);
                assertEquals(spec.stride() == 8, keys.contains("skip2.weight"), head);
                assertEquals(spec.transposed(), keys.contains("upscore.weight"), head + " " + upsample);
                assertEquals(spec.transposed() && spec.stride() <= 16, keys.contains("upscore2.weight"), head + " " + upsample);
                assertEquals(spec.transposed() && spec.stride() == 8, keys.contains("upscore_pool4.weight"), head + " " + upsample);
                if (spec.transposed()) {
                    assertEquals(List.of(3, 3, 2 * spec.stride(), 2 * spec.stride()), List.of(net.stateDict().get("upscore.weight").shape()[0],
                            net.stateDict().get("upscore.weight").shape()[1], net.stateDict().get("upscore.weight").shape()[2],
                            net.stateDict().get("upscore.weight").shape()[3]));
                }
                net.eval();
                Tensor out;
                try (var g = Tensor.noGrad()) {
                    out = net.forwardScores(Tensor.of(new float[3 * 64 * 64], 1, 3, 64, 64)).out();
                }
                assertEquals(List.of(1, 3, 64, 64), List.of(out.size(0), out.size(1), out.size(2), out.size(3)), head + " " + upsample);
            }
        }
    }

    @Test
    void learnedUpsamplingGetsGradients() {
        Init.seed(4);
        Fcn net = FcnSpec.of("resnet18", 3, 64, "fcn-8s", "transposed").build();
        float[] px = new float[2 * 3 * 64 * 64];
        java.util.SplittableRandom r = new java.util.SplittableRandom(1);
        for (int i = 0; i < px.length; i++) px[i] = (float) r.nextGaussian();
        float[] target = new float[2 * 64 * 64];
        for (int i = 0; i < target.length; i++) target[i] = (i / 64) % 64 < 32 ? 1 : 2;
        Tensor loss = Fcn.loss(net.forwardScores(Tensor.of(px, 2, 3, 64, 64)), Tensor.of(target, 2, 64, 64));
        loss.backward();
        for (String k : List.of("upscore.weight", "upscore2.weight", "upscore_pool4.weight", "skip2.weight")) {
            float[] g = net.stateDict().get(k).grad();
            double sum = 0;
            for (float v : g) sum += Math.abs(v);
            assertTrue(sum > 0, k + " gets a gradient");
        }
    }

    @Test
    void configsRoundTripAndOldFilesStayFcn8sBilinear() throws Exception {
        FcnSpec s = FcnSpec.of("resnet34", 4, 96, "fcn-16s", "transposed");
        ObjectNode j = s.toJson();
        assertEquals("fcn-16s", j.get("head").asText());
        assertEquals("transposed", j.get("upsample").asText());
        FcnSpec back = FcnSpec.fromJson(j);
        assertEquals(List.of("resnet34", "fcn-16s", "transposed", 16, 96), List.of(back.backbone(), back.head(), back.upsample(), back.stride(), back.size()));
        // a config written before the variants: head fcn-8s (or fcn-dilated8), no upsample
        ObjectNode old = (ObjectNode) JSON.readTree("{\"backbone\":\"resnet18\",\"head\":\"fcn-8s\",\"num_classes\":3,\"aux_loss\":false,"
                + "\"transform\":{\"size\":160,\"mean\":[0.485,0.456,0.406],\"std\":[0.229,0.224,0.225]}}");
        FcnSpec o = FcnSpec.fromJson(old);
        assertEquals(List.of("fcn-8s", "bilinear", 8), List.of(o.head(), o.upsample(), o.stride()));
        assertEquals("fcn-dilated8", FcnSpec.fromJson(old.put("backbone", "resnet50").put("head", "fcn-dilated8")).head());
        assertThrows(IllegalArgumentException.class, () -> FcnSpec.fromJson(old.put("backbone", "resnet50").put("head", "fcn-32s")));
        assertThrows(IllegalArgumentException.class, () -> FcnSpec.of("resnet18", 3, 48, "fcn-8s", "transposed"), "48 is not a multiple of 32");
        assertThrows(IllegalArgumentException.class, () -> FcnSpec.of("resnet18", 3, 64, "fcn-4s", "bilinear"));
        assertThrows(IllegalArgumentException.class, () -> FcnSpec.of("resnet18", 3, 64, "fcn-8s", "nearest"));
        assertNotEquals(FcnSpec.of("resnet18", 3, 64, "fcn-32s", "bilinear").stride(), FcnSpec.of("resnet18", 3, 64, "fcn-16s", "bilinear").stride());
    }
}
