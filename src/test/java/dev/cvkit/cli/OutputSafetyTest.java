package dev.cvkit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Outputs never replace an input, an option's file or each other; they are checked before any work. */
class OutputSafetyTest {
    @TempDir
    Path dir;

    private static final String[] PROPOSE = {"propose", "--method", "sliding-window", "--window-scales", "0.5", "--quiet"};

    private static String[] propose(String... more) {
        return Stream.concat(Stream.of(PROPOSE), Stream.of(more)).toArray(String[]::new);
    }

    private Path copy(String sample, String to) throws Exception {
        Path p = dir.resolve(to);
        Files.createDirectories(p.getParent());
        return Files.copy(Path.of("samples", sample), p);
    }

    @Test
    void cocoOverAnInputImageIsAUsageErrorAndTheImageStays() throws Exception {
        Path img = copy("dog.jpg", "dog.jpg");
        byte[] before = Files.readAllBytes(img);
        var r = CliTestSupport.run("detect", "--coco", img.toString(), img.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("is an input"), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertArrayEquals(before, Files.readAllBytes(img));
        // through a symlink, too
        Path link = Files.createSymbolicLink(dir.resolve("alias.json"), img);
        r = CliTestSupport.run(propose("--coco", link.toString(), img.toString()));
        assertEquals(2, r.code(), r.err());
        assertArrayEquals(before, Files.readAllBytes(img));
    }

    @Test
    void cocoOverTheGroundTruthIsAUsageError() throws Exception {
        Path gt = dir.resolve("gt.json");
        Files.copy(Path.of("samples/gt.json"), gt);
        byte[] before = Files.readAllBytes(gt);
        var r = CliTestSupport.run("detect", "--coco", gt.toString(), "--gt", gt.toString(), "samples/dog.jpg");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("the --gt file"), r.err());
        r = CliTestSupport.run(propose("--coco", gt.toString(), "--gt", gt.toString(), "samples/dog.jpg"));
        assertEquals(2, r.code(), r.err());
        assertArrayEquals(before, Files.readAllBytes(gt));
    }

    @Test
    void cocoOverAnImageInAnInputFolderIsAUsageError() throws Exception {
        Path img = copy("dog.jpg", "in/dog.jpg");
        var r = CliTestSupport.run(propose("--coco", img.toString(), dir.resolve("in").toString()));
        assertEquals(2, r.code(), r.err());
        assertTrue(Files.size(img) > 1000);
    }

