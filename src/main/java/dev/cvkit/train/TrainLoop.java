package dev.cvkit.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.ExitCodes;
import dev.cvkit.UserError;
import dev.cvkit.data.Seeds;
import dev.cvkit.image.Charts;
import dev.cvkit.io.AtomicFiles;
import dev.cvkit.optim.Adadelta;
import dev.cvkit.optim.Adam;
import dev.cvkit.optim.Optimizer;
import dev.cvkit.optim.Sgd;
import dev.cvkit.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Trains a {@link TrainTask} iteration by iteration. Batches are consecutive slices of a
 * per-epoch shuffle drawn from (seed, epoch), and each step's own randomness from (seed,
 * iteration), so a run resumed from its checkpoint continues exactly as if never stopped. At
 * every validation (each epoch, or every {@code valEvery} iterations, and at the end) the run
 * folder gets, each file atomically and the checkpoint last: a row in {@code metrics.jsonl} and
 * {@code metrics.csv}, {@code losses.png} and {@code val.png}, {@code last.safetensors},
 * {@code best.safetensors} when the score improved, and {@code checkpoint.safetensors}. A kill
 * loses at most the iterations since the last validation.
 */
public final class TrainLoop {
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String CHECKPOINT = "checkpoint.safetensors";
    private static final long STEP_STREAM = 0x5354_4550L;
    /** Iterations timed to fit the plan to a budget (after the first, which warms the JIT up). */
    private static final int CALIBRATION = 5;
    private static final List<String> OPTIMIZERS = List.of("adamw", "sgd", "adam", "adadelta");

    /**
     * @param epochs      epochs to train when there is no budget
     * @param budgetS     wall-clock budget in seconds (0: train for {@code epochs})
     * @param warmup      iterations of linear warm-up
     * @param valEvery    iterations between validations (0: once per epoch)
     * @param patience    validations without a better score before stopping (0: never stop early)
     * @param clip        gradient-norm clip (0: off)
     * @param optimizer   sgd (with {@code momentum}), adam (L2 decay), adamw (decoupled decay, not on biases and
     *                    norm parameters) or adadelta
     * @param schedule    null: warm-up over {@code warmup} iterations from lr/1000, then a cosine to 1 % of lr at
     *                    the end of the epochs or of the budget ({@link LrPlan}); else a per-epoch
     *                    {@link EpochSchedule} after {@code warmup} epochs of warm-up from lr/10
     */
    public record Options(int batch, float lr, String optimizer, float weightDecay, long seed, int epochs, double budgetS,
                          int warmup, int valEvery, int patience, float clip, float momentum, String schedule) {
        public Options {
            if (batch < 1 || batch > 4096) throw new UserError("--batch must be in 1..4096", ExitCodes.USAGE);
            if (!(lr > 0 && Float.isFinite(lr))) throw new UserError("--lr must be positive", ExitCodes.USAGE);
            optimizer = optimizer == null ? "" : optimizer.toLowerCase(Locale.ROOT);
            if (!OPTIMIZERS.contains(optimizer)) {
                throw new UserError("--optimizer must be sgd, adam, adamw or adadelta, not '" + optimizer + "'", ExitCodes.USAGE);
            }
            if (!(weightDecay >= 0 && weightDecay < 1)) throw new UserError("--weight-decay must be in [0, 1)", ExitCodes.USAGE);
            if (!(momentum >= 0 && momentum < 1)) throw new UserError("--momentum must be in [0, 1)", ExitCodes.USAGE);
            if (epochs < 1 || epochs > 100_000) throw new UserError("--epochs must be in 1..100000", ExitCodes.USAGE);
            if (!(budgetS >= 0) || budgetS > 366 * 86400.0) throw new UserError("--time must be positive and under a year", ExitCodes.USAGE);
            if (warmup < 0 || valEvery < 0 || patience < 0 || !(clip >= 0)) {
                throw new UserError("--warmup, --val-every, --patience and --clip must not be negative", ExitCodes.USAGE);
            }
            if (schedule != null) {
                if (budgetS > 0) {
                    throw new UserError("--schedule and --time do not go together: under a budget the learning rate is a cosine fitted to it",
                            ExitCodes.USAGE);
                }
                EpochSchedule.parse(schedule, lr, epochs, warmup); // its syntax is checked now, not after an epoch
            }
        }

        /** The detection and segmentation tasks' options: SGD momentum 0.9, the {@link LrPlan} schedule. */
        public Options(int batch, float lr, String optimizer, float weightDecay, long seed, int epochs, double budgetS,
                       int warmup, int valEvery, int patience, float clip) {
            this(batch, lr, optimizer, weightDecay, seed, epochs, budgetS, warmup, valEvery, patience, clip, 0.9f, null);
        }

        public ObjectNode toJson() { return JSON.valueToTree(this); }

        /** The same options training for {@code n} epochs (a resumed run may go on longer or stop sooner). */
        public Options withEpochs(int n) {
            return new Options(batch, lr, optimizer, weightDecay, seed, n, budgetS, warmup, valEvery, patience, clip, momentum, schedule);
        }

        /** The optimizer these options name, over {@code params}. */
        Optimizer newOptimizer(List<Tensor> params) {
            return switch (optimizer) {
                case "sgd" -> new Sgd(params, lr, momentum, weightDecay, false);
                case "adam" -> Adam.adam(params, lr, weightDecay);
                case "adadelta" -> new Adadelta(params, lr, 0.9f, 1e-6f, weightDecay);
                default -> Adam.adamWMatricesOnly(params, lr, weightDecay);
            };
        }

        public static Options fromJson(JsonNode n) {
            try {
                ObjectNode o = n.deepCopy();
                if (!o.has("momentum")) o.put("momentum", 0.9f); // a checkpoint written before the option existed
                return JSON.treeToValue(o, Options.class);
            } catch (UserError e) {
                throw e;
            } catch (Exception e) {
                throw new UserError("checkpoint: bad training options (" + e.getMessage().lines().findFirst().orElse("") + ")", 1);
            }
        }
    }

