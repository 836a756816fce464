package dev.cvkit.spark;

import dev.cvkit.ExitCodes;
import dev.cvkit.UserError;
import dev.cvkit.coco.CocoFormatException;
import java.io.PrintWriter;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code cvkit-spark}: cvkit's image commands and COCO evaluation as Spark jobs (spark-submit's main class). */
@Command(name = "cvkit-spark", mixinStandardHelpOptions = true, version = "cvkit-spark 0.1.0",
        description = "cvkit's detect, classify, propose and segment over many images, and COCO evaluation of large result sets, on Apache Spark.",
        subcommands = {DetectJob.class, ClassifyJob.class, ProposeJob.class, SegmentJob.class, EvalJob.class},
        footerHeading = "%nExamples:%n",
        footer = {
            "  bin/cvkit-spark detect --master local[2] --input samples/ --output out/det --coco det.json",
            "  spark-submit --class dev.cvkit.spark.Main … detect --input hdfs:///photos --output hdfs:///cvkit/det",
            "  bin/cvkit-spark segment --master local[2] --input samples/ --output out/seg --masks out/masks",
            "  bin/cvkit-spark eval --gt samples/gt.json --dt out/det --format json",
            "",
            "Exit codes: 0 ok; 1 some image failed (error records in the output); 2 usage error; 70 internal error."})
public final class Main implements Runnable {
    /** A context the caller owns (tests, a host application), or null: the job makes and stops its own. */
    private final JavaSparkContext given;

    Main(JavaSparkContext given) {
        this.given = given;
    }

    public static void main(String[] args) {
        System.exit(run(null, new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs a job in-process on {@code sc} (or a context of its own when null); returns the exit code. */
    public static int run(JavaSparkContext sc, PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new Main(sc));
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            PrintWriter e = line.getErr();
            if (ex instanceof UserError ue) {
                e.println("cvkit: " + ue.getMessage());
                e.flush();
                return ue.exitCode();
            }
            // a task's bad input (a malformed results file) reaches the driver inside Spark's exception
            for (Throwable c = ex.getCause(); c != null; c = c.getCause()) {
                if (c instanceof UserError || c instanceof CocoFormatException) {
                    e.println("cvkit: " + c.getMessage());
                    e.flush();
                    return ExitCodes.INPUT_FAILED;
                }
            }
            ex.printStackTrace(e);
            e.println("cvkit: internal error: " + ex);
            e.flush();
            return ExitCodes.INTERNAL;
        });
        cl.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("cvkit: " + ex.getMessage() + " (see '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            ex.getCommandLine().getErr().flush();
            return ExitCodes.USAGE;
        });
        return cl.execute(args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "give a job: detect, classify, propose, segment or eval");
    }

    /** The caller's context, or a new one (then {@link Context#close()} stops it). */
    Context context(String job, String master) {
        if (given != null) {
            return new Context(given, false);
        }
        SparkConf conf = new SparkConf().setAppName("cvkit " + job);
        if (master != null) {
            conf.setMaster(master);
        } else if (!conf.contains("spark.master")) {
            conf.setMaster("local[*]");
        }
        return new Context(new JavaSparkContext(conf), true);
    }

    /** A Spark context for one job. */
    record Context(JavaSparkContext sc, boolean owned) implements AutoCloseable {
        @Override
        public void close() {
            if (owned) {
                sc.close();
            }
        }
    }
}
