package dev.cvkit.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.ExitCodes;
import dev.cvkit.UserError;
import dev.cvkit.classify.Architectures;
import dev.cvkit.classify.ClassifyTraining;
import dev.cvkit.train.RunDir;
import dev.cvkit.train.TrainLoop;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** {@code cvkit train --task classify}: the options of {@link TrainCommand} wired to {@link ClassifyTraining}. */
final class ClassifyTrainMode {
    private ClassifyTrainMode() {}

    static int run(TrainCommand c, int threads, PrintWriter err, String command) throws IOException {
        boolean quiet = c.run.quiet;
        Progress progress = new Progress(err, quiet);
        var parsed = c.spec.commandLine().getParseResult();
        ClassifyTraining.Ready ready;
        if (c.resume != null) {
            for (String o : new String[] {"--arch", "--data", "--val", "--val-split", "--batch", "--lr", "--optimizer", "--momentum",
                    "--weight-decay", "--schedule", "--warmup", "--augment", "--patience", "--time", "--val-every", "--mean", "--std",
                    "--resize", "--out", "--seed"}) {
                if (parsed.hasMatchedOption(o)) {
                    throw usage(o + " cannot change on --resume (the run continues with its checkpoint's options; only --epochs can)");
                }
            }
            ready = ClassifyTraining.resume(c.resume, c.epochs, c.maxPixels, threads, progress, Architectures.ZOO);
        } else {
            if (c.arch == null || c.data == null) throw usage("give --arch NAME and --data D (or --resume DIR)");
            String opt = c.optimizer.toLowerCase(Locale.ROOT);
            float rate = c.lr != null ? c.lr : switch (opt) {
                case "sgd" -> 0.01f;
                case "adadelta" -> 1.0f;
                default -> 0.001f;
            };
            double budget = 0;
            String schedule = c.schedule;
            if (c.time != null) {
                // the budget fits the schedule: warm-up-free cosine from --lr to 1 % of it when the time is up
                for (String o : new String[] {"--schedule", "--warmup", "--epochs"}) {
                    if (parsed.hasMatchedOption(o)) throw usage(o + " does not go with --time (the learning rate is a cosine fitted to the budget)");
                }
                budget = TrainLoop.parseTime(c.time);
                schedule = null;
            }
            TrainLoop.Options options = new TrainLoop.Options(c.batch, rate, opt, c.weightDecay, c.run.seed, c.epochs == null ? 10 : c.epochs,
                    budget, c.time != null ? 0 : c.warmup, c.valEvery, c.patience, 0f, c.momentum, schedule);
            String arch = Architectures.parse(c.arch).cliName();
            if (c.out != null && ClassifyTraining.holdsRun(c.out)) {
                throw usage(c.out + " already holds a run (continue it with --resume " + c.out + ", or choose another --out)");
            }
            ClassifyTraining.Request req = new ClassifyTraining.Request(arch, c.data, c.val, c.valSplit, c.augment, c.mean, c.std,
                    c.resize == null ? -1 : c.resize, c.maxPixels, options);
            ready = ClassifyTraining.start(req, () -> outDir(c, arch), threads, command, progress, Architectures.ZOO);
        }
        progress.perEpoch = ready.loop().perEpoch();
        return LoopRuns.run(ready.loop(), ready.task(), ready.out(), ready.describe(), err, quiet);
    }

    private static Path outDir(TrainCommand c, String arch) throws IOException {
        if (c.out != null) {
            Files.createDirectories(c.out);
            return c.out;
        }
        return RunDir.next(Path.of("runs", "classify"), c.name != null ? c.name : arch);
    }

    private static UserError usage(String message) {
        return new UserError(message + " (see 'cvkit train --help')", ExitCodes.USAGE);
    }

    /** A live bar for the epoch on a terminal; one line per epoch (or validation) otherwise. */
    static final class Progress implements TrainLoop.Listener {
        private final PrintWriter err;
        private final boolean quiet, bar;
        int perEpoch = 1;
        private long lastDraw, lastRow = System.nanoTime();

        Progress(PrintWriter err, boolean quiet) {
            this.err = err;
            this.quiet = quiet;
            this.bar = !quiet && Terminal.stderrIsTerminal();
        }

        @Override
        public void step(int iteration, int total, Map<String, Double> losses, double imagesPerSecond, double etaSeconds) {
            if (!bar) return;
            long now = System.nanoTime();
            int epoch = (iteration - 1) / perEpoch + 1, done = (iteration - 1) % perEpoch + 1;
            if (now - lastDraw < 100_000_000L && done < perEpoch) return;
            lastDraw = now;
            int width = 24, filled = width * done / perEpoch;
            long eta = Math.round(etaSeconds);
            String of = total >= Integer.MAX_VALUE / 2 ? "" : "/" + (total + perEpoch - 1) / perEpoch;
            err.printf(Locale.ROOT, "\repoch %d%s [%s%s] %d/%d loss %.4f top-1 %.2f%% %.0f img/s ETA %d:%02d   ", epoch, of,
                    "=".repeat(filled), " ".repeat(width - filled), done, perEpoch, losses.getOrDefault("loss", 0.0),
                    100 * losses.getOrDefault("top1", 0.0), imagesPerSecond, eta / 60, eta % 60);
            err.flush();
        }

        @Override
        public void row(ObjectNode row) {
            long now = System.nanoTime();
            double secs = (now - lastRow) / 1e9;
            lastRow = now;
            if (quiet) return;
            if (bar) err.print("\r\033[K");
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "epoch %s: loss %.4f top-1 %.2f%%", row.get("epoch").asText(),
                    row.get("train_loss").asDouble(), 100 * row.get("train_top1").asDouble()));
            if (row.has("val_top1")) {
                sb.append(String.format(Locale.ROOT, "  val loss %.4f top-1 %.2f%% top-5 %.2f%%", row.get("val_loss").asDouble(),
                        100 * row.get("val_top1").asDouble(), 100 * row.get("val_top5").asDouble()));
            }
            sb.append(String.format(Locale.ROOT, "  lr %.3g  %.1f s  %.0f img/s%s", row.get("lr").asDouble(), secs,
                    row.get("images_per_s").asDouble(), row.get("best").asBoolean() ? "  *best" : ""));
            err.println(sb);
            err.flush();
        }
    }
}
