package dev.cvkit.classify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.UserError;
import dev.cvkit.data.Batch;
import dev.cvkit.data.DataLoader;
import dev.cvkit.data.Dataset;
import dev.cvkit.data.Seeds;
import dev.cvkit.image.Augmentation;
import dev.cvkit.image.Charts;
import dev.cvkit.io.AtomicFiles;
import dev.cvkit.io.SafeTensors;
import dev.cvkit.models.GoogLeNet;
import dev.cvkit.nn.Dropout;
import dev.cvkit.nn.Losses;
import dev.cvkit.optim.LrSchedule;
import dev.cvkit.optim.Optimizer;
import dev.cvkit.tensor.Tensor;
import dev.cvkit.train.MetricsLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Trains a {@link ClassifierModel} with cross-entropy, epoch by epoch, and after every epoch
 * writes into the run folder (each file atomically, the checkpoint last, so a killed run loses
 * at most the epoch in progress):
 * <ul>
 *   <li>{@code metrics.jsonl}, {@code metrics.csv}: one row per epoch;</li>
 *   <li>{@code loss.png}, {@code accuracy.png}: the curves so far;</li>
 *   <li>{@code last.safetensors}, and {@code best.safetensors} when validation top-1 improved
 *       (training loss when there is no validation data);</li>
 *   <li>{@code checkpoint.safetensors}: weights ({@code model.*}), optimizer state
 *       ({@code optim.*}) and in the metadata the epoch, best score, patience count, options,
 *       data and RNG state. All randomness is drawn from (seed, epoch, sample), so the RNG state
 *       is the seed and the next epoch.</li>
 * </ul>
 * A non-finite loss stops the run with a {@link UserError}, leaving the last good files as they
 * were.
 */
public final class ClassifierTrainer {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String CHECKPOINT = "checkpoint.safetensors";

    /** Hears about progress: after each batch and after each epoch. */
    public interface Listener {
        void batch(int epoch, int epochs, int done, int total, double loss, double top1, double imagesPerSecond);

        void epoch(ObjectNode row);
    }

    /** What was run: epochs completed, the best epoch and its score, and why it stopped. */
    public record Result(int epochsDone, int bestEpoch, double bestScore, String stopReason) {}

    /**
     * Where the run's data comes from: absolute paths for the checkpoint (resume works from any
     * folder), the paths as typed for the model file (which may be shared: no local paths).
     */
    public record DataInfo(String train, String val, String trainGiven, String valGiven, String describe) {}

    private final ClassifierModel model;
    private final Dataset train;
    private final Dataset val;
    private final Path out;
    private final int threads;
    private final String command;
    private final DataInfo dataInfo;
    private final Listener listener;
    private TrainConfig cfg;
    private final Optimizer opt;
    private final MetricsLog log;
    private int startEpoch;
    private double best = Double.NEGATIVE_INFINITY;
    private int bestEpoch;
    private int sinceBest;

    public ClassifierTrainer(ClassifierModel model, TrainConfig cfg, Dataset train, Dataset val, DataInfo dataInfo,
                             Path out, int threads, String command, Listener listener) {
        if (!train.classes().equals(model.classes()) || (val != null && !val.classes().equals(model.classes()))) {
            throw new UserError("training and validation data have different classes", 2);
        }
        this.model = model;
        this.cfg = cfg;
        this.train = train;
        this.val = val;
        this.dataInfo = dataInfo;
        this.out = out;
        this.threads = threads;
        this.command = command;
        this.listener = listener;
        this.opt = cfg.newOptimizer(model.net().parameters());
        this.log = new MetricsLog(out);
    }

    /** The first epoch (0-based) this trainer will run: 0, or where a resumed checkpoint left off. */
    public int startEpoch() { return startEpoch; }

    /**
     * Restores weights, optimizer state, epoch, best score and patience count from a checkpoint
     * written by an earlier run into the same folder.
     */
    public void restore(SafeTensors.Contents ckpt, JsonNode state) throws IOException {
        Map<String, Tensor> weights = new LinkedHashMap<>();
        Map<String, float[]> optState = new LinkedHashMap<>();
        ckpt.tensors().forEach((k, v) -> {
            if (k.startsWith("model.")) {
                weights.put(k.substring(6), v);
            } else if (k.startsWith("optim.")) {
                optState.put(k.substring(6), v.data());
            }
        });
        model.net().loadStateDict(weights);
        opt.loadState(optState);
        startEpoch = state.get("epoch").asInt();
        best = state.path("best").isNumber() ? state.get("best").asDouble() : Double.NEGATIVE_INFINITY;
        bestEpoch = state.path("best_epoch").asInt();
        sinceBest = state.path("since_best").asInt();
        log.load(startEpoch);
    }

