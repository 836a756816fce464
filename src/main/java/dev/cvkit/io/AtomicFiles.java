package dev.cvkit.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes files so that readers only ever see the old file or the complete new one: the bytes
 * go to a temporary file in the same folder, which is then renamed over the target.
 *
 * <p>Renaming is done only over a regular file (or where nothing is yet). A symlink is followed
 * and its target replaced, never the link itself. A device, FIFO or socket (such as /dev/null
 * or /dev/stdout) is written straight into: renaming over it would replace the device node with
 * a regular file. A folder is refused.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** Something that writes the whole content to a stream. */
    @FunctionalInterface
    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }

    public static void write(Path target, Writer writer) throws IOException {
        Path real = destination(target);
        if (isSpecial(real)) {
            try (OutputStream out = new BufferedOutputStream(named(Files.newOutputStream(real, StandardOpenOption.WRITE), target), 1 << 16)) {
                writer.write(out);
            }
            return;
        }
        Files.createDirectories(real.getParent());
        Path tmp = TempFiles.create(real, ".tmp");
        boolean done = false;
        try {
            try (OutputStream out = new BufferedOutputStream(named(Files.newOutputStream(tmp), target), 1 << 16)) {
                writer.write(out);
            }
            moveInto(tmp, real);
            done = true;
        } finally {
            if (!done) {
                TempFiles.discard(tmp);
            }
        }
    }

    /**
     * {@code out} whose failures name {@code target} ("out/c.json: No space left on device"):
     * the stream's own exceptions name no file, and the temporary file's name means nothing to a user.
     */
    static OutputStream named(OutputStream out, Path target) {
        return new java.io.FilterOutputStream(out) {
            @Override
            public void write(int b) throws IOException {
                try {
                    out.write(b);
                } catch (IOException e) {
                    throw rename(e);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                try {
                    out.write(b, off, len);
                } catch (IOException e) {
                    throw rename(e);
                }
            }

            @Override
            public void flush() throws IOException {
                try {
                    out.flush();
                } catch (IOException e) {
                    throw rename(e);
                }
            }

            @Override
            public void close() throws IOException {
                try {
                    out.close();
                } catch (IOException e) {
                    throw rename(e);
                }
            }

            private IOException rename(IOException e) {
                if (e instanceof FileSystemException) {
                    return e;
                }
                FileSystemException named = new FileSystemException(target.toString(), null,
                        e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
                named.initCause(e);
                return named;
            }
        };
    }

    /**
     * Where the bytes for {@code target} go: its absolute path with symlinks followed (also a
     * dangling one, to the file it names). Refuses a folder.
     */
    public static Path destination(Path target) throws IOException {
        Path p = target.toAbsolutePath().normalize();
        if (Files.exists(p)) { // through any links, as the kernel resolves them (also /proc/self/fd/N)
            if (Files.isDirectory(p)) {
                throw new FileSystemException(target.toString(), null, "is a folder, not a file");
            }
            // a regular file is replaced where it really is; a device, FIFO or socket is opened by this name
            return Files.isRegularFile(p) ? p.toRealPath() : p;
        }
        // nothing there yet, or a dangling link: the new file goes where the link points
        for (int hops = 0; Files.isSymbolicLink(p); hops++) {
            if (hops > 40) {
                throw new FileSystemException(target.toString(), null, "too many levels of symbolic links");
            }
            Path link = Files.readSymbolicLink(p);
            p = p.getParent().resolve(link).normalize();
        }
        if (Files.isDirectory(p)) {
            throw new FileSystemException(target.toString(), null, "is a folder, not a file");
        }
        return p;
    }

    /** A device, FIFO or socket (or a link to one): written in place, never renamed over. */
    public static boolean isSpecial(Path real) {
        return Files.exists(real) && !Files.isRegularFile(real) && !Files.isDirectory(real);
    }

    /**
     * Puts a finished temporary file (from {@link TempFiles#create}) in place at {@code real} (a
     * {@link #destination}): renamed over a regular file or nothing, copied into a device or FIFO.
     */
    public static void install(Path tmp, Path real) throws IOException {
        if (isSpecial(real)) {
            try (OutputStream out = Files.newOutputStream(real, StandardOpenOption.WRITE)) {
                Files.copy(tmp, out);
            } finally {
                TempFiles.discard(tmp);
            }
            return;
        }
        moveInto(tmp, real);
    }

    /** Renames {@code tmp} over {@code real}, a regular file or nothing. */
    static void moveInto(Path tmp, Path real) throws IOException {
        try {
            Files.move(tmp, real, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, real, StandardCopyOption.REPLACE_EXISTING);
        }
        TempFiles.renamed(tmp);
    }

    /**
     * Fails now, before any work, where a later write of {@code target} would fail: its folder
     * cannot be made or written, or it is a folder itself.
     */
    public static void checkWritable(Path target) throws IOException {
        Path real = destination(target);
        if (isSpecial(real)) {
            if (!Files.isWritable(real)) {
                throw new FileSystemException(target.toString(), null, "not writable");
            }
            return;
        }
        Files.createDirectories(real.getParent());
        Path probe = TempFiles.create(real, ".tmp");
        TempFiles.discard(probe);
    }

    /**
     * An output written as it is produced (e.g. a COCO results file for a whole batch) that
     * appears under its name only on {@link #commit()}; closing without committing discards it.
     * A device or FIFO target is written straight into as the bytes come.
     */
    public static final class Pending implements AutoCloseable {
        private final Path target;
        private final Path tmp;
        private final OutputStream out;
        private boolean committed;

        public Pending(Path target) throws IOException {
            this.target = destination(target);
            if (isSpecial(this.target)) {
                this.tmp = null;
                this.out = new BufferedOutputStream(named(Files.newOutputStream(this.target, StandardOpenOption.WRITE), target), 1 << 16);
                return;
            }
            Files.createDirectories(this.target.getParent());
            this.tmp = TempFiles.create(this.target, ".tmp");
            OutputStream o;
            try {
                o = new BufferedOutputStream(named(Files.newOutputStream(tmp), target), 1 << 16);
            } catch (IOException | RuntimeException e) {
                TempFiles.discard(tmp);
                throw e;
            }
            this.out = o;
        }

        public OutputStream stream() { return out; }

        public void commit() throws IOException {
            out.close();
            if (tmp != null) {
                moveInto(tmp, target);
            }
            committed = true;
        }

        @Override
        public void close() throws IOException {
            if (committed) {
                return;
            }
            try {
                out.close(); // may fail (a full disk): the temporary file goes all the same
            } finally {
                if (tmp != null) {
                    TempFiles.discard(tmp);
                }
            }
        }
    }
}
