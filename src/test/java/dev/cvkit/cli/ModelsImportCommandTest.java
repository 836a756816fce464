package dev.cvkit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cvkit.detection.Architecture;
import dev.cvkit.importer.tfjs.TfjsGraphImporter;
import dev.cvkit.importer.tfjs.TfjsModelImporter;
import dev.cvkit.segmentation.PersonModel;
import dev.cvkit.io.SafeTensors;
import java.util.Map;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelsImportCommandTest {
    private static final Path CACHE = Path.of(System.getProperty("cvkit.cache", "data/cache/npm"));

    /**
     * A fresh import of each npm package reproduces the committed model file byte for byte, and
     * the compact file (U8 codes + scale/min, F16) loads to float32 tensors bit-identical to the
     * importer's decoding (tfjs-core's arithmetic) and to a --dtype f32 import.
     */
    @ParameterizedTest
    @CsvSource({"face-api-1.7.15/model, ssd-mobilenetv1-face, face-ssd, U8",
            "face-api-1.7.15/model, tiny-face, face-tiny, U8",
            "human-models-3.0.4/models/nanodet.json, nanodet, nanodet, F16",
            "human-models-3.0.4/models/meet.json, meet, meet, F16",
            "human-models-3.0.4/models/selfie.json, selfie, selfie, F16",
            "human-models-3.0.4/models/centernet.json, centernet, centernet, F16"})
    void importReproducesTheCommittedModels(String source, String arch, String name, String dtype, @TempDir Path dir) throws Exception {
        Path src = CACHE.resolve(source);
        Assumptions.assumeTrue(Files.exists(src), "run tools/fetch-models.sh first");
        Path compact = dir.resolve("c.safetensors"), f32 = dir.resolve("f.safetensors");
        var r = CliTestSupport.run("models", "import", "--from", "tfjs", src.toString(), "--arch", arch, "--out", compact.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().startsWith("imported " + arch + " (@vladmandic/"), r.err());
        r = CliTestSupport.run("models", "import", "--from", "tfjs", src.toString(), "--arch", arch, "--out", f32.toString(), "--dtype", "f32");
        assertEquals(0, r.code(), r.err());
        Path committed = Path.of("models", name + ".safetensors");
        assertArrayEquals(Files.readAllBytes(committed), Files.readAllBytes(compact), "fresh import differs from " + committed);
        // the person segmenters' files also hold their graph (JSON), which the dtype does not shrink
        double ratio = Architecture.byId(arch) != null ? 1.9 : 1.6;
        assertTrue(Files.size(f32) > ratio * Files.size(compact), Files.size(f32) + " vs " + Files.size(compact));

        var imported = (Architecture.byId(arch) != null ? TfjsModelImporter.importModel(src, Architecture.byId(arch))
                : TfjsGraphImporter.importModel(src, PersonModel.byId(arch))).tensors();
        var fromCompact = SafeTensors.read(compact).tensors();
        var fromF32 = SafeTensors.read(f32).tensors();
        assertEquals(imported.keySet(), fromCompact.keySet());
        for (var e : imported.entrySet()) {
            assertBitsEqual(e.getValue().data(), fromCompact.get(e.getKey()).data(), e.getKey());
            assertBitsEqual(e.getValue().data(), fromF32.get(e.getKey()).data(), e.getKey());
            assertArrayEquals(e.getValue().shape(), fromCompact.get(e.getKey()).shape(), e.getKey());
        }
        assertTrue(headerText(compact).contains("\"dtype\":\"" + dtype + "\""));
        assertTrue(!headerText(f32).contains("\"dtype\":\"" + dtype + "\""));
    }

    /** Without the npm cache: the committed detectors say where they came from (the pinned SHA-256s of tools/fetch-models.sh). */
    @Test
    void committedModelsCarryTheirProvenance() throws Exception {
        Map<String, String> want = Map.of(
                "face-ssd", "2835640602d53718aa6ae9a42896327eaa21beefed056c218d32ca7d79e1e2f8",
                "face-tiny", "b7503ce7df31039b1c43316a9b865cab6a70dd748cc602d3fa28b551503c3871",
                "nanodet", "5d0e4f8c4eded666287330be03017d494787d35f523fd77ca23f59db984a4ad9",
                "meet", "7fd81c93ba45cc44c970597e0f4fbe0e1127090e05e89db4712f9318a5b826e6",
                "selfie", "8f57aaa72dc068a50bd37c232d2e073e107912241e459002e1480876676f382a",
                "centernet", "1b635a15009071f506f9f2b3519b31c072c534888989f30d269ffd44734ef7ef");
        for (var e : want.entrySet()) {
            var c = SafeTensors.read(Path.of("models", e.getKey() + ".safetensors"));
            JsonNode prov = new ObjectMapper().readTree(c.config()).get("provenance");
            assertTrue(prov.toString().contains("\"sha256\":\"" + e.getValue() + "\""), prov.toString());
            assertEquals("MIT", prov.get("license").asText());
            assertTrue(prov.get("package").asText().startsWith("@vladmandic/"), prov.toString());
        }
    }

    private static String headerText(Path f) throws Exception {
        byte[] b = Files.readAllBytes(f);
        long n = java.nio.ByteBuffer.wrap(b, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        return new String(b, 8, (int) n, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static void assertBitsEqual(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            if (Float.floatToRawIntBits(want[i]) != Float.floatToRawIntBits(got[i])) {
                throw new AssertionError(what + "[" + i + "]: " + want[i] + " vs " + got[i]);
            }
        }
    }

    @Test
    void mistakesAreUsageErrors(@TempDir Path dir) {
        var r = CliTestSupport.run("models", "import", "--from", "onnx", "x", "--arch", "nanodet", "--out", dir.resolve("o").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("cvkit: --from onnx: unknown format"), r.err());
        r = CliTestSupport.run("models", "import", "--from", "tfjs", dir.toString(), "--arch", "yolo", "--out", dir.resolve("o").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("unknown architecture"), r.err());
        r = CliTestSupport.run("models", "import", "--from", "tfjs", dir.resolve("missing").toString(), "--arch", "nanodet", "--out", dir.resolve("o").toString());
        assertEquals(2, r.code());
        r = CliTestSupport.run("models", "import", "--from", "tfjs", dir.toString(), "--arch", "nanodet", "--out", dir.resolve("o").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("no nanodet.json or model.json in this folder"), r.err());
        r = CliTestSupport.run("models", "import", "--from", "tfjs", dir.toString(), "--arch", "nanodet", "--out", dir.resolve("o").toString(), "--dtype", "f8");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("cvkit: --dtype f8: unknown (source or f32)"), r.err());
    }
}
