package dev.cvkit.spark;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** What every image job takes besides its model options. */
final class JobOptions {
    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master: local[N], spark://HOST:PORT, yarn, k8s://… (default: spark-submit's, else local[*]).")
    String master;

    @Option(names = "--input", paramLabel = "PATH", arity = "1..*", required = true,
            description = "Image files, folders (walked recursively, sorted), globs, or .txt/.lst files listing one path or URI a line; "
                    + "any Hadoop file system (file://, hdfs://, s3a://…).")
    List<String> inputs = new ArrayList<>();

    @Option(names = "--output", paramLabel = "DIR", required = true,
            description = "Folder for the results: each job writes DIR/run-NNN/part-* (JSON Lines, one record per image).")
    String output;

    @Option(names = "--skip-done", description = "Add a run to an --output that has results: only images without a result are processed.")
    boolean skipDone;

    @Option(names = "--partitions", paramLabel = "N",
            description = "Split the images into N tasks (default: about 1000 images a task, at least 2 per core).")
    Integer partitions;

    @Option(names = "--max-pixels", paramLabel = "N", defaultValue = "100000000",
            description = "Refuse images with more pixels than this, before decoding where the header allows (default: ${DEFAULT-VALUE}).")
    long maxPixels;

    @Option(names = {"-q", "--quiet"}, description = "Print nothing on stderr but errors.")
    boolean quiet;
}
