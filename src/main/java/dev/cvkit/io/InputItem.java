package dev.cvkit.io;

import java.nio.file.Path;

/**
 * One input of a batch.
 *
 * @param given    the path as the user gave it (or as found under a given folder): printed back in outputs
 * @param path     the file to read
 * @param relative where outputs for this input go under --save DIR (keeps folder structure)
 * @param error    why the input cannot be read at all (missing path, glob that matched nothing), or null
 */
public record InputItem(String given, Path path, Path relative, String error) {
    public static InputItem failed(String given, String error) {
        return new InputItem(given, Path.of(given.isEmpty() ? "-" : given), Path.of("invalid"), error);
    }
}
