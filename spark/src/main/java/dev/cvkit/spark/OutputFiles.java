package dev.cvkit.spark;

import dev.cvkit.ExitCodes;
import dev.cvkit.UserError;
import java.io.IOException;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Files an executor writes beside the records (segment's --masks and --alpha PNGs) on any Hadoop
 * file system: each is written under a hidden temporary name and renamed into place, so a reader
 * never sees half a file; a retried task writes the same bytes again. The local file system is
 * used raw, without Hadoop's {@code .crc} side files, so that the folder holds what the CLI's does.
 */
final class OutputFiles {
    private OutputFiles() {}

    /** Writes {@code bytes} to {@code dir/name}; a target that is the input image itself is that image's error (exit 1). */
    static void write(String dir, String name, byte[] bytes, ImageItem input, Configuration conf) throws IOException {
        Path target = new Path(new Path(dir), name);
        FileSystem fs = raw(target.getFileSystem(conf));
        Path source = new Path(input.uri());
        if (fs.makeQualified(target).equals(raw(source.getFileSystem(conf)).makeQualified(source))) {
            throw new UserError("refusing to overwrite the input image " + input.given() + " (choose another output folder)", ExitCodes.INPUT_FAILED);
        }
        Path tmp = new Path(target.getParent(), "." + target.getName() + "." + UUID.randomUUID() + ".tmp");
        try (FSDataOutputStream out = fs.create(tmp, true)) {
            out.write(bytes);
        }
        // HDFS's rename does not replace an existing file (a retried task's): remove it first
        if (!fs.rename(tmp, target) && !(fs.delete(target, false) && fs.rename(tmp, target))) {
            fs.delete(tmp, false);
            throw new IOException("cannot move " + tmp + " to " + target);
        }
    }

    /**
     * Checks an output folder on the driver: not a file, and empty unless the job adds to an
     * earlier one ({@code --skip-done}), so that nothing an earlier job wrote is replaced unasked.
     */
    static void checkFolder(String dir, String option, boolean skipDone, Configuration conf) {
        Path p = new Path(dir);
        try {
            FileSystem fs = p.getFileSystem(conf);
            if (!fs.exists(p)) {
                return; // made by the first file written into it
            }
            FileStatus st = fs.getFileStatus(p);
            if (!st.isDirectory()) {
                throw new UserError(dir + ": is a file; " + option + " names a folder", ExitCodes.USAGE);
            }
            if (!skipDone && fs.listStatus(p).length > 0) {
                throw new UserError(dir + ": holds files of an earlier run (" + option + "); add --skip-done to add the missing images' files, "
                        + "or give a new folder", ExitCodes.USAGE);
            }
        } catch (IOException e) {
            throw new UserError(dir + ": cannot use this folder (" + e.getMessage() + ") (" + option + ")", ExitCodes.USAGE);
        }
    }

    /** The fully qualified form of a folder, to tell two options naming the same one. */
    static String qualified(String dir, Configuration conf) {
        Path p = new Path(dir);
        try {
            return p.getFileSystem(conf).makeQualified(p).toString();
        } catch (IOException e) {
            throw new UserError(dir + ": cannot use this folder (" + e.getMessage() + ")", ExitCodes.USAGE);
        }
    }

    private static FileSystem raw(FileSystem fs) {
        return fs instanceof ChecksumFileSystem c ? c.getRawFileSystem() : fs;
    }
}
