package dev.cvkit.cli;

import dev.cvkit.ExitCodes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cvkit.io.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProposeCommandTest {
    @TempDir
    Path dir;

    /** Small search size keeps the tests fast; the behaviour is the same. */
    private static final String[] FAST = {"--max-side", "160", "--mode", "single", "--quiet"};

    private static String[] args(String... more) {
        return Stream.concat(Stream.of("propose"), Stream.concat(Arrays.stream(FAST), Arrays.stream(more))).toArray(String[]::new);
    }

    private static List<JsonNode> lines(String out) throws IOException {
        List<JsonNode> nodes = new java.util.ArrayList<>();
        for (String l : out.split("\n")) {
            if (!l.isBlank()) {
                nodes.add(Json.MAPPER.readTree(l));
            }
        }
        return nodes;
    }

    @Test
    void jsonLinesInInputOrderWithBoxesInOriginalPixels() throws IOException {
        var r = CliTestSupport.run(args("--format", "jsonl", "samples/person.jpg", "samples/dog.jpg", "--top", "50"));
        assertEquals(0, r.code(), r.err());
        List<JsonNode> out = lines(r.out());
        assertEquals(2, out.size());
        assertEquals("samples/person.jpg", out.get(0).get("file").asText());
        assertEquals("samples/dog.jpg", out.get(1).get("file").asText());
        JsonNode dog = out.get(1);
        assertEquals(768, dog.get("width").asInt());
        assertEquals(576, dog.get("height").asInt());
        assertEquals(50, dog.get("proposals").size());
        boolean large = false;
        for (JsonNode b : dog.get("proposals")) {
            int x = b.get(0).asInt();
            int y = b.get(1).asInt();
            int w = b.get(2).asInt();
            int h = b.get(3).asInt();
            assertTrue(x >= 0 && y >= 0 && w > 0 && h > 0 && x + w <= 768 && y + h <= 576, b.toString());
            large |= w > 160 || h > 160; // mapped back beyond the 160-pixel search image
        }
        assertTrue(large);
        assertTrue(!dog.has("ms"), "no time on stdout unless --timings");
        var timed = CliTestSupport.run(args("--format", "jsonl", "samples/dog.jpg", "--top", "5", "--timings"));
        assertTrue(lines(timed.out()).get(0).get("ms").asDouble() > 0, timed.out());
    }

    @Test
    void outputIsIdenticalForAnyThreadCount() {
        var one = CliTestSupport.run(args("--format", "csv", "--threads", "1", "samples/"));
        var two = CliTestSupport.run(args("--format", "csv", "--threads", "2", "samples/"));
        assertEquals(0, one.code(), one.err());
        assertEquals(one.out(), two.out());
        assertTrue(one.out().startsWith("file,rank,x,y,w,h\nsamples/astronaut.png,1,"), one.out().substring(0, 80));
    }

    @Test
    void badInputsGetOneLineEachAndTheOthersAreStillWritten() throws IOException {
        Path empty = Files.createFile(dir.resolve("empty.jpg"));
        Path text = Files.writeString(dir.resolve("notes.png"), "not an image");
        byte[] jpg = Files.readAllBytes(Path.of("samples/dog.jpg"));
        Path cut = Files.write(dir.resolve("cut.jpg"), Arrays.copyOf(jpg, 5000));
        var r = CliTestSupport.run(args("--format", "jsonl", empty.toString(), "samples/eagle.jpg", text.toString(),
                cut.toString(), dir.resolve("missing.jpg").toString()));
        assertEquals(ExitCodes.INPUT_FAILED, r.code());
        assertEquals(1, lines(r.out()).size());
        String err = r.err();
        assertTrue(err.contains("cvkit: " + empty + ": empty file\n"), err);
        assertTrue(err.contains("cvkit: " + text + ": not an image (unrecognised format)\n"), err);
        assertTrue(err.contains("cvkit: " + cut + ": truncated jpeg file"), err);
        assertTrue(err.contains("cvkit: " + dir.resolve("missing.jpg") + ": no such file or folder\n"), err);
        assertFalse(err.contains("Exception"), err);
        assertEquals(4, err.lines().count(), err);
    }

    @Test
    void pixelLimitIsPerInput() {
        var r = CliTestSupport.run(args("--format", "jsonl", "--max-pixels", "300000", "samples/dog.jpg", "samples/chelsea.png"));
        assertEquals(ExitCodes.INPUT_FAILED, r.code());
        assertTrue(r.err().contains("samples/dog.jpg: 768×576 is 442368 pixels, above the limit of 300000"), r.err());
        assertTrue(r.out().contains("\"file\":\"samples/chelsea.png\""));
    }

    @Test
    void pathsFromStdin() {
        var r = CliTestSupport.runWithStdin("samples/chelsea.png\nsamples/eagle.jpg\n", args("--format", "jsonl", "-"));
        assertEquals(0, r.code(), r.err());
        assertEquals(2, r.out().lines().count());
    }

    @Test
    void cocoResultsUseTheDatasetImageIdsAndSaveWritesAnnotatedCopies() throws IOException {
        Path coco = dir.resolve("out/props.json");
        Path save = dir.resolve("annotated");
        var r = CliTestSupport.run(args("--format", "jsonl", "--top", "5", "--coco", coco.toString(), "--gt", "samples/gt.json",
                "--save", save.toString(), "samples/dog.jpg", "samples/person.jpg"));
        assertEquals(0, r.code(), r.err());
        JsonNode results = Json.MAPPER.readTree(coco.toFile());
        assertEquals(10, results.size());
        assertEquals(1, results.get(0).get("image_id").asInt()); // dog.jpg is image 1 of samples/gt.json
        assertEquals(2, results.get(5).get("image_id").asInt());
        assertEquals(1.0, results.get(0).get("score").asDouble());
        assertTrue(results.get(1).get("score").asDouble() < 1.0);
        assertTrue(Files.size(save.resolve("dog.jpg")) > 10_000);
        assertTrue(Files.size(save.resolve("person.jpg")) > 10_000);
        try (Stream<Path> leftovers = Files.list(coco.getParent())) {
            assertEquals(List.of(coco), leftovers.toList(), "no temporary files left behind");
        }
    }

    /** The README's pipeline: a folder with images that the dataset does not list still gives every output. */
    @Test
    void imagesNotInTheDatasetAreLeftOutOfCocoOnlyWithOneWarning() throws IOException {
        Path coco = dir.resolve("props.json");
        Path save = dir.resolve("annotated");
        var r = CliTestSupport.run("propose", "--max-side", "160", "--mode", "single", "--format", "jsonl", "--top", "5",
                "--coco", coco.toString(), "--gt", "samples/gt.json",
                "--save", save.toString(), "samples/coffee.png", "samples/dog.jpg", "samples/digits/3.png", "samples/person.jpg");
        assertEquals(0, r.code(), r.err());
        assertEquals(4, r.out().lines().count());
        assertTrue(Files.isRegularFile(save.resolve("coffee.png")));
        assertTrue(Files.isRegularFile(save.resolve("3.png")) || Files.isRegularFile(save.resolve("digits/3.png")));
        JsonNode results = Json.MAPPER.readTree(coco.toFile());
        assertEquals(10, results.size());
        assertEquals(1, results.get(0).get("image_id").asInt());
        assertEquals(2, results.get(9).get("image_id").asInt());
        List<String> warnings = r.err().lines().filter(l -> l.startsWith("cvkit: ")).toList();
        assertEquals(List.of("cvkit: warning: " + coco + ": 2 images not in samples/gt.json (10 results): samples/coffee.png, "
                + "samples/digits/3.png; left out (--strict makes this an error)"), warnings);

        Path coco2 = dir.resolve("strict.json");
        var strict = CliTestSupport.run(args("--format", "jsonl", "--top", "5", "--coco", coco2.toString(), "--gt", "samples/gt.json",
                "--strict", "samples/coffee.png", "samples/dog.jpg"));
        assertEquals(1, strict.code(), strict.err());
        assertEquals(2, strict.out().lines().count());
        assertEquals(5, Json.MAPPER.readTree(coco2.toFile()).size());
        assertTrue(strict.err().contains("cvkit: " + coco2 + ": 1 image not in samples/gt.json (5 results): samples/coffee.png (--strict)"),
                strict.err());
    }

    @Test
    void slidingWindowsAndOpencvMethods() throws IOException {
        var sw = CliTestSupport.run("propose", "-q", "--format", "jsonl", "--method", "sliding-window", "--window-scales", "1,0.5",
                "--window-aspects", "1", "--window-stride", "0.5", "--max-side", "0", "samples/chelsea.png");
        assertEquals(0, sw.code(), sw.err());
        // 451x300: three 300-px windows (x 0, 150, flush 151), then 150-px windows at x 0,75,150,225,300,301 × y 0,75,150
        JsonNode windows = lines(sw.out()).get(0).get("proposals");
        assertEquals(3 + 6 * 3, windows.size());
        assertEquals("[151,0,300,300]", windows.get(2).toString());
        var cv = CliTestSupport.run(args("--format", "jsonl", "--method", "opencv", "--top", "20", "samples/chelsea.png"));
        assertEquals(0, cv.code(), cv.err());
        assertEquals(20, lines(cv.out()).get(0).get("proposals").size());
    }

    @Test
    void usageErrorsExitTwoWithOneLine() {
        for (String[] bad : new String[][] {
            {"propose", "--top", "-1", "samples/dog.jpg"},
            {"propose", "--mode", "slow", "samples/dog.jpg"},
            {"propose", "--method", "magic", "samples/dog.jpg"},
            {"propose", "--threads", "0", "samples/dog.jpg"},
            {"propose", "--format", "json", "samples/dog.jpg"},
            {"propose", "--window-stride", "2", "--method", "sliding-window", "samples/dog.jpg"},
            {"propose", "--gt", "samples/gt.json", "samples/dog.jpg"},
            {"propose", "--strict", "--coco", "x.json", "samples/dog.jpg"}}) {
            var r = CliTestSupport.run(bad);
            assertEquals(ExitCodes.USAGE, r.code(), String.join(" ", bad) + ": " + r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().startsWith("cvkit: "), r.err());
        }
    }

    @Test
    void helpHasExamples() {
        var r = CliTestSupport.run("propose", "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("Examples:"), r.out());
        assertTrue(r.out().contains("--max-side"), r.out());
    }
}
