package dev.cvkit.spark;

import static dev.cvkit.spark.TestSpark.lines;
import static dev.cvkit.spark.TestSpark.spark;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad images, a failing task and a rerun, in local mode, as the issue asks. */
class FaultsTest {
    @TempDir
    Path tmp;

    private Path digits(String... names) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("in"));
        for (String n : names) {
            Files.copy(Path.of("samples/digits", n.charAt(0) + ".png"), dir.resolve(n)); // the digit the name starts with
        }
        return dir;
    }

    private static List<String> files(List<String> records) {
        return records.stream().map(Records::fileOf).toList();
    }

    @Test
    void badImagesBecomeCountedErrorRecords() throws Exception {
        Path in = digits("0.png", "3.png");
        Files.writeString(in.resolve("notes.png"), "these are not pixels");
        byte[] png = Files.readAllBytes(in.resolve("3.png"));
        Files.write(in.resolve("cut.png"), Arrays.copyOf(png, png.length / 2));
        String out = tmp.resolve("out").toString();
        TestSpark.Run r = spark("classify", "--input", in.toString(), in.resolve("missing.png").toString(), "--output", out);
        assertEquals(1, r.code(), "an image failed: exit 1, as the CLI");
        List<String> records = lines(Path.of(out, "run-001"));
        assertEquals(5, records.size());
        assertEquals(List.of(in + "/0.png", in + "/3.png", in + "/cut.png", in + "/notes.png", in + "/missing.png"), files(records));
        assertEquals("0", Records.parse(records.get(0)).path("predictions").get(0).path("class").asText());
        assertEquals("truncated png file (it ends before the image data does)", Records.errorOf(records.get(2)));
        assertEquals("not an image (unrecognised format)", Records.errorOf(records.get(3)));
        assertEquals("no such file or folder", Records.errorOf(records.get(4)));
        assertTrue(r.err().contains("classify: 5 images, 2 ok, 3 failed"), r.err());
        assertTrue(r.err().contains("cvkit: " + in + "/notes.png: not an image (unrecognised format)"), r.err());
        assertTrue(r.err().contains("1 × truncated png file"), r.err());
    }

    @Test
    void aTaskThatFailsMidPartitionIsRetriedAndItsImagesWrittenOnce() throws Exception {
        Path in = digits("1.png", "2-fail-once.png", "4.png");
        String out = tmp.resolve("out").toString();
        int before = FlakyFileSystem.FAILURES.get();
        FlakyFileSystem.ARMED.set(1);
        // one partition: the task has written the record of 1.png when reading the second image fails
        TestSpark.Run r = spark("classify", "--input", "flaky://" + in, "--output", out, "--partitions", "1", "-q");
        assertEquals(0, r.code(), r.err());
        assertEquals(before + 1, FlakyFileSystem.FAILURES.get(), "the first attempt failed");
        Path run = Path.of(out, "run-001");
        List<String> records = lines(run);
        assertEquals(List.of("flaky://" + in + "/1.png", "flaky://" + in + "/2-fail-once.png", "flaky://" + in + "/4.png"), files(records));
        assertEquals(List.of("1", "2", "4"), records.stream()
                .map(l -> Records.parse(l).path("predictions").get(0).path("class").asText()).toList());
        assertTrue(Files.exists(run.resolve("_SUCCESS")));
        try (var names = Files.list(run)) {
            assertEquals(List.of("_SUCCESS", "part-00000"), names.map(p -> p.getFileName().toString())
                    .filter(n -> !n.startsWith(".")).sorted().toList(), "no attempt files left");
        }
    }

    @Test
    void aRerunWithSkipDoneProcessesOnlyImagesWithoutAResult() throws Exception {
        Path in = digits("5.png", "6.png");
        Files.writeString(in.resolve("7.png"), "not yet converted");
        String out = tmp.resolve("out").toString();
        assertEquals(1, spark("classify", "--input", in.toString(), "--output", out, "-q").code());

        TestSpark.Run again = spark("classify", "--input", in.toString(), "--output", out, "-q");
        assertEquals(2, again.code(), "nothing already done is overwritten");
        assertTrue(again.err().contains("add --skip-done"), again.err());

        Files.copy(Path.of("samples/digits/7.png"), in.resolve("7.png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(Path.of("samples/digits/8.png"), in.resolve("8.png"));
        TestSpark.Run rerun = spark("classify", "--input", in.toString(), "--output", out, "--skip-done");
        assertEquals(0, rerun.code(), rerun.err());
        assertTrue(rerun.err().contains("classify: 2 images, 2 ok, 0 failed"), rerun.err());
        List<String> second = lines(Path.of(out, "run-002"));
        assertEquals(List.of(in + "/7.png", in + "/8.png"), files(second), "the failed image and the new one");
        assertEquals(List.of("7", "8"), second.stream()
                .map(l -> Records.parse(l).path("predictions").get(0).path("class").asText()).toList());

        TestSpark.Run done = spark("classify", "--input", in.toString(), "--output", out, "--skip-done");
        assertEquals(0, done.code(), done.err());
        assertTrue(done.err().contains("nothing to do"), done.err());
        assertFalse(Files.exists(Path.of(out, "run-003")));
    }
}
