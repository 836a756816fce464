package dev.cvkit.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Real paths (absolute, symlinks resolved) also for files that do not exist yet. */
public final class RealPaths {
    private RealPaths() {}

    /**
     * {@code p} with every symlink resolved: the deepest existing ancestor's real path plus the
     * rest, so an output that is still to be written compares equal to an input it would replace.
     */
    public static Path of(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        Path existing = abs;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return abs;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(abs)).normalize();
        } catch (IOException e) {
            return abs;
        }
    }

    /** Whether {@code inner} is {@code outer} or lies below it (both real paths). */
    public static boolean within(Path inner, Path outer) {
        return inner.startsWith(outer);
    }
}
