package dev.cvkit.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Walking never opens a FIFO (that would block forever) and never hides an unreadable folder. */
class SpecialFilesTest {
    @TempDir
    Path dir;

    private List<InputItem> walk(List<String> specs) {
        List<InputItem> out = new ArrayList<>();
        InputWalker w = InputWalker.images(specs, new ByteArrayInputStream(new byte[0]));
        w.forEachRemaining(out::add);
        return out;
    }

    @Test
    void fifosInAFolderAreSkippedAndCounted() throws Exception {
        Files.writeString(dir.resolve("a.jpg"), "x");
        AtomicFilesTest.fifo(dir.resolve("b.jpg"));
        Files.createSymbolicLink(dir.resolve("c.png"), dir.resolve("b.jpg"));
        InputWalker w = InputWalker.images(List.of(dir.toString()), new ByteArrayInputStream(new byte[0]));
        List<InputItem> items = new ArrayList<>();
        w.forEachRemaining(items::add);
        assertEquals(1, items.size());
        assertEquals(dir.resolve("a.jpg"), items.get(0).path());
        assertEquals(2, w.skippedSpecial());
    }

    @Test
    void aFifoNamedAsInputFailsInsteadOfBlocking() throws Exception {
        Path fifo = AtomicFilesTest.fifo(dir.resolve("x.png"));
        List<InputItem> items = walk(List.of(fifo.toString()));
        assertEquals(1, items.size());
        assertNotNull(items.get(0).error());
        assertTrue(items.get(0).error().contains("not a regular file"), items.get(0).error());
    }

    @Test
    void aBrokenSymlinkInAFolderIsAnError() throws Exception {
        Files.createSymbolicLink(dir.resolve("gone.jpg"), dir.resolve("nowhere.jpg"));
        List<InputItem> items = walk(List.of(dir.toString()));
        assertEquals(1, items.size());
        assertEquals("broken symbolic link", items.get(0).error());
    }

    @Test
    void anUnreadableFolderIsAnErrorItem() throws Exception {
        Assumptions.assumeFalse("root".equals(System.getProperty("user.name")), "root reads every folder");
        Path locked = Files.createDirectories(dir.resolve("locked"));
        Files.writeString(locked.resolve("a.jpg"), "x");
        Files.writeString(dir.resolve("b.jpg"), "x");
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        try {
            List<InputItem> items = walk(List.of(dir.toString()));
            assertEquals(2, items.size());
            assertEquals(dir + "/b.jpg", items.get(1).given());
            assertEquals(dir + "/locked", items.get(0).given());
            assertTrue(items.get(0).error().contains("permission denied"), items.get(0).error());
            assertNull(items.get(1).error());
        } finally {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
        }
    }
}
