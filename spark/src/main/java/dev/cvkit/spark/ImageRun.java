package dev.cvkit.spark;

import dev.cvkit.ExitCodes;
import dev.cvkit.UserError;
import java.io.PrintWriter;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SerializableWritable;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import scala.Tuple2;

/** One image job: list the inputs, leave out those done (--skip-done), make the records, commit them, count them. */
final class ImageRun {
    /** Images per task by default: minutes of work, and few enough part files. */
    private static final long PER_TASK = 1000;

    private ImageRun() {}

    /** Returns the exit code: 0, or 1 when some image failed. */
    static int run(JavaSparkContext sc, JobOptions o, String job, RecordMaker.Spec spec, PrintWriter err) throws Exception {
        if (o.partitions != null && o.partitions < 1) {
            throw new UserError("--partitions must be at least 1, got " + o.partitions, ExitCodes.USAGE);
        }
        if (o.maxPixels < 1) {
            throw new UserError("--max-pixels must be positive, got " + o.maxPixels, ExitCodes.USAGE);
        }
        long start = System.nanoTime();
        Configuration hadoop = sc.hadoopConfiguration();
        RunDir out = RunDir.open(o.output, hadoop);
        if (out.hasRuns() && !o.skipDone) {
            throw new UserError(o.output + ": holds results of an earlier run; add --skip-done to process only the images without a result, "
                    + "or give a new --output", ExitCodes.USAGE);
        }
        JavaPairRDD<Long, ImageItem> items = ImageListing.list(sc, o.inputs).zipWithIndex().mapToPair(t -> new Tuple2<>(t._2, t._1));
        long span = items.count();
        if (o.skipDone) {
            JavaPairRDD<String, Boolean> done = out.records(sc).filter(l -> Records.errorOf(l) == null)
                    .mapToPair(l -> new Tuple2<>(Records.fileOf(l), Boolean.TRUE));
            items = items.mapToPair(t -> new Tuple2<>(t._2.given(), t)).subtractByKey(done).mapToPair(t -> t._2);
        }
        if (span == 0) {
            if (!o.quiet) {
                err.println(job + ": no images in the input (folders are searched for image files by their extension)");
                err.flush();
            }
            return ExitCodes.OK;
        }
        long todo = o.skipDone ? items.count() : span;
        if (todo == 0) {
            if (!o.quiet) {
                err.println(job + ": nothing to do: every image of the input has a result in " + o.output);
                err.flush();
            }
            return ExitCodes.OK;
        }
        int n = o.partitions != null ? o.partitions
                : (int) Math.min(todo, Math.max(2L * sc.defaultParallelism(), (todo + PER_TASK - 1) / PER_TASK));
        JavaRDD<ImageItem> work = items.repartitionAndSortWithinPartitions(new IndexPartitioner(n, span)).values();
        var conf = sc.broadcast(new SerializableWritable<>(hadoop));
        String run = out.nextRun();
        work.mapPartitions(new ImageTask(spec, conf, o.maxPixels)).saveAsTextFile(run);
        Summary s = Summary.of(sc.textFile(run));
        s.print(err, job, run, (System.nanoTime() - start) / 1e9, o.quiet);
        return s.failed() > 0 ? ExitCodes.INPUT_FAILED : ExitCodes.OK;
    }
}
