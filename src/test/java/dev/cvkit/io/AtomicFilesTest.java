package dev.cvkit.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Atomic writes rename only over regular files; specials are written into, links followed. */
class AtomicFilesTest {
    @TempDir
    Path dir;

    static Path fifo(Path p) throws Exception {
        Process mk = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
        assertEquals(0, mk.waitFor());
        return p;
    }

    @Test
    void aFifoIsWrittenIntoAndStaysAFifo() throws Exception {
        Path fifo = fifo(dir.resolve("out.json"));
        CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> {
            try {
                return Files.readAllBytes(fifo);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        AtomicFiles.write(fifo, "[1,2]".getBytes(StandardCharsets.UTF_8));
        assertEquals("[1,2]", new String(read.get(20, TimeUnit.SECONDS), StandardCharsets.UTF_8));
        assertFalse(Files.isRegularFile(fifo), "the FIFO must not be replaced by a regular file");
        assertTrue(Files.exists(fifo));
        assertEquals(0, leftovers());
    }

    @Test
    void aSymlinkIsFollowedNotReplaced() throws Exception {
        Path real = dir.resolve("sub/real.json");
        Files.createDirectories(real.getParent());
        Files.writeString(real, "old");
        Path link = Files.createSymbolicLink(dir.resolve("link.json"), Path.of("sub/real.json"));
        AtomicFiles.write(link, "new".getBytes(StandardCharsets.UTF_8));
        assertTrue(Files.isSymbolicLink(link));
        assertEquals("new", Files.readString(real));
        // a dangling link gets its target created
        Path dangling = Files.createSymbolicLink(dir.resolve("d.json"), Path.of("sub/later.json"));
        AtomicFiles.write(dangling, "x".getBytes(StandardCharsets.UTF_8));
        assertTrue(Files.isSymbolicLink(dangling));
        assertEquals("x", Files.readString(dir.resolve("sub/later.json")));
    }

    @Test
    void aFolderIsRefusedAndNoTemporaryFileStays() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("results.json"));
        FileSystemException e = assertThrows(FileSystemException.class,
                () -> AtomicFiles.write(folder, new byte[] {1}));
        assertTrue(e.getMessage().contains("is a folder"), e.getMessage());
        assertThrows(FileSystemException.class, () -> AtomicFiles.checkWritable(folder));
        assertEquals(0, leftovers());
    }

    @Test
    void aFailedWriteLeavesTheOldFileAndNoTemporaryFile() throws Exception {
        Path target = dir.resolve("a.bin");
        Files.write(target, new byte[] {7});
        assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
            out.write(new byte[1 << 17]);
            throw new IOException("No space left on device");
        }));
        assertArrayEquals(new byte[] {7}, Files.readAllBytes(target));
        assertEquals(0, leftovers());
        assertEquals(0, TempFiles.live());
    }

    @Test
    void pendingDiscardsItsTemporaryFileEvenWhenClosingFails() throws Exception {
        Path target = dir.resolve("p.json");
        AtomicFiles.Pending p = new AtomicFiles.Pending(target);
        p.stream().write(new byte[100]);
        assertEquals(1, leftovers());
        p.close();
        assertEquals(0, leftovers());
        assertFalse(Files.exists(target));
        assertEquals(0, TempFiles.live());
    }

    @Test
    void outputsAreReadableByOthersLikeAnyFile() throws Exception {
        Path target = dir.resolve("o.png");
        AtomicFiles.write(target, new byte[] {1});
        assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
    }

    @Test
    void aFailedWriteNamesTheTarget() throws Exception {
        Path fifo = fifo(dir.resolve("gone.json"));
        Thread reader = new Thread(() -> {
            try (var in = Files.newInputStream(fifo)) {
                Thread.sleep(200); // then close without reading: the writer gets EPIPE
            } catch (Exception e) {
                // nothing to report
            }
        });
        reader.start();
        FileSystemException e = assertThrows(FileSystemException.class, () -> AtomicFiles.write(fifo, new byte[1 << 20]));
        assertEquals(fifo.toString(), e.getFile());
        reader.join();
    }

    /** /dev/stderr links to /proc/self/fd/2, whose target ("pipe:[N]") is no path: it is opened, not resolved. */
    @Test
    void aLinkToAProcessStreamIsWrittenInto() throws Exception {
        Path link = Files.createSymbolicLink(dir.resolve("err.json"), Path.of("/dev/stderr"));
        AtomicFiles.write(link, "\n".getBytes(StandardCharsets.UTF_8));
        assertTrue(Files.isSymbolicLink(link));
        assertEquals(0, leftovers());
    }

    private long leftovers() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".tmp")).count();
        }
    }
}
