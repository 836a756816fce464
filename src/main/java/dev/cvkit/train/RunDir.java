package dev.cvkit.train;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a training run writes: {@code --out DIR} as given, or by default
 * {@code runs/<task>/<name>}, {@code <name>2}, {@code <name>3}, … — the first that does not exist
 * yet, so a new run never overwrites an old one.
 */
public final class RunDir {
    private RunDir() {}

    /** Creates and returns the next free numbered folder under {@code parent}. */
    public static Path next(Path parent, String name) throws IOException {
        Files.createDirectories(parent);
        for (int i = 1; ; i++) {
            Path p = parent.resolve(i == 1 ? name : name + i);
            try {
                Files.createDirectory(p); // atomic: two runs started at once get different folders
                return p;
            } catch (FileAlreadyExistsException e) {
                // taken: try the next number
            }
        }
    }
}
