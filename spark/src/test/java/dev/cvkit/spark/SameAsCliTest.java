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
