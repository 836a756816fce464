package dev.cvkit.detection.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cvkit.detection.rcnn.RcnnTransform;
import dev.cvkit.detection.ssd.SsdSpec;
import dev.cvkit.nn.Module;
import dev.cvkit.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SSDLite on MobileNet v3 Large, torchvision's ssdlite320_mobilenet_v3_large: the parameter
 * counts of torchvision 0.14 at 91 classes, the default trunk of {@code --arch ssdlite}, and a
 * short run that learns and whose model file alone detects the same.
 */
class SsdLiteMobileNetV3Test {

    /**
     * torchvision 0.14, 91 classes, counted with python: {@code ssdlite320_mobilenet_v3_large(weights=None,
     * weights_backbone=None)} (which reduces the tail when no backbone weights are given) has
     * 3,440,060 parameters, 1,367,388 of them in the head; the same built with
     * {@code mobilenet_v3_large(reduced_tail=False)} has 5,198,540 and 1,651,548; the classifier
     * {@code mobilenet_v3_large().features} alone 2,971,952.
     */
    @Test
    void parameterCountsEqualTorchvisions() {
        Map<String, Long> reduced = parts(torchvisionLayout(true).build()), full = parts(torchvisionLayout(false).build());
        assertEquals(3_440_060L, reduced.values().stream().mapToLong(Long::longValue).sum());
        assertEquals(1_367_388L, reduced.get("head"));
        assertEquals(5_198_540L, full.values().stream().mapToLong(Long::longValue).sum());
        assertEquals(1_651_548L, full.get("head"));
        assertEquals(2_971_952L, full.get("body"));
        // the extra blocks by hand: 1×1 to W/2, 3×3 depthwise, 1×1 to W, each with BatchNorm (2 per channel)
        long extra = 0;
        int[][] blocks = {{960, 512}, {512, 256}, {256, 256}, {256, 128}};
        for (int[] b : blocks) {
            int in = b[0], w = b[1], mid = w / 2;
            extra += (long) in * mid + 2L * mid + 9L * mid + 2L * mid + (long) mid * w + 2L * w;
        }
        assertEquals(extra, full.get("extra"));
    }

    /** The six maps at 320²: strides 16 and 32 from the trunk (672 and 960 channels), then 3², 2², 1², 1². */
    @Test
    void mapsAtThreeTwentyAreTorchvisions() {
        dev.cvkit.detection.ssd.Ssd net = torchvisionLayout(false).build();
        dev.cvkit.detection.ssd.MobileNetV3Backbone trunk = new dev.cvkit.detection.ssd.MobileNetV3Backbone(false);
        try (var g = Tensor.noGrad()) {
            trunk.eval();
            List<Tensor> levels = trunk.levels(Tensor.zeros(1, 3, 320, 320));
            assertEquals(List.of(672, 20, 20), List.of(levels.get(0).size(1), levels.get(0).size(2), levels.get(0).size(3)));
            assertEquals(List.of(960, 10, 10), List.of(levels.get(1).size(1), levels.get(1).size(2), levels.get(1).size(3)));
        }
        assertTrue(net.namedParameters().containsKey("backbone.body.features.13.block.0.0.weight"));
        assertTrue(net.namedParameters().containsKey("backbone.body.features.13.block.2.fc1.weight"));
    }

    /**
     * {@code --arch ssdlite} is MobileNet v3 unless told otherwise: 32 steps on 16 images of 96²
     * lower the summed loss by a fifth, and the model file alone rebuilds a detector that finds
     * what the trained network finds.
     */
    @Test
    void trainsByDefaultAndItsModelFileDetectsAlike(@TempDir Path tmp) throws IOException {
        assertEquals("mobilenet_v3", DetectorFamilies.get("ssdlite").backbones().get(0));
        Path run = SingleStageTrainingTest.trainSsdLite(tmp, "mobilenet_v3");
        JsonNode cfg = json(dev.cvkit.io.SafeTensors.read(run.resolve("last.safetensors")).config());
        assertEquals("mobilenet_v3", cfg.get("backbone").asText());
        assertEquals(true, cfg.get("reduced_tail").asBoolean(), "torchvision reduces the tail when it trains from scratch");
    }

