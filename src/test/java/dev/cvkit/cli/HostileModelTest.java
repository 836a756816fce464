package dev.cvkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.io.SafeTensors;
import dev.cvkit.tensor.Tensor;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Model files and options that would exhaust memory or pass garbage as results are refused in one line. */
class HostileModelTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DIGIT = "samples/digits/" + firstDigit();

    @TempDir
    Path dir;

    private static String firstDigit() {
        try (var s = java.nio.file.Files.list(Path.of("samples/digits"))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".png")).sorted().findFirst().orElseThrow();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A copy of {@code source} with its config changed by {@code edit} and tensors by {@code tensors}. */
    private Path variant(String source, Consumer<ObjectNode> edit, Consumer<Map<String, Tensor>> tensors) throws Exception {
        SafeTensors.Contents c = SafeTensors.read(Path.of(source));
        ObjectNode cfg = (ObjectNode) JSON.readTree(c.config());
        edit.accept(cfg);
        Map<String, Tensor> t = new LinkedHashMap<>(c.tensors());
        tensors.accept(t);
        Map<String, String> meta = new LinkedHashMap<>(c.metadata());
        meta.put(SafeTensors.CONFIG_KEY, JSON.writeValueAsString(cfg));
        meta.remove("quantization");
        Path out = dir.resolve("m" + System.nanoTime() + ".safetensors");
        SafeTensors.write(out, t, meta);
        return out;
    }

    private static void assertBadModel(CliTestSupport.Result r, String what) {
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("bad model file") && r.err().contains(what), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertEquals("", r.out());
    }

    @Test
    void aClassifierWithAHugeInputIsABadModelFile() throws Exception {
        Path m = variant("models/lenet5-mnist.safetensors", c -> {
            ((ObjectNode) c.get("preprocessing")).put("height", 100000).put("width", 100000);
            c.putArray("input").add(1).add(100000).add(100000);
        }, t -> { });
        assertBadModel(CliTestSupport.run("classify", "--model", m.toString(), DIGIT), "outside 1 … 4096");
        Path wraps = variant("models/lenet5-mnist.safetensors", c -> ((ObjectNode) c.get("preprocessing")).put("height", 4294967328L), t -> { });
        assertBadModel(CliTestSupport.run("classify", "--model", wraps.toString(), DIGIT), "not a small whole number");
    }

    @Test
    void nanWeightsAreABadModelFile() throws Exception {
        Path m = variant("models/lenet5-mnist.safetensors", c -> { }, t -> {
            String first = t.keySet().iterator().next();
            float[] d = t.get(first).data().clone();
            d[d.length / 2] = Float.NaN;
            t.put(first, Tensor.of(d, t.get(first).shape()));
        });
        assertBadModel(CliTestSupport.run("classify", "--model", m.toString(), DIGIT), "NaN or infinite");
        Path det = variant("models/face-tiny.safetensors", c -> { }, t -> {
            String last = t.keySet().stream().reduce((a, b) -> b).orElseThrow();
            float[] d = t.get(last).data().clone();
            d[0] = Float.POSITIVE_INFINITY;
            t.put(last, Tensor.of(d, t.get(last).shape()));
        });
        assertBadModel(CliTestSupport.run("detect", "--model", det.toString(), "samples/astronaut.png"), "NaN or infinite");
    }

    @Test
    void aDetectorWithAHugeInputSizeIsABadModelFile() throws Exception {
        Path m = variant("models/face-tiny.safetensors", c -> c.put("input_size", 60000), t -> { });
        assertBadModel(CliTestSupport.run("detect", "--model", m.toString(), "samples/astronaut.png"), "input_size 60000");
    }

    @Test
    void configNumbersThatJacksonWouldWrapOrDefaultAreABadModelFile() throws Exception {
        Path maxDet = variant("models/face-tiny.safetensors", c -> ((ObjectNode) c.with("thresholds")).put("max_det", 4294967396L), t -> { });
        assertBadModel(CliTestSupport.run("detect", "--model", maxDet.toString(), "samples/astronaut.png"), "'max_det' must be an integer");
        Path conf = variant("models/face-tiny.safetensors", c -> ((ObjectNode) c.with("thresholds")).put("conf", "high"), t -> { });
        assertBadModel(CliTestSupport.run("detect", "--model", conf.toString(), "samples/astronaut.png"), "'conf' must be a number");
        Path ids = variant("models/face-tiny.safetensors", c -> ((ArrayNode) c.get("category_ids")).set(0, JSON.getNodeFactory().numberNode(1L << 32)),
                t -> { });
        assertBadModel(CliTestSupport.run("detect", "--model", ids.toString(), "samples/astronaut.png"), "'category_ids' must be an integer");
    }

    @Test
    void outOfRangeNumbersAreUsageErrors() {
        String[][] cases = {
            {"detect", "--threads", "100000", "samples/dog.jpg"},
            {"detect", "--threads", "0", "samples/dog.jpg"},
            {"detect", "--max-pixels", "0", "samples/dog.jpg"},
            {"classify", "--max-pixels", "-5", DIGIT},
            {"propose", "--max-pixels", "0", "samples/dog.jpg"},
            {"detect", "--conf", "7", "samples/dog.jpg"},
            {"detect", "--iou", "NaN", "samples/dog.jpg"},
            {"detect", "--max-det", "0", "samples/dog.jpg"},
            {"detect", "--vid-stride", "-1", "samples/dog.jpg"},
            {"eval", "--gt", "samples/gt.json", "--dt", "x.json", "--max-pixels", "0"},
        };
        for (String[] args : cases) {
            var r = CliTestSupport.run(args);
            assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
            assertEquals(1, r.err().lines().count(), r.err());
            assertFalse(r.err().contains("Exception"), r.err());
        }
    }
}
