package dev.cvkit.importer.tfjs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cvkit.UserError;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Decoding vs tfjs-core 4.22's own {@code tf.io.decodeWeights}: the fixture files were written
 * and decoded by tools/reference/decode_weights.js.
 */
class TfjsWeightsTest {
    static final Path FIXTURES = Path.of("src/test/resources/fixtures/tfjs");
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void syntheticManifestDecodesBitForBitLikeTfjs() throws IOException {
        TfjsWeights w = TfjsWeights.readManifest(FIXTURES.resolve("synthetic-weights_manifest.json"));
        JsonNode expected = JSON.readTree(FIXTURES.resolve("synthetic-expected.json").toFile()).get("tensors");
        assertEquals(expected.size(), w.all().size());
        assertEquals(List.copyOf(w.all().keySet()), fieldNames(expected), "manifest order");
        for (Map.Entry<String, TfjsTensor> e : w.all().entrySet()) {
            JsonNode exp = expected.get(e.getKey());
            TfjsTensor t = e.getValue();
            assertArrayEquals(JSON.convertValue(exp.get("shape"), int[].class), t.shape(), e.getKey());
            if (exp.get("dtype").asText().equals("float32")) {
                JsonNode bits = exp.get("bits");
                assertEquals(bits.size(), t.floats().length, e.getKey());
                for (int i = 0; i < bits.size(); i++) {
                    assertEquals(bits.get(i).asText(), String.format("%08x", Float.floatToRawIntBits(t.floats()[i])),
                            e.getKey() + "[" + i + "]");
                }
            } else {
                assertArrayEquals(JSON.convertValue(exp.get("values"), int[].class), t.ints(), e.getKey());
            }
        }
        assertEquals(3, w.sources().size(), "manifest + two shards");
    }

    @Test
    void floatsChecksShapeAndDtype() {
        TfjsWeights w = TfjsWeights.readManifest(FIXTURES.resolve("synthetic-weights_manifest.json"));
        assertEquals(24, w.floats("q8/float", 2, 3, 4).length);
        UserError shape = assertThrows(UserError.class, () -> w.floats("q8/float", 3, 2, 4));
        assertTrue(shape.getMessage().contains("has shape [2, 3, 4], expected [3, 2, 4]"), shape.getMessage());
        assertThrows(UserError.class, () -> w.floats("q8/int", 6));
        UserError missing = assertThrows(UserError.class, () -> w.get("nope"));
        assertTrue(missing.getMessage().contains("\"nope\" is missing"), missing.getMessage());
    }

    @Test
    void truncatedOrMissingShardIsAUserError(@TempDir Path dir) throws IOException {
        copyFixture(dir);
        byte[] part2 = Files.readAllBytes(dir.resolve("synthetic.part2.bin"));
        Files.write(dir.resolve("synthetic.part2.bin"), java.util.Arrays.copyOf(part2, part2.length - 1));
        UserError e = assertThrows(UserError.class, () -> TfjsWeights.readManifest(dir.resolve("synthetic-weights_manifest.json")));
        assertTrue(e.getMessage().contains("describes 100 bytes of weights but the shards hold 99"), e.getMessage());
        assertEquals(1, e.exitCode());
        Files.delete(dir.resolve("synthetic.part2.bin"));
        e = assertThrows(UserError.class, () -> TfjsWeights.readManifest(dir.resolve("synthetic-weights_manifest.json")));
        assertTrue(e.getMessage().contains("no such file"), e.getMessage());
    }

    @Test
    void malformedManifestsAreOneLineErrors(@TempDir Path dir) throws IOException {
        copyFixture(dir);
        Path m = dir.resolve("synthetic-weights_manifest.json");
        String good = Files.readString(m);
        assertError(m, "[{\"paths\": [\"a.bin\"],\n \"weights\": [ {\"name\": }]}]", "malformed JSON at line 2, column");
        assertError(m, good.replace("\"dtype\": \"float32\"", "\"dtype\": \"float64\""), "\"float64\" is not supported");
        assertError(m, good.replace("\"synthetic.part1.bin\"", "\"../synthetic.part1.bin\""), "must be a relative file name");
        assertError(m, good.replace("\"name\": \"raw/int\"", "\"name\": \"raw/odd\""), "\"raw/odd\" occurs twice");
        assertError(m, good.replaceFirst("\"uint8\"", "\"int4\""), "quantization dtype \"int4\" is not supported");
        assertError(m, good.replaceFirst("\\[\\s*2,\\s*3,\\s*4\\s*\\]", "[2, -3, 4]"), "non-negative integers");
        assertError(m, "{\"weights\": []}", "must be a JSON array");
    }

    /** The real packages (only where tools/fetch-models.sh has filled the cache) vs tfjs's decode. */
    @Test
    void realPackagesDecodeLikeTfjs() throws Exception {
        Path cache = Path.of(System.getProperty("cvkit.cache", "data/cache/npm"));
        Assumptions.assumeTrue(Files.isDirectory(cache.resolve("face-api-1.7.15")), "run tools/fetch-models.sh first");
        JsonNode expected = JSON.readTree(FIXTURES.resolve("real-weights.json").toFile()).get("models");
        for (var it = expected.fields(); it.hasNext(); ) {
            var e = it.next();
            Path file = cache.resolve(e.getKey());
            TfjsWeights w = file.toString().endsWith("nanodet.json") ? TfjsGraphModel.read(file).weights()
                    : TfjsWeights.readManifest(file);
            assertEquals(e.getValue().get("entries").asInt(), w.all().size(), e.getKey());
            assertEquals(e.getValue().get("sha256").asText(), sha256(w), e.getKey());
        }
    }

    static String sha256(TfjsWeights w) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (TfjsTensor t : w.all().values()) {
            int n = t.isFloat() ? t.floats().length : t.ints().length;
            ByteBuffer b = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                if (t.isFloat()) {
                    b.putFloat(t.floats()[i]);
                } else {
                    b.putInt(t.ints()[i]);
                }
            }
            md.update(b.array());
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static void assertError(Path manifest, String content, String expected) throws IOException {
        Files.writeString(manifest, content);
        UserError e = assertThrows(UserError.class, () -> TfjsWeights.readManifest(manifest));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.getMessage().startsWith(manifest.toString()), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line");
    }

    private static void copyFixture(Path dir) throws IOException {
        for (String f : List.of("synthetic-weights_manifest.json", "synthetic.part1.bin", "synthetic.part2.bin")) {
            Files.copy(FIXTURES.resolve(f), dir.resolve(f));
        }
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> out = new java.util.ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
