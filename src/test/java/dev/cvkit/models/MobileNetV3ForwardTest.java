package dev.cvkit.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.cvkit.nn.Module;
import dev.cvkit.nn.Sequential;
import dev.cvkit.tensor.Parallel;
import dev.cvkit.tensor.Tensor;
import dev.cvkit.testing.Fixtures;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * MobileNet v3 Large's features (reduced tail, BatchNorm eps 0.001: SSDLite's trunk) match
 * torchvision's in eval mode, through the fused inference path (conv + BatchNorm + Hardswish in
 * one pass, the row-wise depthwise kernel, squeeze-excitation in place, the residual in the
 * projection's pass) and through the separate layers; the fused path gives the same bits at 1
 * and 2 threads and on a repeated run (pooled buffers). Weights are generated on both sides by
 * name (see tools/fixtures/mobilenet_v3.py); tolerance 1e-4 × max|y| as ResNet18ForwardTest.
 */
class MobileNetV3ForwardTest {
    @Test
    void featuresMatchTorchvision() {
        Sequential f = MobileNetV3.largeFeatures(true, 0.001f, 0.03f);
        f.loadStateDict(ResNet18ForwardTest.weights(f));
        f.eval();
        Map<String, Tensor> ref = Fixtures.load("nn/mobilenet_v3_features.safetensors").tensors();
        Tensor x = Tensor.of(Fixtures.splitmixUniform("mnv3_input", 2 * 3 * 96 * 96), 2, 3, 96, 96);
        List<Module> layers = List.copyOf(f.children().values());

        float[][] unfused = run(layers, x); // eval with gradients recorded: the separate layers
        check(ref, unfused, "separate layers");
        int old = Parallel.threads();
        try (var g = Tensor.noGrad()) {
            float[][] first = null;
            for (int threads : new int[] {1, 2, 1}) {
                Parallel.setThreads(threads);
                float[][] fused = run(layers, x);
                check(ref, fused, "fused, threads " + threads);
                if (first == null) first = fused;
                for (int k = 0; k < 3; k++) assertArrayEquals(first[k], fused[k], "fused output " + k + " at " + threads + " threads");
            }
        } finally {
            Parallel.setThreads(old);
        }
    }

    /** Outputs after features 4, 7 and 16 (copies: the fused path recycles buffers). */
    private static float[][] run(List<Module> layers, Tensor x) {
        float[][] out = new float[3][];
        Tensor h = x;
        for (int i = 0; i < layers.size(); i++) {
            h = layers.get(i).forward(h);
            if (i == 4) out[0] = h.data().clone();
            if (i == 7) out[1] = h.data().clone();
        }
        out[2] = h.data().clone();
        return out;
    }

    private static void check(Map<String, Tensor> ref, float[][] got, String what) {
        String[] names = {"y4", "y7", "y"};
        for (int k = 0; k < 3; k++) {
            float[] r = ref.get(names[k]).data();
            Fixtures.assertClose(r, got[k], 0f, (float) (1e-4 * Fixtures.maxAbs(r)), what + ": " + names[k]);
        }
    }
}
