package dev.cvkit.cli;

import dev.cvkit.ExitCodes;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.cvkit.UserError;
import dev.cvkit.classify.Architectures;
import dev.cvkit.classify.ClassificationMetrics;
import dev.cvkit.classify.ClassifierEval;
import dev.cvkit.classify.ClassifierModel;
import dev.cvkit.data.Dataset;
import dev.cvkit.data.Datasets;
import dev.cvkit.image.Charts;
import dev.cvkit.io.AtomicFiles;
import dev.cvkit.tensor.Parallel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code cvkit eval --model M --data D [--split test]}: a classifier on a labelled dataset.
 * Prints top-1/top-5, macro precision/recall/F1, per-class scores and the confusion matrix
 * (text, or {@code --format json} with at least top1, top5, per_class, confusion), writes
 * {@code confusion.png} with {@code --plots DIR}, and exits 3 when a {@code --min} gate is missed.
 */
final class ClassifyEvalMode {
    /** Stats a --min gate can name. */
    static final List<String> STATS = List.of("top1", "top5", "precision", "recall", "f1");

    private ClassifyEvalMode() {}

    static int run(Path modelFile, Path data, String split, int batch, boolean json, boolean perClass, Path plots,
                   Map<String, Double> min, long maxPixels, RunOptions run, PrintWriter out, PrintWriter err) {
        Map<String, Double> gates = gates(min);
        if (!Files.isRegularFile(modelFile)) {
            throw new UserError(modelFile + ": no such model file (--model)", ExitCodes.USAGE);
        }
        if (batch < 1) {
            throw new UserError("--batch must be at least 1", ExitCodes.USAGE);
        }
        int threads = run.threadCount();
        Parallel.setThreads(threads);
        ClassifierModel model = ClassifierModel.load(modelFile, Architectures.ZOO);
        String s = split != null ? split : Datasets.hasSplit(data, "test") ? "test" : "train";
        Dataset ds = Datasets.open(data, s, model.classes(), maxPixels);
        long t0 = System.nanoTime();
        Progress progress = new Progress(err, "eval", run.quiet);
        int[] last = {0};
        ClassifierEval.Result r = ClassifierEval.run(model, ds, batch, threads, (done, total) -> {
            progress.total(total);
            while (last[0] < done) {
                progress.step(true);
                last[0]++;
            }
        });
        progress.clearLine();
        ClassificationMetrics m = r.metrics();
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("model", modelFile.toString());
            o.put("data", data.toString());
            o.put("split", s);
            o.put("loss", r.loss());
            o.putAll(m.toMap());
            try {
                out.println(new ObjectMapper().disable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(o));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        } else {
            out.print(text(m, r.loss(), perClass || m.classes().size() <= 20));
        }
        out.flush();
        if (plots != null) {
            try {
                AtomicFiles.write(plots.resolve("confusion.png"), Charts.confusion(m.classes(), m.confusion()));
            } catch (IOException e) {
                throw new UserError(plots + ": cannot write plots (" + e.getMessage() + ")", ExitCodes.INPUT_FAILED, e);
            }
        }
        if (!run.quiet) {
            err.printf(Locale.ROOT, "eval: %s (split %s): %d images, %d classes in %.2f s%n", data, s, m.count(),
                    m.classes().size(), (System.nanoTime() - t0) / 1e9);
        }
        boolean failed = false;
        Map<String, Double> values = m.scalars();
        for (Map.Entry<String, Double> g : gates.entrySet()) {
            double v = values.get(g.getKey());
            if (v < g.getValue()) {
                failed = true;
                err.printf(Locale.ROOT, "cvkit: gate failed: %s = %.4f is below the minimum %s%n", g.getKey(), v, g.getValue());
            }
        }
        err.flush();
        return failed ? ExitCodes.GATE_FAILED : ExitCodes.OK;
    }

    private static Map<String, Double> gates(Map<String, Double> min) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Map.Entry<String, Double> e : min.entrySet()) {
            String k = e.getKey().trim().toLowerCase(Locale.ROOT).replace("-", "");
            if (!STATS.contains(k)) {
                throw new UserError("--min: unknown stat '" + e.getKey() + "' (use " + String.join(" ", STATS) + ")", ExitCodes.USAGE);
            }
            if (e.getValue() == null || !Double.isFinite(e.getValue())) {
                throw new UserError("--min " + k + ": the minimum must be a number", ExitCodes.USAGE);
            }
            out.put(k, e.getValue());
        }
        return out;
    }

    static String text(ClassificationMetrics m, double loss, boolean details) {
        StringBuilder sb = new StringBuilder();
        Map<String, Double> s = m.scalars();
        sb.append(String.format(Locale.ROOT, "top-1      %.4f%n", s.get("top1")));
        sb.append(String.format(Locale.ROOT, "top-5      %.4f%n", s.get("top5")));
        sb.append(String.format(Locale.ROOT, "precision  %.4f (macro)%n", s.get("precision")));
        sb.append(String.format(Locale.ROOT, "recall     %.4f (macro)%n", s.get("recall")));
        sb.append(String.format(Locale.ROOT, "f1         %.4f (macro)%n", s.get("f1")));
        sb.append(String.format(Locale.ROOT, "loss       %.4f%n", loss));
        sb.append(String.format(Locale.ROOT, "images     %d%n", m.count()));
        if (!details) {
            return sb.toString();
        }
        int w = 5;
        for (String c : m.classes()) {
            w = Math.max(w, c.length());
        }
        sb.append(String.format(Locale.ROOT, "%n%-" + w + "s %9s %7s %7s %8s%n", "class", "precision", "recall", "f1", "support"));
        for (ClassificationMetrics.ClassScore c : m.perClass()) {
            sb.append(String.format(Locale.ROOT, "%-" + w + "s %9.4f %7.4f %7.4f %8d%n", c.name(), c.precision(), c.recall(), c.f1(), c.support()));
        }
        long[][] conf = m.confusion();
        int cw = 4;
        for (long[] row : conf) {
            for (long v : row) {
                cw = Math.max(cw, Long.toString(v).length() + 1);
            }
        }
        sb.append(String.format(Locale.ROOT, "%nconfusion (rows: true class, columns: predicted, in class order)%n"));
        for (int i = 0; i < conf.length; i++) {
            sb.append(String.format(Locale.ROOT, "%-" + w + "s", m.classes().get(i)));
            for (long v : conf[i]) {
                sb.append(String.format(Locale.ROOT, "%" + cw + "d", v));
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
