package dev.cvkit.spark;

import java.io.PrintWriter;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;

/**
 * Counts a finished run from its committed records (so a retried task is counted once): images,
 * results, and failures by reason; prints the first failures as the CLI does, {@code cvkit: FILE: why}.
 */
record Summary(long images, long failed, Map<String, Long> reasons, List<String> firstErrors) {
    private static final int SHOWN = 20;

    static Summary of(JavaRDD<String> records) {
        JavaRDD<String> errors = records.filter(l -> l.contains("\"error\"")).filter(l -> Records.errorOf(l) != null);
        Map<String, Long> reasons = errors.map(l -> Records.errorOf(l).replaceAll("\\d+", "N")).countByValue();
        long failed = reasons.values().stream().mapToLong(Long::longValue).sum();
        return new Summary(records.count(), failed, reasons, errors.take(SHOWN));
    }

    void print(PrintWriter err, String job, String where, double seconds, boolean quiet) {
        for (String line : firstErrors) {
            err.println("cvkit: " + Records.fileOf(line) + ": " + Records.errorOf(line));
        }
        if (failed > firstErrors.size()) {
            err.println("cvkit: … and " + (failed - firstErrors.size()) + " more failed images (error records in " + where + ")");
        }
        if (!quiet) {
            err.printf(Locale.ROOT, "%s: %d images, %d ok, %d failed → %s in %.1f s%n", job, images, images - failed, failed, where, seconds);
            reasons.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
                    .forEach(e -> err.printf(Locale.ROOT, "  %d × %s%n", e.getValue(), e.getKey()));
        }
        err.flush();
    }
}
