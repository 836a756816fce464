package dev.cvkit.io;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The temporary files that atomic writers have open. Each is deleted when its writer finishes,
 * and a shutdown hook deletes the ones still live when the JVM exits on SIGINT, SIGTERM or
 * System.exit, so an interrupted run leaves no {@code .NAME.*.tmp} behind. SIGKILL runs no
 * hook, so each name carries its writer's process id ({@code .NAME.cvkitPID-RANDOM.SUFFIX}): the
 * first write into a folder removes the temporary files there whose process no longer runs.
 */
public final class TempFiles {
    private static final Set<Path> LIVE = ConcurrentHashMap.newKeySet();
    /** Set by the shutdown hook: worker threads still running then may not start new files. */
    private static boolean shuttingDown;
    private static final long PID = ProcessHandle.current().pid();
    /** A temporary file's name: the target's, the writer's process id, Files.createTempFile's random digits. */
    private static final Pattern NAME = Pattern.compile("\\..+\\.cvkit(\\d{1,19})-\\d+\\.[A-Za-z0-9]{1,8}");
    /** Folders already swept in this run. */
    private static final Set<Path> SWEPT = ConcurrentHashMap.newKeySet();

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
        Path dir = target.toAbsolutePath().getParent();
        if (dir != null && SWEPT.add(dir)) sweep(dir);
        Path tmp;
        synchronized (LIVE) { // creation and registration are one step for the shutdown hook
            if (shuttingDown) {
                throw new IOException("cvkit is exiting: " + target + " not written");
            }
            tmp = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".cvkit" + PID + "-", suffix);
            LIVE.add(tmp);
        }
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: keep its defaults
        }
        return tmp;
    }

    /**
     * Deletes the temporary files in {@code dir} left by cvkit processes that no longer run
     * (killed with SIGKILL). Only regular files whose whole name has the temporary pattern go;
     * a folder that cannot be listed is left alone (the write itself will report it).
     * @return how many were deleted
     */
    public static int sweep(Path dir) {
        int n = 0;
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, ".*.cvkit*-*")) {
            for (Path p : s) {
                Matcher m = NAME.matcher(p.getFileName().toString());
                if (!m.matches() || !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) continue;
                long pid;
                try {
                    pid = Long.parseLong(m.group(1));
                } catch (NumberFormatException e) {
                    continue;
                }
                if (pid == PID || ProcessHandle.of(pid).isPresent()) continue; // a live writer's file
                if (Files.deleteIfExists(p)) n++;
            }
        } catch (IOException | RuntimeException e) {
            // best effort: leftovers are harmless, and the write itself reports a bad folder
        }
        return n;
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