    /** Reads a run folder's checkpoint: its tensors and its state JSON (metadata "checkpoint"). */
    public static SafeTensors.Contents readCheckpoint(Path dir) {
        Path f = dir.resolve(CHECKPOINT);
        if (!Files.isRegularFile(f)) {
            throw new UserError(dir + ": no " + CHECKPOINT + " to resume from (did the first epoch finish?)", 2);
        }
        return SafeTensors.read(f);
    }

    public static JsonNode checkpointState(Path dir, SafeTensors.Contents c) {
        try {
            return JSON.readTree(c.metadata().get("checkpoint"));
        } catch (Exception e) {
            throw new UserError(dir.resolve(CHECKPOINT) + ": not a cvkit training checkpoint", 2);
        }
    }

    public Result run() throws IOException {
        if (startEpoch >= cfg.epochs()) {
            return new Result(startEpoch, bestEpoch, best, "already trained " + startEpoch + " epochs (raise --epochs to go on)");
        }
        LrSchedule schedule = cfg.newSchedule();
        DataLoader.Config lc = new DataLoader.Config(cfg.batch(), true, false, Augmentation.parse(cfg.augment()),
                cfg.seed(), threads, Math.max(2, threads + 1));
        String stop = "finished " + cfg.epochs() + " epochs";
        int epoch = startEpoch;
        try (DataLoader loader = new DataLoader(train, model.preprocessing(), lc)) {
            for (; epoch < cfg.epochs(); epoch++) {
                float lr = schedule.lr(epoch);
                opt.setLr(lr);
                long t0 = System.nanoTime();
                double[] trainStats = trainEpoch(loader, epoch);
                double secs = (System.nanoTime() - t0) / 1e9;
                ObjectNode row = JSON.createObjectNode();
                row.put("epoch", epoch + 1);
                row.put("lr", lr);
                row.put("train_loss", trainStats[0]);
                row.put("train_top1", trainStats[1]);
                double score = -trainStats[0];
                if (val != null) {
                    ClassifierEval.Result r = ClassifierEval.run(model, val, Math.max(cfg.batch(), 64), threads, null);
                    row.put("val_loss", r.loss());
                    row.put("val_top1", r.metrics().top1());
                    row.put("val_top5", r.metrics().top5());
                    score = r.metrics().top1();
                }
                row.put("time_s", Math.round((System.nanoTime() - t0) / 1e7) / 100.0);
                row.put("images_per_s", Math.round(train.size() / secs));
                boolean improved = score > best;
                if (improved) {
                    best = score;
                    bestEpoch = epoch + 1;
                    sinceBest = 0;
                } else {
                    sinceBest++;
                }
                row.put("best", improved);
                writeEpoch(row, epoch + 1, improved);
                if (listener != null) {
                    listener.epoch(row);
                }
                if (cfg.patience() > 0 && sinceBest >= cfg.patience()) {
                    stop = "stopped early: no better " + (val != null ? "validation top-1" : "training loss") + " for "
                            + cfg.patience() + " epochs (--patience)";
                    epoch++;
                    break;
                }
            }
        }
        return new Result(epoch, bestEpoch, best, stop);
    }

    /** One pass over the training data; returns {mean loss, top-1}. */
    private double[] trainEpoch(DataLoader loader, int epoch) {
        model.net().train(true);
        int k = model.classes().size();
        double lossSum = 0;
        long correct = 0;
        int seen = 0;
        int nBatches = loader.batches();
        long t0 = System.nanoTime();
        Iterator<Batch> it = loader.epoch(epoch);
        for (int b = 0; it.hasNext(); b++) {
            Batch batch = it.next();
            int n = batch.size();
            Tensor x = Tensor.of(batch.images(), n, batch.channels(), batch.height(), batch.width());
            float[] target = new float[n];
            for (int i = 0; i < n; i++) {
                target[i] = batch.labels()[i];
            }
            opt.zeroGrad();
            // dropout masks from (seed, epoch, batch): a resumed run draws the same ones
            Dropout.reseedAll(model.net(), Seeds.mix(cfg.seed(), Seeds.DROPOUT, epoch, b));
            Tensor logits = model.net().forward(x);
            Tensor t = Tensor.of(target, n);
            Tensor loss = Losses.crossEntropy(logits, t);
            float lv = loss.item();
            if (model.net() instanceof GoogLeNet g) {
                // the auxiliary classifiers add 0.3 × their loss, as in Szegedy et al. (reported: the main loss)
                for (Tensor aux : g.auxLogits()) {
                    loss = loss.add(Losses.crossEntropy(aux, t).mul(0.3f));
                }
            }
            if (!Float.isFinite(lv)) {
                String kept = epoch == 0 ? "no epoch had finished, so nothing was written"
                        : "the files in " + out + " are those of epoch " + epoch;
                throw new UserError(String.format(java.util.Locale.ROOT,
                        "epoch %d, batch %d: the loss is %s; stopped (%s; try a lower --lr)", epoch + 1, b + 1, lv, kept), 1);
            }
            loss.backward();
            opt.step();
            float[] ld = logits.data();
            for (int i = 0; i < n; i++) {
                int bestC = 0;
                for (int c = 1; c < k; c++) {
                    if (ld[i * k + c] > ld[i * k + bestC]) {
                        bestC = c;
                    }
                }
                if (bestC == batch.labels()[i]) {
                    correct++;
                }
            }
            lossSum += (double) lv * n;
            seen += n;
            if (listener != null) {
                double secs = (System.nanoTime() - t0) / 1e9;
                listener.batch(epoch + 1, cfg.epochs(), b + 1, nBatches, lossSum / seen, (double) correct / seen, seen / Math.max(secs, 1e-9));
            }
        }
        return new double[] {lossSum / seen, (double) correct / seen};
    }

