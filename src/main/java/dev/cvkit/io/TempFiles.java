package dev.cvkit.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The temporary files that atomic writers have open. Each is deleted when its writer finishes,
 * and a shutdown hook deletes the ones still live when the JVM exits on SIGINT, SIGTERM or
 * System.exit, so an interrupted run leaves no {@code .NAME.*.tmp} behind. (SIGKILL runs no
 * hook: the files are then only harmless leftovers that nothing reads.)
 */
public final class TempFiles {
    private static final Set<Path> LIVE = ConcurrentHashMap.newKeySet();
    /** Set by the shutdown hook: worker threads still running then may not start new files. */
    private static boolean shuttingDown;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(TempFiles::deleteAll, "cvkit-temp-cleanup"));
    }

    private TempFiles() {}

    /**
     * A new temporary file beside {@code target}, registered for deletion at exit. Outputs are
     * ordinary files, so it gets the usual rw-r--r-- (createTempFile makes it 0600) where the
     * file system has POSIX permissions.
     */
    public static Path create(Path target, String suffix) throws IOException {
        Path tmp;
        synchronized (LIVE) { // creation and registration are one step for the shutdown hook
            if (shuttingDown) {
                throw new IOException("cvkit is exiting: " + target + " not written");
            }
            tmp = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", suffix);
            LIVE.add(tmp);
        }
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: keep its defaults
        }
        return tmp;
    }

    /** The file was renamed into place: nothing left to clean up. */
    public static void renamed(Path tmp) {
        LIVE.remove(tmp);
    }

    /** Deletes a temporary file that will not be used (a failed or abandoned write). */
    public static void discard(Path tmp) throws IOException {
        try {
            Files.deleteIfExists(tmp);
        } finally {
            LIVE.remove(tmp);
        }
    }

    /** How many temporary files are live now (for tests). */
    static int live() {
        return LIVE.size();
    }

    private static void deleteAll() {
        synchronized (LIVE) {
            shuttingDown = true;
        }
        for (Path p : LIVE) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException | RuntimeException e) {
                // exiting anyway: one file we could not delete must not stop the others
            }
        }
    }
}
