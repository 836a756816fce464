package dev.cvkit.spark;

import dev.cvkit.ExitCodes;
import dev.cvkit.UserError;
import java.io.FileNotFoundException;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.security.AccessControlException;

/**
 * Reads one image file through Hadoop's FileSystem. What is wrong with the file itself (missing,
 * a folder, unreadable for this user, too large) is a {@link UserError}, which becomes an error
 * record; any other I/O failure is the cluster's (a lost datanode, a timeout) and fails the task,
 * so that Spark retries it.
 */
final class ImageBytes {
    private ImageBytes() {}

    static byte[] read(String uri, Configuration conf, long maxPixels) throws IOException {
        Path p = new Path(uri);
        FileSystem fs = p.getFileSystem(conf);
        try {
            FileStatus st = fs.getFileStatus(p);
            if (st.isDirectory()) {
                throw new UserError("is a folder, not an image", ExitCodes.INPUT_FAILED);
            }
            long size = st.getLen();
            // as the CLI's decoder: a compressed image is never much larger than 8 bytes a pixel
            if (size > Math.min(Integer.MAX_VALUE - 16L, Math.max(64L << 20, maxPixels * 8))) {
                throw new UserError("file of " + size + " bytes is too large for an image under --max-pixels " + maxPixels,
                        ExitCodes.INPUT_FAILED);
            }
            byte[] bytes = new byte[(int) size];
            try (FSDataInputStream in = fs.open(p)) {
                in.readFully(0, bytes);
            }
            return bytes;
        } catch (FileNotFoundException e) {
            throw new UserError("no such file", ExitCodes.INPUT_FAILED);
        } catch (AccessControlException e) {
            throw new UserError("permission denied", ExitCodes.INPUT_FAILED);
        }
    }
}
