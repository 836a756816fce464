package dev.cvkit.nn;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cvkit.io.SafeTensors;
import dev.cvkit.tensor.Tensor;
import dev.cvkit.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every layer op, forward and backward, against PyTorch 1.13 (tools/fixtures/torch_layers.py).
 * Tolerance: |ours − torch| ≤ 1e-5·max|torch| + 1e-5·|torch| for elementwise, pooling, resampling
 * and normalisation ops (float32 allows this); convolution/linear/transposed conv sum in a
 * different order than oneDNN, so 1e-4 relative to the largest value.
 */
class LayerFixtureTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestFactory
    Stream<DynamicTest> layersMatchPyTorch() throws IOException {
        Path dir = Fixtures.path("nn/relu.safetensors").getParent();
        List<DynamicTest> tests = new ArrayList<>();
        try (var files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                SafeTensors.Contents c = SafeTensors.read(f);
                String op = c.metadata().get("op");
                if (op == null || !LAYER_OPS.contains(op)) continue;
                tests.add(DynamicTest.dynamicTest(f.getFileName().toString(), () -> check(op, c)));
            }
        }
        return tests.stream();
    }

    static final List<String> LAYER_OPS = List.of("conv2d", "conv_transpose2d", "linear", "relu", "relu6",
            "leaky_relu", "sigmoid", "tanh", "softmax", "log_softmax", "concat", "max_pool2d", "avg_pool2d",
            "adaptive_avg_pool2d", "max_unpool2d", "upsample_nearest", "upsample_bilinear", "batch_norm",
            "layer_norm", "group_norm", "instance_norm", "local_response_norm");

    static void check(String op, SafeTensors.Contents c) throws IOException {
        JsonNode p = JSON.readTree(c.metadata().get("params"));
        Map<String, Tensor> t = c.tensors();
        Map<String, Tensor> in = new HashMap<>();
        for (String k : List.of("x", "w", "b", "x2")) {
            if (t.containsKey(k)) in.put(k, t.get(k).copy().requiresGrad(true));
        }
        Tensor x = in.get("x"), w = in.get("w"), b = in.get("b");
        float[] rmAfter = null, rvAfter = null;
        Tensor y = switch (op) {
            case "conv2d" -> Conv.conv2d(x, w, b, p.get("stride").asInt(), p.get("stride").asInt(), p.get("padding").asInt(),
                    p.get("padding").asInt(), p.get("dilation").asInt(), p.get("dilation").asInt(), p.get("groups").asInt());
            case "conv_transpose2d" -> Conv.convTranspose2d(x, w, b, p.get("stride").asInt(), p.get("stride").asInt(),
                    p.get("padding").asInt(), p.get("padding").asInt(), p.get("output_padding").asInt(),
                    p.get("output_padding").asInt(), p.get("dilation").asInt(), p.get("dilation").asInt(), p.get("groups").asInt());
            case "linear" -> Functional.linear(x, w, b);
            case "relu" -> Functional.relu(x);
            case "relu6" -> Functional.relu6(x);
            case "leaky_relu" -> Functional.leakyRelu(x, (float) p.get("slope").asDouble());
            case "sigmoid" -> Functional.sigmoid(x);
            case "tanh" -> Functional.tanh(x);
            case "softmax" -> Functional.softmax(x, p.get("dim").asInt());
            case "log_softmax" -> Functional.logSoftmax(x, p.get("dim").asInt());
            case "concat" -> Functional.concat(p.get("dim").asInt(), x, in.get("x2"));
            case "max_pool2d" -> {
                Functional.Pooled pooled = Functional.maxPool2d(x, p.get("k").asInt(), p.get("k").asInt(), p.get("stride").asInt(),
                        p.get("stride").asInt(), p.get("padding").asInt(), p.get("padding").asInt(), p.get("ceil").asBoolean());
                if (t.containsKey("indices_ref")) {
                    float[] ref = t.get("indices_ref").data();
                    float[] mine = new float[ref.length];
                    for (int i = 0; i < ref.length; i++) mine[i] = pooled.indices()[i];
                    org.junit.jupiter.api.Assertions.assertArrayEquals(ref, mine, "max_pool2d indices");
                }
                yield pooled.output();
            }
            case "avg_pool2d" -> Functional.avgPool2d(x, p.get("k").asInt(), p.get("k").asInt(), p.get("stride").asInt(),
                    p.get("stride").asInt(), p.get("padding").asInt(), p.get("padding").asInt(), p.get("ceil").asBoolean(), true);
            case "adaptive_avg_pool2d" -> Functional.adaptiveAvgPool2d(x, p.get("oh").asInt(), p.get("ow").asInt());
            case "max_unpool2d" -> {
                float[] fi = t.get("indices").data();
                int[] idx = new int[fi.length];
                for (int i = 0; i < fi.length; i++) idx[i] = (int) fi[i];
                yield Functional.maxUnpool2d(x, idx, p.get("oh").asInt(), p.get("ow").asInt());
            }
            case "upsample_nearest" -> Functional.upsampleNearest(x, p.get("oh").asInt(), p.get("ow").asInt());
            case "upsample_bilinear" -> Functional.upsampleBilinear(x, p.get("oh").asInt(), p.get("ow").asInt(),
                    p.get("align_corners").asBoolean());
            case "batch_norm" -> {
                float[] rm = t.get("rm").data().clone(), rv = t.get("rv").data().clone();
                rmAfter = rm;
                rvAfter = rv;
                yield Functional.batchNorm(x, rm, rv, w, b, p.get("training").asBoolean(),
                        (float) p.get("momentum").asDouble(), (float) p.get("eps").asDouble());
            }
            case "layer_norm" -> Functional.layerNorm(x, p.get("numel").asInt(), w, b, 1e-5f);
            case "group_norm" -> Functional.groupNorm(x, p.get("groups").asInt(), w, b, 1e-5f);
            case "instance_norm" -> Functional.groupNorm(x, x.size(1), w, b, 1e-5f);
            case "local_response_norm" -> Functional.localResponseNorm(x, p.get("size").asInt(),
                    (float) p.get("alpha").asDouble(), (float) p.get("beta").asDouble(), (float) p.get("k").asDouble());
            default -> throw new IllegalStateException(op);
        };
        boolean gemmOp = op.startsWith("conv") || op.equals("linear");
        float rtol = gemmOp ? 1e-4f : 1e-5f;
        Tensor ref = t.get("y");
        float atol = (float) (rtol * Fixtures.maxAbs(ref.data()));
        Fixtures.assertClose(ref, y.data(), y.shape(), rtol, atol, op + " forward");
        if (rmAfter != null && p.get("training").asBoolean()) {
            Fixtures.assertClose(t.get("rm_after").data(), rmAfter, 1e-5f, 1e-6f, "running_mean");
            Fixtures.assertClose(t.get("rv_after").data(), rvAfter, 1e-5f, 1e-6f, "running_var");
        }
        Tensor gy = t.get("gy");
        if (gy == null) return;
        y.backward(gy.data());
        for (Map.Entry<String, Tensor> e : in.entrySet()) {
            Tensor g = t.get("g_" + e.getKey());
            if (g == null) continue;
            float[] mine = e.getValue().grad();
            assertNotNull(mine, op + ": no gradient for " + e.getKey());
            float gtol = (float) ((gemmOp ? 1e-4 : 1e-5) * Math.max(1, Fixtures.maxAbs(g.data())));
            Fixtures.assertClose(g, mine, e.getValue().shape(), rtol, gtol, op + " d" + e.getKey());
        }
    }
}
