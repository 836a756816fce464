package dev.cvkit.importer.tfjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cvkit.ExitCodes;
import dev.cvkit.UserError;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.detection.Architecture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CenterNet importer checks the graph before mapping it: on the real model.json (npm cache,
 * tools/fetch-models.sh) every op is one cvkit implements, and a graph with another op or a
 * depthwise conv of another stride is refused with a one-line error naming the file.
 */
class CenterNetMappingTest {
    private static final Path SRC = Path.of(System.getProperty("cvkit.cache", "data/cache/npm"), "human-models-3.0.4/models");

    /** The real model.json with {@code change} applied to the node called {@code node}, beside a copy of its shard. */
    private static Path modified(Path tmp, String node, java.util.function.Consumer<ObjectNode> change) throws IOException {
        Assumptions.assumeTrue(Files.exists(SRC.resolve("centernet.json")), "run tools/fetch-models.sh first");
        ObjectMapper json = new ObjectMapper();
        JsonNode root = json.readTree(SRC.resolve("centernet.json").toFile());
        boolean found = false;
        for (JsonNode n : root.path("modelTopology").path("node")) {
            if (n.path("name").asText().equals(node)) {
                change.accept((ObjectNode) n);
                found = true;
            }
        }
        assertTrue(found, node);
        Path dir = Files.createDirectory(tmp.resolve("models"));
        json.writeValue(dir.resolve("centernet.json").toFile(), root);
        Files.copy(SRC.resolve("centernet.bin"), dir.resolve("centernet.bin"));
        return dir.resolve("centernet.json");
    }

    @Test
    void theRealGraphUsesOnlyImplementedOps() {
        Assumptions.assumeTrue(Files.exists(SRC.resolve("centernet.json")), "run tools/fetch-models.sh first");
        TfjsGraphModel g = TfjsGraphModel.read(SRC.resolve("centernet.json"));
        Set<String> ops = new TreeSet<>();
        g.nodes().forEach(n -> ops.add(n.op()));
        assertEquals(new TreeSet<>(CenterNetMapping.OPS), ops);
        assertEquals(166, TfjsModelImporter.importModel(SRC.resolve("centernet.json"), Architecture.CENTERNET).tensors().size());
    }

    @Test
    void anUnknownOpIsRefused(@TempDir Path tmp) throws IOException {
        Path model = modified(tmp, "tower_0/MobilenetV3/Conv/hard_swish/Relu6", n -> n.put("op", "Elu"));
        UserError e = assertThrows(UserError.class, () -> TfjsModelImporter.importModel(model, Architecture.CENTERNET));
        assertEquals(ExitCodes.INPUT_FAILED, e.exitCode());
        assertTrue(e.getMessage().contains("ops cvkit's CenterNet does not implement: Elu"), e.getMessage());
    }

    @Test
    void aDifferentStrideIsRefused(@TempDir Path tmp) throws IOException {
        String node = "tower_0/MobilenetV3/expanded_conv_1/depthwise/depthwise";
        Path model = modified(tmp, node, n -> {
            ArrayNode s = (ArrayNode) n.path("attr").path("strides").path("list").path("i");
            s.set(1, "1");
            s.set(2, "1");
        });
        UserError e = assertThrows(UserError.class, () -> TfjsModelImporter.importModel(model, Architecture.CENTERNET));
        assertEquals(ExitCodes.INPUT_FAILED, e.exitCode());
        assertTrue(e.getMessage().contains(node + " has stride 1, cvkit's CenterNet has 2"), e.getMessage());
    }
}
