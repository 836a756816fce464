package dev.cvkit.detection.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cvkit.io.SafeTensors;
import dev.cvkit.tensor.Tensor;
import dev.cvkit.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * {@link RoiAlign} and {@link RoiPool}, forward and the gradient of the features, against
 * torchvision 0.14 (tools/fixtures/torchvision_ops.py): aligned and not, sampling ratio 1, 2 and
 * adaptive, RoIs partly and fully outside the map, tiny and inverted RoIs, two images; RoI pool
 * with rounding halves and tied maxima. Tolerance 1e-5 relative + 1e-6 absolute (float32); the
 * kernels follow torchvision's arithmetic order, so in practice the values are equal.
 */
class RoiOpsFixtureTest {
    static final float RTOL = 1e-5f, ATOL = 1e-6f;

    @TestFactory
    Stream<DynamicTest> matchTorchvision() throws IOException {
        Path dir = Fixtures.path("ops/nms_ties.safetensors").getParent();
        List<DynamicTest> tests = new ArrayList<>();
        try (var files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                SafeTensors.Contents c = SafeTensors.read(f);
                String op = c.metadata().get("op");
                if (!op.equals("roi_align") && !op.equals("roi_pool")) continue;
                tests.add(DynamicTest.dynamicTest(f.getFileName().toString(), () -> check(op, c)));
            }
        }
        assertEquals(9, tests.size(), "fixture files");
        return tests.stream();
    }

    private static void check(String op, SafeTensors.Contents c) throws IOException {
        JsonNode p = new ObjectMapper().readTree(c.metadata().get("params"));
        Map<String, Tensor> t = c.tensors();
        Tensor x = t.get("x").copy().requiresGrad(true);
        int oh = p.get("out_h").asInt(), ow = p.get("out_w").asInt();
        float scale = (float) p.get("spatial_scale").asDouble();
        Tensor y = op.equals("roi_align")
                ? RoiAlign.apply(x, t.get("rois"), oh, ow, scale, p.get("sampling_ratio").asInt(), p.get("aligned").asBoolean())
                : RoiPool.apply(x, t.get("rois"), oh, ow, scale);
        Fixtures.assertClose(t.get("y"), y.data(), y.shape(), RTOL, ATOL, "y");
        y.backward(t.get("gy").data());
        Fixtures.assertClose(t.get("g_x"), x.grad(), x.shape(), RTOL, ATOL, "grad x");
    }
}
