package dev.cvkit.spark;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/** One local Spark context for all tests (a context takes seconds to start), and ways to run both cvkits. */
final class TestSpark {
    private static JavaSparkContext sc;

    private TestSpark() {}

    /** local[2,2]: two cores, and a failed task is tried once more (Spark's default on a cluster is 4). */
    static synchronized JavaSparkContext sc() {
        if (sc == null) {
            sc = new JavaSparkContext(new SparkConf().setMaster("local[2,2]").setAppName("cvkit-spark tests")
                    .set("spark.ui.enabled", "false")
                    .set("spark.hadoop.fs.flaky.impl", FlakyFileSystem.class.getName())
                    .set("spark.hadoop.fs.flaky.impl.disable.cache", "true"));
            Runtime.getRuntime().addShutdownHook(new Thread(sc::close));
        }
        return sc;
    }

    /** What a run printed, and its exit code. */
    record Run(int code, String out, String err) {}

    static Run spark(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(sc(), new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = dev.cvkit.cli.Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** The lines of a run's part files, in part order: the job's output as one JSON Lines stream. */
    static List<String> lines(Path run) throws IOException {
        List<String> all = new ArrayList<>();
        try (Stream<Path> parts = Files.list(run)) {
            for (Path p : parts.filter(p -> p.getFileName().toString().startsWith("part-")).sorted().toList()) {
                all.addAll(Files.readAllLines(p));
            }
        }
        return all;
    }

    /** The CLI's JSON lines with the timing field, the one value that differs from run to run, zeroed. */
    static List<String> untimed(List<String> lines) {
        return lines.stream().filter(l -> !l.isBlank()).map(l -> l.replaceAll("\"ms\":[0-9.]+", "\"ms\":0")).toList();
    }
}