    /** Hears about progress. */
    public interface Listener {
        void step(int iteration, int total, Map<String, Double> losses, double imagesPerSecond, double etaSeconds);

        void row(ObjectNode row);
    }

    /**
     * What was run.
     *
     * @param perEpoch  iterations per epoch when the run validated once per epoch, else 0
     * @param validated whether the score is the task's validation score (else: minus the training loss)
     */
    public record Result(int iterations, int bestIteration, double bestScore, String stopReason, int perEpoch, boolean validated) {
        /** Whole epochs done. */
        public int epochsDone() { return perEpoch > 0 ? iterations / perEpoch : 0; }

        /** The epoch of the best model (when the run validated once per epoch). */
        public int bestEpoch() { return perEpoch > 0 ? bestIteration / perEpoch : 0; }
    }

    private final TrainTask task;
    private final Options opt;
    private final Path out;
    private final Listener listener;
    private final ObjectNode runInfo;
    private final Optimizer optimizer;
    private final MetricsLog log;
    private final int perEpoch, valEvery;
    private final dev.cvkit.optim.LrSchedule perEpochLr;
    private LrPlan plan;
    private boolean validated;
    private int iteration;
    private double best = Double.NEGATIVE_INFINITY, elapsedBefore;
    private int bestIteration, sinceBest;

    /**
     * @param runInfo what a resume needs besides the options (data paths, model spec, command),
     *                stored in the checkpoint
     */
    public TrainLoop(TrainTask task, Options opt, Path out, ObjectNode runInfo, Listener listener) {
        this.task = task;
        this.opt = opt;
        this.out = out;
        this.runInfo = runInfo;
        this.listener = listener;
        List<Tensor> params = new ArrayList<>();
        for (Tensor p : task.network().parameters()) if (p.requiresGrad()) params.add(p);
        this.optimizer = opt.newOptimizer(params);
        this.log = new MetricsLog(out, "iteration");
        int n = task.trainSize(), b = Math.max(1, Math.min(opt.batch(), n));
        this.perEpoch = task.keepsPartialBatch() ? Math.max(1, (n + b - 1) / b) : Math.max(1, n / opt.batch());
        this.valEvery = opt.valEvery() > 0 ? opt.valEvery() : perEpoch;
        int total = opt.budgetS() > 0 ? Integer.MAX_VALUE / 2 : opt.epochs() * perEpoch;
        this.plan = new LrPlan(opt.lr(), opt.schedule() == null ? opt.warmup() : 0, total);
        this.perEpochLr = opt.schedule() == null ? null : EpochSchedule.parse(opt.schedule(), opt.lr(), opt.epochs(), opt.warmup());
    }

