package dev.cvkit.spark;

import dev.cvkit.ExitCodes;
import dev.cvkit.UserError;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Files a job ships to its executors as bytes (a model, a ground truth): read on the driver from
 * the local disk or any Hadoop file system, broadcast, and put back into a private temporary file
 * where cvkit's loaders, which read files, need one.
 */
final class DriverFiles {
    private DriverFiles() {}

    static byte[] read(String pathOrUri, String option) {
        Path p = new Path(pathOrUri);
        try {
            FileSystem fs = p.getFileSystem(new Configuration());
            if (!fs.getFileStatus(p).isFile()) {
                throw new UserError(pathOrUri + ": not a file (" + option + ")", ExitCodes.USAGE);
            }
            try (InputStream in = fs.open(p)) {
                return in.readAllBytes();
            }
        } catch (FileNotFoundException e) {
            throw new UserError(pathOrUri + ": no such file (" + option + ")", ExitCodes.USAGE);
        } catch (IOException e) {
            throw new UserError(pathOrUri + ": cannot read (" + e.getMessage() + ") (" + option + ")", ExitCodes.USAGE);
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A private temporary copy, deleted when the JVM exits. */
    static java.nio.file.Path toTempFile(byte[] bytes, String suffix) throws IOException {
        java.nio.file.Path f = Files.createTempFile("cvkit-", suffix);
        f.toFile().deleteOnExit();
        Files.write(f, bytes);
        return f;
    }
}
