package dev.cvkit.nn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cvkit.io.SafeTensors;
import dev.cvkit.tensor.Tensor;
import dev.cvkit.testing.Fixtures;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every loss, value and gradient, against PyTorch (tolerance 1e-5 relative, 1e-6 absolute). */
class LossFixtureTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestFactory
    Stream<DynamicTest> lossesMatchPyTorch() {
        return Stream.of("ce_plain", "ce_weight_ignore_smooth", "bce_logits", "smooth_l1", "smooth_l1_b011", "mse",
                "focal", "hinge").map(name -> DynamicTest.dynamicTest(name, () -> check(name)));
    }

    private static void check(String name) throws Exception {
        SafeTensors.Contents c = Fixtures.load("nn/" + name + ".safetensors");
        JsonNode p = JSON.readTree(c.metadata().get("params"));
        Map<String, Tensor> t = c.tensors();
        Tensor x = t.get("x").copy().requiresGrad(true), target = t.get("t");
        Tensor loss = switch (c.metadata().get("op")) {
            case "cross_entropy" -> Losses.crossEntropy(x, target, t.containsKey("cw") ? t.get("cw").data() : null,
                    p.get("ignore_index").asInt(), (float) p.get("label_smoothing").asDouble());
            case "bce_with_logits" -> Losses.bceWithLogits(x, target);
            case "smooth_l1" -> Losses.smoothL1(x, target, (float) p.get("beta").asDouble());
            case "mse" -> Losses.mse(x, target);
            case "focal" -> Losses.focal(x, target, (float) p.get("alpha").asDouble(), (float) p.get("gamma").asDouble());
            case "multi_margin" -> Losses.multiMargin(x, target, (float) p.get("margin").asDouble());
            default -> throw new IllegalStateException();
        };
        Fixtures.assertClose(t.get("y").data(), loss.data(), 1e-5f, 1e-6f, name + " value");
        loss.backward(t.get("gy").data());
        Fixtures.assertClose(t.get("g_x").data(), x.grad(), 1e-5f, 1e-6f, name + " gradient");
    }
}