    /** Iterations per epoch. */
    public int perEpoch() { return perEpoch; }

    /** Whether the run validates once per epoch (and so counts in epochs). */
    public boolean byEpoch() { return valEvery == perEpoch; }

    /** Where the run stands: "epoch N" at the end of an epoch of a run that validates per epoch, else "iteration N". */
    public String position() {
        return byEpoch() && iteration % perEpoch == 0 ? "epoch " + iteration / perEpoch : "iteration " + iteration;
    }

    /** The learning rate of an iteration. */
    private float lr(int it) {
        return perEpochLr != null ? perEpochLr.lr(it / perEpoch) : plan.lr(it);
    }

    /** Restores optimizer state, position, plan, best score and the metrics rows from a checkpoint. */
    public void restore(Map<String, Tensor> tensors, JsonNode state) throws IOException {
        Map<String, float[]> optState = new LinkedHashMap<>();
        tensors.forEach((k, v) -> {
            if (k.startsWith("optim.")) optState.put(k.substring(6), v.data());
        });
        optimizer.loadState(optState);
        iteration = state.path("iteration").asInt();
        plan = opt.budgetS() > 0 || opt.epochs() * perEpoch == state.path("options").path("epochs").asInt() * perEpoch
                ? plan.withTotal(state.path("total").asInt(plan.total())) : plan;
        best = state.path("best").isNumber() ? state.get("best").asDouble() : Double.NEGATIVE_INFINITY;
        bestIteration = state.path("best_iteration").asInt();
        sinceBest = state.path("since_best").asInt();
        log.load(iteration);
        // only a budget's checkpoint keeps the time (it steers the plan); otherwise the metrics' last row tells it
        elapsedBefore = state.has("elapsed_s") ? state.path("elapsed_s").asDouble()
                : log.rows().isEmpty() ? 0 : log.rows().get(log.rows().size() - 1).path("elapsed_s").asDouble();
    }

    public int iteration() { return iteration; }

