package dev.cvkit.cli;

import dev.cvkit.io.InputItem;
import dev.cvkit.io.InputWalker;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;

/**
 * Counts a command's inputs on a background thread so that the progress bar can show a total
 * and an ETA without delaying the first result. Only for named files, folders and globs: paths
 * streamed on stdin cannot be read twice, so their total stays unknown.
 */
final class InputCount {
    private InputCount() {}

    /** Starts counting if a bar is shown and the inputs can be listed twice; the count goes to {@code progress}. */
    static void start(List<String> specs, Predicate<Path> accept, Progress progress) {
        if (!progress.showsBar() || specs.isEmpty() || specs.contains("-")) {
            return;
        }
        Thread t = new Thread(() -> progress.total(count(specs, accept)), "cvkit-count");
        t.setDaemon(true);
        t.start();
    }

    /** The number of items the same walk yields (failures included, as each is one step). */
    static long count(List<String> specs, Predicate<Path> accept) {
        InputWalker w = new InputWalker(specs, InputStream.nullInputStream(), accept);
        long n = 0;
        while (w.hasNext()) {
            InputItem ignored = w.next();
            n++;
        }
        return n;
    }
}
