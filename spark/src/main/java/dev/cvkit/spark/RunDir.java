package dev.cvkit.spark;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The --output folder: one {@code run-NNN/} per job, holding JSON Lines partitions
 * ({@code part-NNNNN}) written through Hadoop's output committer. A run counts only once its
 * {@code _SUCCESS} marker is there: a run whose driver died is ignored, and its images are done again
 * by the next run with --skip-done.
 */
final class RunDir {
    private static final Pattern RUN = Pattern.compile("run-(\\d{3,})");

    private final String output;
    private final List<String> committed = new ArrayList<>();
    private int last;

    private RunDir(String output) {
        this.output = output;
    }

    static RunDir open(String output, Configuration conf) throws IOException {
        RunDir d = new RunDir(output);
        Path dir = new Path(output);
        FileSystem fs = dir.getFileSystem(conf);
        if (!fs.exists(dir)) {
            return d;
        }
        if (!fs.getFileStatus(dir).isDirectory()) {
            throw new dev.cvkit.UserError(output + ": is a file; --output names a folder", dev.cvkit.ExitCodes.USAGE);
        }
        List<FileStatus> runs = new ArrayList<>();
        for (FileStatus st : fs.listStatus(dir)) {
            Matcher m = RUN.matcher(st.getPath().getName());
            if (st.isDirectory() && m.matches()) {
                d.last = Math.max(d.last, Integer.parseInt(m.group(1)));
                runs.add(st);
            }
        }
        runs.sort((a, b) -> a.getPath().getName().compareTo(b.getPath().getName()));
        for (FileStatus st : runs) {
            if (fs.exists(new Path(st.getPath(), "_SUCCESS"))) {
                d.committed.add(st.getPath().toString());
            }
        }
        return d;
    }

    /** True when an earlier job wrote here (whether or not it finished). */
    boolean hasRuns() {
        return last > 0;
    }

    /** Where this job's records go. */
    String nextRun() {
        return join(String.format(Locale.ROOT, "run-%03d", last + 1));
    }

    private String join(String name) {
        return output.endsWith("/") ? output + name : output + "/" + name;
    }

    /** The records of every finished run, in run order. */
    JavaRDD<String> records(JavaSparkContext sc) {
        if (committed.isEmpty()) {
            return sc.emptyRDD();
        }
        return sc.textFile(String.join(",", committed));
    }
}
