package dev.cvkit.importer.tfjs;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cvkit.UserError;
import dev.cvkit.ExitCodes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Bounded file reading with provenance hashes and one-line errors (JSON errors with line and column). */
final class JsonFiles {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** model.json of the largest TF.js detector is ~120 KB; 64 MB is far beyond any real one. */
    static final long MAX_JSON_BYTES = 64L << 20;
    /** One buffer holds all shards of a group. */
    static final long MAX_SHARD_BYTES = Integer.MAX_VALUE - 64L;

    private JsonFiles() {}

    static byte[] readBounded(Path path, long max, String what) {
        try {
            if (Files.isDirectory(path)) {
                throw new UserError(path + ": is a folder, expected the " + what, ExitCodes.INPUT_FAILED);
            }
            if (!Files.isRegularFile(path)) {
                if (!Files.exists(path)) {
                    throw new NoSuchFileException(path.toString());
                }
                throw new UserError(path + ": is not a regular file, expected the " + what, ExitCodes.INPUT_FAILED);
            }
            long size = Files.size(path);
            if (size > max) {
                throw new UserError(path + ": " + size + " bytes is too large for a " + what, ExitCodes.INPUT_FAILED);
            }
            try (InputStream in = Files.newInputStream(path)) {
                byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 64L, max + 1));
                if (bytes.length > max) {
                    throw new UserError(path + ": more than " + max + " bytes is too large for a " + what, ExitCodes.INPUT_FAILED);
                }
                return bytes;
            }
        } catch (NoSuchFileException e) {
            throw new UserError(path + ": no such file (the " + what + ")", ExitCodes.INPUT_FAILED);
        } catch (IOException e) {
            throw new UserError(path + ": cannot read (" + e.getMessage() + ")", ExitCodes.INPUT_FAILED);
        }
    }

    /**
     * A shard named in a manifest: a regular file inside the manifest's folder (after following
     * symlinks), of at most {@code max} bytes; reading stops there even when the file claims a
     * size of 0, as devices do.
     */
    static byte[] readShard(Path folder, String name, long max, String what) {
        Path path = folder.resolve(name);
        try {
            Path real = path.toRealPath();
            if (!real.startsWith(folder.toRealPath())) {
                throw new UserError(path + ": the " + what + " leads outside the model folder (to " + real + ")", ExitCodes.INPUT_FAILED);
            }
            if (!Files.isRegularFile(real)) {
                throw new UserError(path + ": the " + what + " is not a regular file", ExitCodes.INPUT_FAILED);
            }
            try (InputStream in = Files.newInputStream(real)) {
                byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 64L, Math.max(0, max) + 1));
                if (bytes.length > max) {
                    throw new UserError(path + ": the " + what + " holds more bytes than the manifest describes (" + max
                            + " left; a shard of another model?)", ExitCodes.INPUT_FAILED);
                }
                return bytes;
            }
        } catch (NoSuchFileException e) {
            throw new UserError(path + ": no such file (the " + what + ")", ExitCodes.INPUT_FAILED);
        } catch (IOException e) {
            throw new UserError(path + ": cannot read (" + e.getMessage() + ")", ExitCodes.INPUT_FAILED);
        }
    }

    static JsonNode parse(byte[] bytes, Path path) {
        try {
            JsonNode node = MAPPER.readTree(bytes);
            if (node == null || node.isMissingNode()) {
                throw new UserError(path + ": empty JSON file", ExitCodes.INPUT_FAILED);
            }
            return node;
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            String at = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
            throw new UserError(path + ": malformed JSON" + at + " (" + e.getOriginalMessage() + ")", ExitCodes.INPUT_FAILED);
        } catch (IOException e) {
            throw new UserError(path + ": cannot parse JSON (" + e.getMessage() + ")", ExitCodes.INPUT_FAILED);
        }
    }

    static SourceFile describe(String name, byte[] bytes) {
        return new SourceFile(name, bytes.length, sha256(bytes));
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