    public Result run() throws IOException {
        long t0 = System.nanoTime();
        double budget = opt.budgetS();
        String stop = null;
        if (iteration >= plan.total()) {
            validated = task.valSize() > 0;
            String done = byEpoch() ? iteration / perEpoch + " epochs" : iteration + " iterations";
            return result(budget > 0 ? "time budget used (" + formatTime(budget) + ")" : "already trained " + done + " (raise --epochs to go on)");
        }
        Map<String, Double> sums = new LinkedHashMap<>();
        int steps = 0, images = 0;
        long since = System.nanoTime(), calStart = 0;
        double valSeconds = -1;
        boolean validatedLast = false;
        while (iteration < plan.total()) {
            double elapsed = elapsedBefore + (System.nanoTime() - t0) / 1e9;
            if (budget > 0 && elapsed >= budget) {
                stop = "time budget used (" + formatTime(budget) + ")";
                break;
            }
            int[] samples = samples(iteration);
            Map<String, Double> losses = step(samples);
            validatedLast = false;
            losses.forEach((k, v) -> sums.merge(k, v * samples.length, Double::sum));
            steps++;
            images += samples.length;
            iteration++;
            double secs = (System.nanoTime() - since) / 1e9;
            if (steps == 1) calStart = System.nanoTime();
            if (budget > 0 && steps == 1 + CALIBRATION && plan.total() >= Integer.MAX_VALUE / 2) {
                double perIt = (System.nanoTime() - calStart) / 1e9 / CALIBRATION;
                replan(perIt, 0.4 * perIt / opt.batch() * task.valSize(), budget - (elapsedBefore + (System.nanoTime() - t0) / 1e9));
            }
            if (listener != null) {
                double perIt = secs / steps;
                listener.step(iteration, plan.total(), means(sums, images), images / Math.max(secs, 1e-9),
                        budget > 0 ? Math.max(0, budget - elapsedBefore - (System.nanoTime() - t0) / 1e9) : perIt * (plan.total() - iteration));
            }
            if (iteration % valEvery == 0 || iteration == plan.total()) {
                long v0 = System.nanoTime();
                boolean stopEarly = validateAndWrite(means(sums, images), images / Math.max(secs, 1e-9),
                        elapsedBefore + (System.nanoTime() - t0) / 1e9);
                valSeconds = (System.nanoTime() - v0) / 1e9;
                validatedLast = true;
                if (budget > 0) {
                    double perIt = secs / steps;
                    replan(perIt, valSeconds, budget - (elapsedBefore + (System.nanoTime() - t0) / 1e9));
                }
                sums.clear();
                steps = 0;
                images = 0;
                since = System.nanoTime();
                if (stopEarly) {
                    stop = "stopped early: no better " + (validated ? task.scoreLabel() : "training loss") + " for " + opt.patience()
                            + (byEpoch() ? " epochs" : " validations") + " (--patience)";
                    break;
                }
            }
        }
        if (!validatedLast && steps > 0) {
            double secs = (System.nanoTime() - since) / 1e9;
            validateAndWrite(means(sums, images), images / Math.max(secs, 1e-9), elapsedBefore + (System.nanoTime() - t0) / 1e9);
        }
        if (stop == null) stop = "finished " + (byEpoch() && iteration % perEpoch == 0 ? iteration / perEpoch + " epochs" : iteration + " iterations");
        return result(stop);
    }

    private Result result(String stop) {
        return new Result(iteration, bestIteration, best, stop, byEpoch() ? perEpoch : 0, validated);
    }

    /** Fits the remaining iterations to the remaining time, counting the validations they bring. */
    private void replan(double perIt, double valSeconds, double remaining) {
        double perItAll = perIt + Math.max(0, valSeconds) / valEvery;
        int more = (int) Math.max(0, Math.floor((remaining - Math.max(0, valSeconds)) / perItAll));
        plan = plan.withTotal(Math.max(1, iteration + more)); // no time left: the loop ends here
    }

    /** One optimisation step; returns the losses' and measures' values. */
    private Map<String, Double> step(int[] samples) {
        optimizer.setLr(lr(iteration));
        optimizer.zeroGrad();
        task.network().train(true);
        if (iteration + 1 < plan.total()) task.prefetch(samples(iteration + 1), stepSeed(iteration + 1));
        TrainTask.Step step = task.step(samples, stepSeed(iteration), new TrainTask.Progress(iteration, plan.total()));
        Map<String, Tensor> losses = step.losses();
        Tensor total = null;
        Map<String, Double> values = new LinkedHashMap<>();
        double sum = 0;
        for (Map.Entry<String, Tensor> e : losses.entrySet()) {
            total = total == null ? e.getValue() : total.add(e.getValue());
            double v = e.getValue().item();
            values.put(e.getKey(), v);
            sum += v;
        }
        if (!Double.isFinite(sum)) {
            String kept = bestIteration == 0 && log.rows().isEmpty() ? "nothing was written yet"
                    : "the files in " + out + " are those of iteration " + lastRowIteration();
            throw new UserError(String.format(Locale.ROOT, "iteration %d: the loss is %s (%s); stopped (%s; try a lower --lr)",
                    iteration + 1, sum, values, kept), ExitCodes.INPUT_FAILED);
        }
        values.put("loss", sum);
        step.measures().forEach(values::put);
        total.backward();
        if (opt.clip() > 0) Optimizer.clipGradNorm(task.network().parameters(), opt.clip());
        optimizer.step();
        return values;
    }

    private long lastRowIteration() {
        return log.rows().isEmpty() ? 0 : log.rows().get(log.rows().size() - 1).path("iteration").asLong();
    }

