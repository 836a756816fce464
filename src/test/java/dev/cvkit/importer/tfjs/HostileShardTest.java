package dev.cvkit.importer.tfjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cvkit.UserError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Shards are read only as far as the manifest declares, only from regular files inside the model folder. */
class HostileShardTest {
    @TempDir
    Path dir;

    private Path model() throws Exception {
        Path m = Files.createDirectories(dir.resolve("model"));
        try (Stream<Path> s = Files.list(TfjsWeightsTest.FIXTURES)) {
            for (Path p : s.toList()) {
                Files.copy(p, m.resolve(p.getFileName()));
            }
        }
        return m.resolve("synthetic-weights_manifest.json");
    }

    private UserError load(Path manifest) {
        return assertThrows(UserError.class, () -> TfjsWeights.readManifest(manifest));
    }

    @Test
    void aShardLinkedToDevZeroStopsAtTheDeclaredSize() throws Exception {
        Path manifest = model();
        Path part2 = manifest.resolveSibling("synthetic.part2.bin");
        Files.delete(part2);
        Path outside = Files.createDirectories(dir.resolve("elsewhere"));
        Files.createSymbolicLink(part2, Path.of("/dev/zero"));
        UserError e = load(manifest);
        assertTrue(e.getMessage().contains("outside the model folder"), e.getMessage());
        assertEquals(1, e.exitCode());
        // a link to another file outside the folder is refused the same way, even if it is regular
        Files.delete(part2);
        Files.writeString(outside.resolve("x.bin"), "0123456789");
        Files.createSymbolicLink(part2, outside.resolve("x.bin"));
        e = load(manifest);
        assertTrue(e.getMessage().contains("outside the model folder"), e.getMessage());
    }

    @Test
    void aDeviceOrFifoInsideTheFolderIsRefused() throws Exception {
        Path manifest = model();
        Path part2 = manifest.resolveSibling("synthetic.part2.bin");
        Files.delete(part2);
        Process mk = new ProcessBuilder("mkfifo", part2.toString()).start();
        assertEquals(0, mk.waitFor());
        UserError e = load(manifest);
        assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
    }

    @Test
    void aShardLargerThanDeclaredIsRefusedWithoutReadingItAll() throws Exception {
        Path manifest = model();
        Path part2 = manifest.resolveSibling("synthetic.part2.bin");
        Files.write(part2, new byte[5 << 20]);
        UserError e = load(manifest);
        assertTrue(e.getMessage().contains("holds more bytes than the manifest describes"), e.getMessage());
    }
}
