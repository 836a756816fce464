package dev.cvkit.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A model file's bytes as shipped to the executors, and back into a file there for cvkit's loaders. */
final class ModelBytes {
    private ModelBytes() {}

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A private temporary copy (deleted when the JVM exits): cvkit's model loaders read files. */
    static Path toTempFile(byte[] bytes) throws IOException {
        Path f = Files.createTempFile("cvkit-model-", ".safetensors");
        f.toFile().deleteOnExit();
        Files.write(f, bytes);
        return f;
    }
}