    /**
     * Fused inference (each conv with its BatchNorm and Hardswish, squeeze-excitation in place,
     * pooled buffers given back after each detect) finds what the separate layers find (a
     * tracer turns fusion off), and the same bits again after a batch of another size has gone
     * round the buffer pool; at 1 and 2 threads alike.
     */
    @Test
    void fusedInferenceDetectsAsTheSeparateLayers() {
        dev.cvkit.nn.Init.seed(5);
        dev.cvkit.detection.ssd.Ssd net = torchvisionLayout(true).build();
        net.eval();
        java.util.Random r = new java.util.Random(6);
        Tensor a = Tensor.randn(r, 2, 3, 160, 160), b = Tensor.randn(r, 1, 3, 128, 160);
        int[][] sizesA = {{160, 160}, {160, 160}}, sizesB = {{128, 160}};
        List<dev.cvkit.structures.ScoredBoxes>[] separate = new List[1];
        Module.trace((m, t) -> {}, () -> separate[0] = net.detect(a, sizesA, 0.0f, 0.5f, 20));
        int old = dev.cvkit.tensor.Parallel.threads();
        try {
            List<dev.cvkit.structures.ScoredBoxes> first = null;
            for (int threads : new int[] {1, 2}) {
                dev.cvkit.tensor.Parallel.setThreads(threads);
                List<dev.cvkit.structures.ScoredBoxes> fused = net.detect(a, sizesA, 0.0f, 0.5f, 20);
                net.detect(b, sizesB, 0.0f, 0.5f, 20);
                List<dev.cvkit.structures.ScoredBoxes> again = net.detect(a, sizesA, 0.0f, 0.5f, 20);
                for (int i = 0; i < 2; i++) {
                    org.junit.jupiter.api.Assertions.assertArrayEquals(fused.get(i).scores(), again.get(i).scores(), "repeated, image " + i);
                    org.junit.jupiter.api.Assertions.assertArrayEquals(fused.get(i).boxes(), again.get(i).boxes(), "repeated, image " + i);
                    if (first != null) {
                        org.junit.jupiter.api.Assertions.assertArrayEquals(first.get(i).scores(), fused.get(i).scores(), threads + " threads");
                        org.junit.jupiter.api.Assertions.assertArrayEquals(first.get(i).boxes(), fused.get(i).boxes(), threads + " threads");
                    }
                    // the best detections' scores agree with the separate layers' to float rounding
                    float[] s0 = separate[0].get(i).scores(), s1 = fused.get(i).scores();
                    assertEquals(s0.length, s1.length);
                    for (int k = 0; k < s0.length; k++) assertEquals(s0[k], s1[k], 1e-5f * Math.abs(s0[k]) + 1e-7f, "score " + k);
                }
                first = fused;
            }
        } finally {
            dev.cvkit.tensor.Parallel.setThreads(old);
        }
    }

    /** torchvision's ssdlite320_mobilenet_v3_large: 6 maps, ratios 2 and 3, scales 0.2 … 0.95 and 1, 300 candidates. */
    static SsdSpec torchvisionLayout(boolean reducedTail) {
        int[][] ratios = new int[6][];
        for (int k = 0; k < 6; k++) ratios[k] = new int[] {2, 3};
        RcnnTransform t = new RcnnTransform(320, 320, new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.5f, 0.5f, 0.5f});
        return new SsdSpec("mobilenet_v3", new int[] {512, 256, 256, 128}, new float[] {0.2f, 0.35f, 0.5f, 0.65f, 0.8f, 0.95f, 1f}, ratios,
                91, 300, t, true, reducedTail);
    }

    private static Map<String, Long> parts(Module net) {
        Map<String, Long> byPart = new HashMap<>();
        net.namedParameters().forEach((name, t) -> byPart.merge(name.startsWith("head.") ? "head"
                : name.startsWith("backbone.extra.") ? "extra" : "body", (long) t.numel(), Long::sum));
        return byPart;
    }

    private static JsonNode json(String s) throws IOException {
        return new ObjectMapper().readTree(s);
    }
}
