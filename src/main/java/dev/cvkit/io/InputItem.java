package dev.cvkit.io;

import java.nio.file.Path;

/**
 * One input of a batch.
 *
 * @param given    the path as the user gave it (or as found under a given folder): printed back in outputs
 * @param path     the file to read
 * @param relative where outputs for this input go under --save DIR (keeps folder structure)
 * @param error    why the input cannot be read at all (missing path, glob that matched nothing), or null
 * @param url      for a URL input, the URL to read; {@code given} then shows it with any password masked
 */
public record InputItem(String given, Path path, Path relative, String error, String url) {
    public InputItem(String given, Path path, Path relative, String error) {
        this(given, path, relative, error, null);
    }

    /** What to open: the URL for a URL input, else what the user gave. */
    public String source() {
        return url != null ? url : given;
    }

    public static InputItem failed(String given, String error) {
        return new InputItem(given, Path.of(given.isEmpty() ? "-" : given), Path.of("invalid"), error);
    }
}
