package dev.cvkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cvkit.data.detect.ShapesGenerator;
import dev.cvkit.detection.DetectorFiles;
import dev.cvkit.io.SafeTensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --task detect} killed with SIGKILL mid-run: every file in the run folder is whole,
 * and {@code --resume} goes on from the last checkpoint (with a new --epochs) to a model that
 * loads as a detector.
 */
class DetectKillResumeTest {
    @TempDir
    Path tmp;

    @Test
    void killNineThenResume() throws Exception {
        Path data = tmp.resolve("data"), run = tmp.resolve("run");
        ShapesGenerator.generate(data, new ShapesGenerator.Options(8, 2, 64, 1,
                List.of(Path.of("samples/dog.jpg"), Path.of("samples/horses.jpg")), 1, 1L << 30));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "dev.cvkit.cli.Main",
                "train", "--task", "detect", "--arch", "faster-rcnn", "--data", data.resolve("train.json").toString(),
                "--val", data.resolve("val.json").toString(), "--imgsz", "64", "--batch", "2", "--epochs", "100",
                "--val-every", "2", "--threads", "1", "--out", run.toString(), "--quiet")
                .redirectErrorStream(true).redirectOutput(tmp.resolve("log.txt").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (rows(run) < 3 && p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(p.isAlive(), "the run should still be going: " + Files.readString(tmp.resolve("log.txt")));
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        ObjectMapper json = new ObjectMapper();
        JsonNode state = json.readTree(SafeTensors.read(run.resolve("checkpoint.safetensors")).metadata().get("checkpoint"));
        int done = state.get("iteration").asInt();
        assertTrue(done >= 4 && done % 2 == 0, "iterations checkpointed: " + done);
        SafeTensors.read(run.resolve("last.safetensors"));
        SafeTensors.read(run.resolve("best.safetensors"));
        // 4 iterations per epoch: go on to the end of the next whole epoch after the checkpoint
        int epochs = done / 4 + 1;
        var r = CliTestSupport.run("train", "--resume", run.toString(), "--epochs", Integer.toString(epochs), "--quiet"); // the task is the run's
        assertEquals(0, r.code(), r.err());
        List<String> rows = Files.readAllLines(run.resolve("metrics.jsonl"));
        for (int i = 0; i < rows.size(); i++) {
            assertEquals(2 * (i + 1), json.readTree(rows.get(i)).get("iteration").asInt(), "rows follow on: " + rows);
        }
        assertEquals(epochs * 4, json.readTree(rows.get(rows.size() - 1)).get("iteration").asInt());
        try (Stream<Path> s = Files.list(run)) {
            assertTrue(s.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")), "no temporary file is left");
        }
        assertEquals("faster-rcnn", DetectorFiles.load(run.resolve("last.safetensors")).architecture());
        var again = CliTestSupport.run("train", "--task", "detect", "--resume", run.toString(), "--lr", "0.1");
        assertEquals(2, again.code());
        assertTrue(again.err().contains("--lr cannot change on --resume"), again.err());
    }

    private static int rows(Path run) {
        try {
            return Files.readAllLines(run.resolve("metrics.jsonl")).size();
        } catch (IOException e) {
            return 0;
        }
    }
}
