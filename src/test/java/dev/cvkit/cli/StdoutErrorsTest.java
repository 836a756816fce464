package dev.cvkit.cli;

import dev.cvkit.ExitCodes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A failed write to stdout is an error (exit 1); a reader that closes the pipe stops cvkit quietly. */
class StdoutErrorsTest {
    @TempDir
    Path tmp;

    static ProcessBuilder cvkit(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp", System.getProperty("java.class.path"), "dev.cvkit.cli.Main"));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd);
    }

    @Test
    void aFullDiskOnStdoutIsExitOne() throws Exception {
        Path err = tmp.resolve("err.txt");
        Process p = cvkit("propose", "--method", "sliding-window", "samples/dog.jpg")
                .redirectOutput(new File("/dev/full")).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String e = Files.readString(err);
        assertEquals(1, p.exitValue(), e);
        assertTrue(e.contains("cvkit: stdout: write failed (No space left on device)"), e);
    }

    @Test
    void aClosedPipeStopsTheBatchQuietly() throws Exception {
        Path err = tmp.resolve("err.txt");
        // 40 inputs: the batch would take many seconds if it ran to the end
        List<String> args = new ArrayList<>(List.of("propose", "--max-side", "200", "--mode", "single", "--threads", "1", "--format", "jsonl"));
        for (int i = 0; i < 40; i++) {
            args.add("samples/dog.jpg");
        }
        Process p = cvkit(args.toArray(String[]::new)).redirectError(err.toFile()).start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            assertTrue(r.readLine().startsWith("{\"file\":\"samples/dog.jpg\""));
        } // closes the pipe, as `| head -n 1` does
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(ExitCodes.STDOUT_CLOSED, p.exitValue(), Files.readString(err));
        assertEquals("", Files.readString(err), "no trace on a closed pipe");
    }
}
