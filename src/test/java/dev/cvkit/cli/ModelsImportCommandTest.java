package dev.cvkit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cvkit.io.SafeTensors;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelsImportCommandTest {
    /** A fresh import of the npm package reproduces the committed model file's tensors and provenance. */
    @Test
    void importReproducesTheCommittedTinyModel(@TempDir Path dir) {
        Path src = Path.of(System.getProperty("cvkit.cache", "data/cache/npm"), "face-api-1.7.15/model");
        Assumptions.assumeTrue(Files.isDirectory(src), "run tools/fetch-models.sh first");
        Path out = dir.resolve("tiny.safetensors");
        var r = CliTestSupport.run("models", "import", "--from", "tfjs", src.toString(), "--arch", "tiny-face", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("imported tiny-face (@vladmandic/face-api 1.7.15, MIT): 19 tensors"), r.err());
        var fresh = SafeTensors.read(out);
        var committed = SafeTensors.read(Path.of("models/face-tiny.safetensors"));
        assertEquals(committed.tensors().keySet(), fresh.tensors().keySet());
        committed.tensors().forEach((k, v) -> assertArrayEquals(v.data(), fresh.tensors().get(k).data(), k));
        assertTrue(fresh.config().contains("\"sha256\":\"b7503ce7df31039b1c43316a9b865cab6a70dd748cc602d3fa28b551503c3871\""), fresh.config());
        assertTrue(fresh.config().contains("\"license\":\"MIT\""));
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
    }
}
