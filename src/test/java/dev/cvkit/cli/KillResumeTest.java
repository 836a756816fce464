package dev.cvkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cvkit.io.SafeTensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A training process killed with SIGKILL mid-run resumes from its last finished epoch. */
class KillResumeTest {
    @TempDir
    Path tmp;

    @Test
    void killNineLosesAtMostTheEpochInProgress() throws Exception {
        Path run = tmp.resolve("run");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "dev.cvkit.cli.Main",
                "train", "--arch", "lenet5", "--data", ClassifyWorkflowTest.MNIST, "--epochs", "200", "--batch", "20",
                "--threads", "1", "--out", run.toString(), "--quiet")
                .redirectErrorStream(true).redirectOutput(tmp.resolve("log.txt").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (rows(run) < 3 && p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(p.isAlive(), "the run should still be going: " + Files.readString(tmp.resolve("log.txt")));
        } finally {
            p.destroyForcibly(); // SIGKILL: no shutdown hooks, possibly in the middle of writing a file
            p.waitFor(10, TimeUnit.SECONDS);
        }
        JsonNode state = new ObjectMapper().readTree(SafeTensors.read(run.resolve("checkpoint.safetensors")).metadata().get("checkpoint"));
        int done = state.get("epoch").asInt();
        // metrics are written before the checkpoint: 3 rows seen means at least 2 epochs checkpointed
        assertTrue(done >= 2, "epochs done " + done);
        // every file is whole (atomic writes): the models load and the metrics parse
        SafeTensors.read(run.resolve("last.safetensors"));
        SafeTensors.read(run.resolve("best.safetensors"));
        var r = CliTestSupport.run("train", "--resume", run.toString(), "--epochs", Integer.toString(done + 1), "--quiet");
        assertEquals(0, r.code(), r.err());
        List<String> rows = Files.readAllLines(run.resolve("metrics.jsonl"));
        assertEquals(done + 1, rows.size());
        for (int i = 0; i < rows.size(); i++) {
            assertEquals(i + 1, new ObjectMapper().readTree(rows.get(i)).get("epoch").asInt());
        }
    }

    private static int rows(Path run) {
        try {
            return (int) Files.readAllLines(run.resolve("metrics.jsonl")).size();
        } catch (IOException e) {
            return 0;
        }
    }
}