    @Test
    void aCocoFolderOrAPathUnderAFileIsFoundBeforeTheWork() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("out.json"));
        var r = CliTestSupport.run("detect", "--coco", folder.toString(), "samples/dog.jpg");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("is a folder"), r.err());
        Path file = Files.writeString(dir.resolve("plain"), "x");
        r = CliTestSupport.run(propose("--save", file.resolve("sub").toString(), "samples/dog.jpg"));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("in the way"), r.err());
        assertEquals("", r.out());
        r = CliTestSupport.run(propose("--save", file.toString(), "samples/dog.jpg"));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("is a file, not a folder"), r.err());
    }

    @Test
    void anInputInsideTheSaveFolderIsNeverOverwritten() throws Exception {
        // detect --save DIR/out DIR/x.jpg DIR/out/x.jpg used to overwrite the second input first
        Path first = copy("dog.jpg", "x.jpg");
        Path second = copy("eagle.jpg", "out/x.jpg");
        byte[] before = Files.readAllBytes(second);
        Path out = dir.resolve("out");
        var r = CliTestSupport.run(propose("--save", out.toString(), "--exist-ok", first.toString(), second.toString()));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("inside the --save folder"), r.err());
        assertArrayEquals(before, Files.readAllBytes(second));
        // without --exist-ok the results go to a new numbered folder, and both inputs are kept
        r = CliTestSupport.run(propose("--save", out.toString(), first.toString(), second.toString()));
        assertEquals(0, r.code(), r.err());
        assertArrayEquals(before, Files.readAllBytes(second));
        assertTrue(Files.isRegularFile(dir.resolve("out2/x.jpg")), "numbered folder");
        assertTrue(Files.isRegularFile(dir.resolve("out2/out/x.jpg")), "relative paths from the common root");
    }

    @Test
    void cropIntoAnInputFolderIsRefused() throws Exception {
        copy("dog.jpg", "imgs/dog.jpg");
        Path imgs = dir.resolve("imgs");
        var r = CliTestSupport.run("detect", "--crop", imgs.toString(), "--exist-ok", imgs.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("overlap"), r.err());
        try (Stream<Path> s = Files.list(imgs)) {
            assertEquals(1, s.count());
        }
    }

    @Test
    void twoInputsWithTheSameNameKeepTheirRelativePaths() throws Exception {
        Path a = copy("dog.jpg", "a/y.jpg");
        Path b = copy("eagle.jpg", "b/y.jpg");
        Path out = dir.resolve("out");
        var r = CliTestSupport.run(propose("--save", out.toString(), a.toString(), b.toString()));
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.isRegularFile(out.resolve("a/y.jpg")));
        assertTrue(Files.isRegularFile(out.resolve("b/y.jpg")));
        assertFalse(Files.exists(out.resolve("y.jpg")));
    }

    @Test
    void twoStdinInputsWithTheSameNameGetDistinctNames() throws Exception {
        Path a = copy("dog.jpg", "a/y.jpg");
        Path b = copy("eagle.jpg", "b/y.jpg");
        Path out = dir.resolve("out");
        var r = CliTestSupport.runWithStdin(a + "\n" + b + "\n", propose("--save", out.toString(), "-"));
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.isRegularFile(out.resolve("y.jpg")));
        assertTrue(Files.isRegularFile(out.resolve("y_2.jpg")));
        // the two annotated images differ: one per input
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(out.resolve("y.jpg")), Files.readAllBytes(out.resolve("y_2.jpg"))));
    }

    @Test
    void aStdinInputInsideTheSaveFolderStopsTheRunAsAUsageError() throws Exception {
        Path out = Files.createDirectories(dir.resolve("out"));
        Path inside = copy("dog.jpg", "out/dog.jpg");
        byte[] before = Files.readAllBytes(inside);
        var r = CliTestSupport.runWithStdin(inside + "\n", propose("--save", out.toString(), "--exist-ok", "-"));
        assertEquals(2, r.code(), r.err());
        assertArrayEquals(before, Files.readAllBytes(inside));
    }

    @Test
    void saveIntoAFolderWithResultsNeedsExistOk() throws Exception {
        Path out = Files.createDirectories(dir.resolve("run"));
        Files.writeString(out.resolve("old.txt"), "keep");
        var r = CliTestSupport.run(propose("--save", out.toString(), "samples/dog.jpg"));
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.isRegularFile(dir.resolve("run2/dog.jpg")));
        assertFalse(Files.exists(out.resolve("dog.jpg")));
        r = CliTestSupport.run(propose("--save", out.toString(), "samples/dog.jpg"));
        assertTrue(Files.isRegularFile(dir.resolve("run3/dog.jpg")), "the next free number");
        r = CliTestSupport.run(propose("--save", out.toString(), "--exist-ok", "samples/dog.jpg"));
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.isRegularFile(out.resolve("dog.jpg")));
        assertEquals("keep", Files.readString(out.resolve("old.txt")));
    }

    @Test
    void modelsImportRefusesToWriteOverItsSourceOrIntoAFolder() throws Exception {
        Path src = dir.resolve("m");
        Files.createDirectories(src);
        try (Stream<Path> s = Files.list(Path.of("src/test/resources/fixtures/tfjs"))) {
            for (Path p : s.toList()) {
                Files.copy(p, src.resolve(p.getFileName()));
            }
        }
        Path manifest;
        try (Stream<Path> s = Files.list(src)) {
            manifest = s.filter(p -> p.toString().endsWith(".json")).findFirst().orElseThrow();
        }
        byte[] before = Files.readAllBytes(manifest);
        var r = CliTestSupport.run("models", "import", "--from", "tfjs", manifest.toString(), "--arch", "tiny-face", "--out", manifest.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("the source file"), r.err());
        assertArrayEquals(before, Files.readAllBytes(manifest));
        r = CliTestSupport.run("models", "import", "--from", "tfjs", manifest.toString(), "--arch", "tiny-face", "--out", src.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("is a folder"), r.err());
    }

    /** Only where tools/fetch-models.sh has filled the npm cache: an import that succeeds must still not write over its shard. */
    @Test
    void modelsImportRefusesToWriteOverItsOwnShard() throws Exception {
        Path cache = Path.of(System.getProperty("cvkit.cache", "data/cache/npm"), "face-api-1.7.15/model");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(cache), "run tools/fetch-models.sh first");
        Path src = Files.createDirectories(dir.resolve("model"));
        try (Stream<Path> s = Files.list(cache)) {
            for (Path p : s.filter(p -> p.getFileName().toString().startsWith("tiny_face_detector_model")).toList()) {
                Files.copy(p, src.resolve(p.getFileName()));
            }
        }
        Path shard;
        try (Stream<Path> s = Files.list(src)) {
            shard = s.filter(p -> p.getFileName().toString().endsWith(".bin")).findFirst().orElseThrow();
        }
        byte[] before = Files.readAllBytes(shard);
        var r = CliTestSupport.run("models", "import", "--from", "tfjs", src.toString(), "--arch", "tiny-face", "--out", shard.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("the source file"), r.err());
        assertArrayEquals(before, Files.readAllBytes(shard));
    }
}
