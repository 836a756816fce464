package dev.cvkit.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Temporary files left by a SIGKILLed writer go at the next write into their folder; nothing else does. */
class TempFilesTest {
    @TempDir
    Path dir;

    @Test
    void theFirstWriteIntoAFolderRemovesOnlyDeadWritersTemporaryFiles() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        assertTrue(gone.waitFor(10, TimeUnit.SECONDS));
        Process alive = new ProcessBuilder("sleep", "30").start();
        try {
            Path dead = Files.writeString(dir.resolve(".out.json.cvkit" + gone.pid() + "-123456789.tmp"), "half");
            Path deadVideo = Files.writeString(dir.resolve(".clip.mp4.cvkit" + gone.pid() + "-42.mp4"), "half");
            Path live = Files.writeString(dir.resolve(".out.json.cvkit" + alive.pid() + "-987.tmp"), "being written");
            Path mine = Files.writeString(dir.resolve(".x.cvkit" + ProcessHandle.current().pid() + "-1.tmp"), "this run");
            Path user = Files.writeString(dir.resolve(".notes.cvkit" + gone.pid() + ".tmp"), "a user's file"); // not the pattern
            Path plain = Files.writeString(dir.resolve("report.tmp"), "a user's file");
            Path folder = Files.createDirectories(dir.resolve(".d.cvkit" + gone.pid() + "-5.tmp"));

            AtomicFiles.write(dir.resolve("result.json"), "[]".getBytes(java.nio.charset.StandardCharsets.UTF_8));

            assertFalse(Files.exists(dead));
            assertFalse(Files.exists(deadVideo));
            for (Path kept : new Path[] {live, mine, user, plain, folder}) assertTrue(Files.exists(kept), kept + " must stay");
            assertEquals("[]", Files.readString(dir.resolve("result.json")));
            assertEquals(0, TempFiles.sweep(dir), "a second sweep finds nothing more");
        } finally {
            alive.destroyForcibly();
        }
    }

    @Test
    void temporaryNamesCarryTheWritersProcessId() throws Exception {
        Path tmp = TempFiles.create(dir.resolve("a.png"), ".tmp");
        try {
            String n = tmp.getFileName().toString();
            assertTrue(n.startsWith(".a.png.cvkit" + ProcessHandle.current().pid() + "-") && n.endsWith(".tmp"), n);
        } finally {
            TempFiles.discard(tmp);
        }
    }
}
