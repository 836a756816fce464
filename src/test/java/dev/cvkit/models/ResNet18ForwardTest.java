package dev.cvkit.models;

import dev.cvkit.nn.Module;
import dev.cvkit.tensor.Parallel;
import dev.cvkit.tensor.Tensor;
import dev.cvkit.testing.Fixtures;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A whole torchvision ResNet-18 forward (eval) matches PyTorch's logits. Both sides generate the
 * same deterministic weights per state_dict name (Fixtures.splitmixUniform, see
 * tools/fixtures/torch_layers.py), so the 46 MB of weights need not be committed.
 * Tolerance: 1e-4 × max|logit| (float32 sums in a different order through 20 layers).
 */
class ResNet18ForwardTest {
    static Map<String, Tensor> weights(Module m) {
        Map<String, Tensor> sd = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : m.stateDict().entrySet()) {
            String name = e.getKey();
            if (name.endsWith("num_batches_tracked")) continue;
            Tensor t = e.getValue();
            float[] r = Fixtures.splitmixUniform(name, t.numel());
            float[] v = new float[r.length];
            int[] s = t.shape();
            for (int i = 0; i < r.length; i++) {
                if (name.endsWith("running_var")) v[i] = 1f + 0.5f * r[i];
                else if (name.endsWith("running_mean") || name.endsWith("bias")) v[i] = 0.1f * r[i];
                else if (s.length == 1) v[i] = 1f + 0.1f * r[i];
                else v[i] = r[i] * (float) Math.sqrt((float) (6.0 / (t.numel() / s[0])));
            }
            sd.put(name, Tensor.of(v, s));
        }
        return sd;
    }

    @Test
    void logitsMatchPyTorch() {
        Module m = Architecture.RESNET18.build(1000);
        m.loadStateDict(weights(m));
        m.eval();
        Tensor x = Tensor.of(Fixtures.splitmixUniform("input", 3 * 64 * 64), 1, 3, 64, 64);
        float[] ref = Fixtures.load("nn/resnet18_logits.safetensors").tensors().get("logits").data();
        int old = Parallel.threads();
        try (var g = Tensor.noGrad()) {
            for (int threads : new int[] {1, 2}) {
                Parallel.setThreads(threads);
                Tensor y = m.forward(x);
                Fixtures.assertClose(ref, y.data(), 0f, (float) (1e-4 * Fixtures.maxAbs(ref)), "resnet18 logits, threads " + threads);
            }
        } finally {
            Parallel.setThreads(old);
        }
    }
}
