package dev.cvkit.spark;

import dev.cvkit.ExitCodes;
import dev.cvkit.UserError;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** A model file read on the driver, from the local disk or any Hadoop file system, to be broadcast. */
final class ModelFiles {
    private ModelFiles() {}

    static byte[] read(String pathOrUri, String option) {
        Path p = new Path(pathOrUri);
        try {
            FileSystem fs = p.getFileSystem(new Configuration());
            if (!fs.getFileStatus(p).isFile()) {
                throw new UserError(pathOrUri + ": not a model file (" + option + ")", ExitCodes.USAGE);
            }
            try (InputStream in = fs.open(p)) {
                return in.readAllBytes();
            }
        } catch (FileNotFoundException e) {
            throw new UserError(pathOrUri + ": no such model file or model name (" + option + ")", ExitCodes.USAGE);
        } catch (IOException e) {
            throw new UserError(pathOrUri + ": cannot read the model (" + e.getMessage() + ")", ExitCodes.USAGE);
        }
    }
}
