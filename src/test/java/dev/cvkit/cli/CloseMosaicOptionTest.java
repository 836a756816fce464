package dev.cvkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --close-mosaic F}: one usage line (exit 2) for a share outside [0, 1), a run without mosaic, another task, or --resume. */
class CloseMosaicOptionTest {
    @TempDir
    Path tmp;

    @Test
    void badUsesAreOneLineUsageErrors() throws Exception {
        Path data = tmp.resolve("train.json");
        Files.writeString(data, "{\"images\": [], \"annotations\": [], \"categories\": []}");
        String[][] cases = {
            {"--close-mosaic", "1", "--augment", "mosaic"},
            {"--close-mosaic", "-0.1", "--augment", "mosaic"},
            {"--close-mosaic", "NaN", "--augment", "mosaic"},
            {"--close-mosaic", "0.2", "--augment", "hflip"},
        };
        String[] wants = {"--close-mosaic must be in [0, 1)", "--close-mosaic must be in [0, 1)", "--close-mosaic must be in [0, 1)",
            "has no mosaic to close"};
        for (int i = 0; i < cases.length; i++) {
            String[] args = new String[8 + cases[i].length];
            String[] base = {"train", "--task", "detect", "--arch", "yolo", "--data", data.toString(), "--quiet"};
            System.arraycopy(base, 0, args, 0, base.length);
            System.arraycopy(cases[i], 0, args, base.length, cases[i].length);
            assertUsage(CliTestSupport.run(args), wants[i]);
        }
        assertUsage(CliTestSupport.run("train", "--task", "classify", "--data", data.toString(), "--close-mosaic", "0.2"),
                "--close-mosaic is for --task detect");
        assertUsage(CliTestSupport.run("train", "--task", "detect", "--resume", tmp.resolve("run").toString(), "--close-mosaic", "0.2"),
                "--close-mosaic cannot change on --resume");
        assertUsage(CliTestSupport.run("train", "--task", "detect", "--arch", "rcnn", "--data", data.toString(), "--close-mosaic", "0.2"),
                "--close-mosaic does not apply to --arch rcnn");
    }

    private static void assertUsage(CliTestSupport.Result r, String want) {
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains(want), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
    }
}
