package dev.cvkit.importer.tfjs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cvkit.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TfjsGraphModelTest {
    /** A three-node graph in TF.js's model.json form, weights from the synthetic fixture's shards. */
    static String model(String convInput) {
        return """
            {"format": "graph-model", "generatedBy": "hand", "convertedBy": "hand",
             "signature": {"inputs": {"x:0": {"name": "x:0"}}, "outputs": {"conv:0": {"name": "conv:0"}}},
             "modelTopology": {"node": [
               {"name": "x", "op": "Placeholder", "attr": {"dtype": {"type": "DT_FLOAT"}}},
               {"name": "w", "op": "Const"},
               {"name": "conv", "op": "Conv2D", "input": ["%s", "w"],
                "attr": {"padding": {"s": "VkFMSUQ="}, "strides": {"list": {"i": ["1", "2", "2", "1"]}},
                         "alpha": {"f": 0.1}, "half_pixel_centers": {"b": true}}}
             ]},
             "weightsManifest": [{"paths": ["w.bin"], "weights": [
               {"name": "w", "shape": [2, 2], "dtype": "float32", "quantization": {"dtype": "float16", "original_dtype": "float32"}}]}]}
            """.formatted(convInput);
    }

    @Test
    void readsNodesAttributesSignatureAndWeights(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve("w.bin"), new byte[] {0x00, 0x3c, 0x00, (byte) 0xc0, 0x00, 0x38, 0x55, 0x35});
        Files.writeString(dir.resolve("model.json"), model("x"));
        TfjsGraphModel g = TfjsGraphModel.read(dir.resolve("model.json"));
        assertEquals(3, g.nodes().size());
        GraphNode conv = g.node("conv");
        assertEquals("VALID", conv.attrString("padding"));
        assertArrayEquals(new int[] {1, 2, 2, 1}, conv.attrInts("strides"));
        assertEquals(0.1, conv.attrFloat("alpha", 0), 1e-12);
        assertTrue(conv.attrBool("half_pixel_centers", false));
        assertEquals("w", conv.inputNode(1));
        assertEquals(List.of("x"), g.inputs());
        assertEquals(List.of("conv"), g.outputs());
        assertEquals(List.of(conv), g.consumers("w"));
        // 0x3c00 = 1, 0xc000 = -2, 0x3800 = 0.5, 0x3555 = 0.333251953125 (binary16 values)
        assertArrayEquals(new float[] {1f, -2f, 0.5f, 0.333251953125f}, g.weights().floats("w", 2, 2));
        assertEquals(2, g.weights().sources().size());
        assertEquals("hand", g.metaText("generatedBy"));
    }

    @Test
    void danglingInputIsAUserError(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve("w.bin"), new byte[8]);
        Files.writeString(dir.resolve("model.json"), model("nowhere:1"));
        UserError e = assertThrows(UserError.class, () -> TfjsGraphModel.read(dir.resolve("model.json")));
        assertTrue(e.getMessage().contains("reads \"nowhere:1\", which no node produces"), e.getMessage());
    }

    @Test
    void weightsOnlyManifestIsNotAGraphModel(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("model.json"), "[]");
        UserError e = assertThrows(UserError.class, () -> TfjsGraphModel.read(dir.resolve("model.json")));
        assertTrue(e.getMessage().contains("weights-only manifest"), e.getMessage());
    }

    @Test
    void realNanodetGraphLoads() {
        Path file = Path.of(System.getProperty("cvkit.cache", "data/cache/npm"), "human-models-3.0.4/models/nanodet.json");
        Assumptions.assumeTrue(Files.isRegularFile(file), "run tools/fetch-models.sh first");
        TfjsGraphModel g = TfjsGraphModel.read(file);
        assertEquals(489, g.nodes().size());
        assertEquals(List.of("input_1"), g.inputs());
        assertEquals(6, g.outputs().size());
        assertEquals(34, g.nodes().stream().filter(n -> n.op().equals("Conv2D")).count());
    }
}
