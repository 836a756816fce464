package dev.cvkit.spark;

import static dev.cvkit.spark.TestSpark.cli;
import static dev.cvkit.spark.TestSpark.lines;
import static dev.cvkit.spark.TestSpark.spark;
import static dev.cvkit.spark.TestSpark.untimed;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Spark jobs write the CLI's JSON lines and COCO files byte for byte (timings aside) on samples/. */
class SameAsCliTest {
    @TempDir
    Path tmp;

    @Test
    void detectOverAFolderInThreePartitions() throws Exception {
        TestSpark.Run c = cli("detect", "samples/", "--format", "jsonl", "-q", "--coco", tmp.resolve("cli.json").toString(),
                "--gt", "samples/gt.json");
        assertEquals(0, c.code(), c.err());
        String out = tmp.resolve("det").toString();
        TestSpark.Run s = spark("detect", "--input", "samples/", "--output", out, "--partitions", "3",
                "--coco", tmp.resolve("spark.json").toString(), "--gt", "samples/gt.json");
        assertEquals(0, s.code(), s.err());
        List<String> expected = untimed(List.of(c.out().split("\n")));
        assertEquals(17, expected.size(), "samples/ holds 7 photographs and 10 digits");
        assertEquals(expected, untimed(lines(Path.of(out, "run-001"))));
        assertTrue(s.err().contains("detect: 17 images, 17 ok, 0 failed"), s.err());
        assertArrayEquals(Files.readAllBytes(tmp.resolve("cli.json")), Files.readAllBytes(tmp.resolve("spark.json")));

        // and evaluated from the JSON lines as cvkit eval evaluates the CLI's
        Files.writeString(tmp.resolve("cli.jsonl"), c.out());
        TestSpark.Run ce = cli("eval", "--gt", "samples/gt.json", "--dt", tmp.resolve("cli.jsonl").toString(), "--format", "json", "-q");
        TestSpark.Run se = spark("eval", "--gt", "samples/gt.json", "--dt", out, "--format", "json", "-q");
        assertEquals(0, se.code(), se.err());
        assertTrue(ce.out().startsWith("{\"iou_type\":\"bbox\",\"stats\":[0."), ce.out());
        assertEquals(ce.out(), se.out());
    }

    @Test
    void detectWithClassAgnosticNmsAtAnotherInputSize() throws Exception {
        TestSpark.Run c = cli("detect", "samples/*.jpg", "--agnostic", "--imgsz", "320", "--format", "jsonl", "-q");
        assertEquals(0, c.code(), c.err());
        TestSpark.Run plain = cli("detect", "samples/*.jpg", "--format", "jsonl", "-q");
        assertTrue(!untimed(List.of(c.out().split("\n"))).equals(untimed(List.of(plain.out().split("\n")))), "the options change the result");
        String out = tmp.resolve("det").toString();
        TestSpark.Run s = spark("detect", "--input", "samples/*.jpg", "--output", out, "--agnostic", "--imgsz", "320", "-q");
        assertEquals(0, s.code(), s.err());
        assertEquals(untimed(List.of(c.out().split("\n"))), untimed(lines(Path.of(out, "run-001"))));
        TestSpark.Run bad = spark("detect", "--input", "samples/*.jpg", "--output", tmp.resolve("bad").toString(), "--imgsz", "100", "-q");
        assertEquals(2, bad.code(), bad.err());
        assertTrue(bad.err().contains("--imgsz"), bad.err());
    }

    @Test
    void classifyWithTopThree() throws Exception {
        TestSpark.Run c = cli("classify", "samples/digits/", "--top", "3", "--format", "jsonl", "-q");
        assertEquals(0, c.code(), c.err());
        String out = tmp.resolve("cls").toString();
        TestSpark.Run s = spark("classify", "--input", "samples/digits/", "--output", out, "--top", "3", "-q");
        assertEquals(0, s.code(), s.err());
        List<String> expected = untimed(List.of(c.out().split("\n")));
        assertEquals(10, expected.size());
        assertEquals(expected, untimed(lines(Path.of(out, "run-001"))));
    }

    @Test
    void classifyOverAListFileReadByTheExecutors() throws Exception {
        List<String> paths = List.of("samples/digits/7.png", "samples/digits/2.png", "samples/digits/9.png");
        Files.write(tmp.resolve("list.txt"), paths);
        TestSpark.Run c = cli("classify", paths.get(0), paths.get(1), paths.get(2), "--format", "jsonl", "-q");
        assertEquals(0, c.code(), c.err());
        String out = tmp.resolve("cls").toString();
        TestSpark.Run s = spark("classify", "--input", tmp.resolve("list.txt").toString(), "--output", out, "-q");
        assertEquals(0, s.code(), s.err());
        assertEquals(untimed(List.of(c.out().split("\n"))), untimed(lines(Path.of(out, "run-001"))));
    }

    @Test
    void proposeOverAGlobWithCoco() throws Exception {
        TestSpark.Run c = cli("propose", "samples/*.jpg", "--top", "100", "--max-side", "250", "--format", "jsonl", "-q",
                "--coco", tmp.resolve("cli.json").toString());
        assertEquals(0, c.code(), c.err());
        String out = tmp.resolve("prop").toString();
        TestSpark.Run s = spark("propose", "--input", "samples/*.jpg", "--output", out, "--top", "100", "--max-side", "250", "-q",
                "--coco", tmp.resolve("spark.json").toString());
        assertEquals(0, s.code(), s.err());
        List<String> expected = untimed(List.of(c.out().split("\n")));
        assertEquals(4, expected.size(), "dog, eagle, horses, person");
        assertEquals(expected, untimed(lines(Path.of(out, "run-001"))));
        assertArrayEquals(Files.readAllBytes(tmp.resolve("cli.json")), Files.readAllBytes(tmp.resolve("spark.json")));
    }
}