    private void writeEpoch(ObjectNode row, int epochsDone, boolean improved) throws IOException {
        log.add(row);
        plots();
        ObjectNode training = model.training();
        training.put("command", command);
        training.put("cvkit", dev.cvkit.Version.VERSION);
        training.put("epoch", epochsDone);
        training.put("epochs", cfg.epochs());
        training.put("data", dataInfo.trainGiven());
        if (dataInfo.valGiven() != null) {
            training.put("val", dataInfo.valGiven());
        }
        training.set("options", cfg.toJson());
        // scores, not timings: the same data, options and seed give the same model file bytes
        row.fields().forEachRemaining(e -> {
            if (!List.of("epoch", "best", "time_s", "images_per_s").contains(e.getKey())) {
                training.set(e.getKey(), e.getValue());
            }
        });
        model.save(out.resolve("last.safetensors"));
        if (improved) {
            model.save(out.resolve("best.safetensors"));
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        model.net().stateDict().forEach((k, v) -> tensors.put("model." + k, v));
        opt.state().forEach((k, v) -> tensors.put("optim." + k, Tensor.of(v, v.length)));
        ObjectNode state = JSON.createObjectNode();
        state.put("epoch", epochsDone);
        state.put("best", best);
        state.put("best_epoch", bestEpoch);
        state.put("since_best", sinceBest);
        state.set("options", cfg.toJson());
        state.put("data", dataInfo.train());
        state.put("data_given", dataInfo.trainGiven());
        if (dataInfo.val() != null) {
            state.put("val", dataInfo.val());
            state.put("val_given", dataInfo.valGiven());
        }
        state.put("command", command);
        ObjectNode rng = state.putObject("rng");
        rng.put("kind", "splitmix64(seed, stream, epoch, sample)");
        rng.put("seed", cfg.seed());
        rng.put("next_epoch", epochsDone);
        model.save(out.resolve(CHECKPOINT), tensors, Map.of("checkpoint", JSON.writeValueAsString(state)));
    }

    private void plots() throws IOException {
        double[] epochs = log.column("epoch");
        List<Charts.Series> loss = new java.util.ArrayList<>();
        loss.add(new Charts.Series("train", epochs, log.column("train_loss"), Charts.BLUE));
        List<Charts.Series> acc = new java.util.ArrayList<>();
        acc.add(new Charts.Series("train top-1", epochs, log.column("train_top1"), Charts.BLUE));
        if (val != null) {
            loss.add(new Charts.Series("validation", epochs, log.column("val_loss"), Charts.ORANGE));
            acc.add(new Charts.Series("validation top-1", epochs, log.column("val_top1"), Charts.ORANGE));
        }
        AtomicFiles.write(out.resolve("loss.png"), Charts.lines("loss (cross-entropy)", "epoch", loss));
        AtomicFiles.write(out.resolve("accuracy.png"), Charts.lines("accuracy", "epoch", acc));
    }

    /** True when epochs are scored on validation data (else on the training loss). */
    public boolean validates() { return val != null; }

    /** Options the run uses (after a resume, with the changed --epochs). */
    public TrainConfig config() { return cfg; }

    /** A resumed run may train for more (or fewer) epochs than first asked. */
    public void setEpochs(int epochs) {
        cfg = cfg.withEpochs(epochs);
    }
}