    private long stepSeed(int it) {
        return Seeds.mix(opt.seed(), STEP_STREAM, 0, it);
    }

    /**
     * The training samples of an iteration: a slice of its epoch's shuffle (the last partial batch
     * is dropped unless the task keeps it).
     */
    int[] samples(int it) {
        int epoch = it / perEpoch, pos = it % perEpoch;
        int n = task.trainSize();
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) perm[i] = i;
        java.util.SplittableRandom r = new java.util.SplittableRandom(Seeds.mix(opt.seed(), Seeds.SHUFFLE, epoch, 0));
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1), t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        int b = Math.min(opt.batch(), n);
        if (task.keepsPartialBatch()) return java.util.Arrays.copyOfRange(perm, pos * b, Math.min(n, pos * b + b));
        int[] s = new int[b];
        System.arraycopy(perm, Math.min(pos * b, n - b), s, 0, b);
        return s;
    }

    /** Validation, the metrics row, plots, model files and the checkpoint; true when patience ran out. */
    private boolean validateAndWrite(Map<String, Double> trainLosses, double imagesPerSecond, double elapsed) throws IOException {
        task.network().train(false);
        Map<String, Double> val = task.validate();
        ObjectNode row = JSON.createObjectNode();
        row.put("iteration", iteration);
        putEpoch(row);
        row.put("lr", lr(Math.max(0, iteration - 1)));
        trainLosses.forEach((k, v) -> row.put("train_" + k, v));
        val.forEach(row::put);
        validated = val.containsKey(task.scoreName());
        double score = validated ? val.get(task.scoreName()) : -trainLosses.getOrDefault("loss", 0.0);
        boolean improved = score > best;
        if (improved) {
            best = score;
            bestIteration = iteration;
            sinceBest = 0;
        } else {
            sinceBest++;
        }
        row.put("best", improved);
        row.put("elapsed_s", Math.round(elapsed * 10) / 10.0);
        row.put("images_per_s", Math.round(imagesPerSecond * 100) / 100.0);
        log.add(row);
        task.plots(out, log);
        ObjectNode training = JSON.createObjectNode();
        training.setAll(runInfo);
        training.set("options", opt.toJson());
        training.put("iteration", iteration);
        putEpoch(training);
        // scores, not timings: the same data, options and seed give the same model file bytes
        training.put("lr", row.get("lr").floatValue());
        trainLosses.forEach((k, v) -> training.put("train_" + k, v));
        val.forEach(training::put);
        task.saveModel(out.resolve("last.safetensors"), training);
        if (improved) task.saveModel(out.resolve("best.safetensors"), training);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        optimizer.state().forEach((k, v) -> tensors.put("optim." + k, Tensor.of(v, v.length)));
        ObjectNode state = JSON.createObjectNode();
        state.put("iteration", iteration);
        putEpoch(state);
        state.put("total", plan.total());
        state.put("best", best);
        state.put("best_iteration", bestIteration);
        state.put("since_best", sinceBest);
        if (opt.budgetS() > 0) state.put("elapsed_s", elapsed); // else no timing: a checkpoint's bytes do not depend on the machine
        state.set("options", opt.toJson());
        state.set("run", runInfo);
        ObjectNode rng = state.putObject("rng");
        rng.put("kind", "splitmix64(seed, stream, epoch or iteration, sample)");
        rng.put("seed", opt.seed());
        task.saveCheckpoint(out.resolve(CHECKPOINT), tensors, Map.of("checkpoint", JSON.writeValueAsString(state)));
        if (listener != null) listener.row(row);
        return opt.patience() > 0 && sinceBest >= opt.patience();
    }

    /** {@code losses.png} and {@code val.png} of a run folder: one curve per loss, and one per validation metric. */
    public static void plots(Path out, MetricsLog log) throws IOException {
        double[] x = log.column("iteration");
        List<Charts.Series> losses = new ArrayList<>(), val = new ArrayList<>();
        int[][] colours = {Charts.BLUE, Charts.ORANGE, Charts.GREEN, {40, 40, 200}, {150, 60, 150}, {90, 90, 90}};
        List<String> lossNames = new ArrayList<>(), valNames = new ArrayList<>();
        for (ObjectNode r : log.rows()) {
            r.fieldNames().forEachRemaining(k -> {
                if (k.startsWith("train_") && !lossNames.contains(k)) lossNames.add(k);
                if (k.startsWith("val_") && !valNames.contains(k)) valNames.add(k);
            });
        }
        // A task with a single loss term logs it twice (the term and the total): one curve would
        // hide the other exactly, so only the total is drawn.
        boolean single = lossNames.size() == 2 && lossNames.contains("train_loss")
                && java.util.Arrays.equals(log.column(lossNames.get(0)), log.column(lossNames.get(1)));
        for (int i = 0; i < lossNames.size(); i++) {
            String name = lossNames.get(i).substring(6).replaceFirst("^loss_", "");
            if (single && !name.equals("loss")) continue;
            losses.add(new Charts.Series(name.equals("loss") ? "total" : name, x, log.column(lossNames.get(i)), colours[losses.size() % colours.length]));
        }
        for (int i = 0; i < valNames.size(); i++) {
            val.add(new Charts.Series(valNames.get(i).substring(4), x, log.column(valNames.get(i)), colours[i % colours.length]));
        }
        AtomicFiles.write(out.resolve("losses.png"), Charts.lines("training losses", "iteration", losses));
        if (!val.isEmpty()) AtomicFiles.write(out.resolve("val.png"), Charts.lines("validation", "iteration", val));
    }

    /** The epochs done, a whole number at the end of an epoch, else to three decimals. */
    private void putEpoch(ObjectNode node) {
        if (iteration % perEpoch == 0) {
            node.put("epoch", iteration / perEpoch);
        } else {
            node.put("epoch", Math.round(1000.0 * iteration / perEpoch) / 1000.0);
        }
    }

    private static Map<String, Double> means(Map<String, Double> sums, int n) {
        Map<String, Double> m = new LinkedHashMap<>();
        sums.forEach((k, v) -> m.put(k, v / Math.max(1, n)));
        return m;
    }

    /**
     * The task a run folder's checkpoint was written by ({@code classify}, {@code detect},
     * {@code segment}); {@code classify} when there is none or it does not say.
     */
    public static String checkpointTask(Path dir) {
        Path f = dir.resolve(CHECKPOINT);
        if (!java.nio.file.Files.isRegularFile(f)) return "classify";
        try {
            String meta = dev.cvkit.io.SafeTensors.readMetadata(f).get("checkpoint");
            String task = meta == null ? "" : JSON.readTree(meta).path("run").path("task").asText("");
            return task.isEmpty() ? "classify" : task;
        } catch (IOException | UserError e) {
            return "classify"; // the classify path reports what is wrong with the file
        }
    }

    /** "20m", "1h30m", "90s". */
    public static String formatTime(double s) {
        long t = Math.round(s);
        if (t % 3600 == 0) return t / 3600 + "h";
        if (t >= 3600) return t / 3600 + "h" + (t % 3600) / 60 + "m";
        return t % 60 == 0 ? t / 60 + "m" : t + "s";
    }

    /**
     * Parses a budget: a number with unit s, m or h, or several ({@code 1h30m}); a bare number is
     * minutes.
     */
    public static double parseTime(String s) {
        String t = s.strip().toLowerCase(Locale.ROOT);
        if (t.matches("\\d+(\\.\\d+)?")) return Double.parseDouble(t) * 60;
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+(?:\\.\\d+)?)([hms])").matcher(t);
        double total = 0;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) break;
            double v = Double.parseDouble(m.group(1));
            total += v * switch (m.group(2)) {
                case "h" -> 3600;
                case "m" -> 60;
                default -> 1;
            };
            end = m.end();
        }
        if (end != t.length() || t.isEmpty() || !(total > 0)) {
            throw new UserError("--time '" + s + "': use a duration such as 90s, 20m, 1h or 1h30m", ExitCodes.USAGE);
        }
        return total;
    }
}
