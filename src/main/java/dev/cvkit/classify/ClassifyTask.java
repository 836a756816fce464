package dev.cvkit.classify;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.data.Dataset;
import dev.cvkit.data.Seeds;
import dev.cvkit.image.Augmentation;
import dev.cvkit.image.Charts;
import dev.cvkit.image.Preprocessing;
import dev.cvkit.image.Preprocessor;
import dev.cvkit.io.AtomicFiles;
import dev.cvkit.models.GoogLeNet;
import dev.cvkit.nn.Dropout;
import dev.cvkit.nn.Losses;
import dev.cvkit.nn.Module;
import dev.cvkit.tensor.Tensor;
import dev.cvkit.train.MetricsLog;
import dev.cvkit.train.TrainTask;
import dev.cvkit.train.Workers;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Classifier training as a {@link dev.cvkit.train.TrainTask}: a step preprocesses its samples on
 * the decoding workers (each with its own seeded augmentation, so a batch is the same for any
 * thread count) and returns the cross-entropy, with the batch's top-1 as a measure; validation is
 * {@link ClassifierEval} ({@code val_loss}, {@code val_top1}, {@code val_top5}). The next step's
 * batch is prepared while this one trains. Epochs keep their last, smaller batch.
 */
public final class ClassifyTask implements TrainTask, AutoCloseable {
    /** GoogLeNet's auxiliary classifiers add this times their loss, as in Szegedy et al. */
    static final float AUX_WEIGHT = 0.3f;

    private final ClassifierModel model;
    private final Dataset train;
    private final Dataset val;
    private final Preprocessor preprocessor;
    private final int threads, evalBatch;
    private final ExecutorService workers;
    /** What the model file's {@code training} says about the data (as typed: the file may be shared). */
    private final ObjectNode modelInfo;
    /** Batches being prepared ahead, by their step's seed (at most the next two steps). */
    private final Map<Long, Pending> pending = new LinkedHashMap<>();

    private record Pending(float[] images, List<Future<?>> jobs) {}

    /**
     * @param modelInfo fields that replace the loop's in the model file's {@code training} (e.g.
     *                  the data paths as typed rather than absolute)
     */
    public ClassifyTask(ClassifierModel model, Dataset train, Dataset val, Augmentation augment, int threads, int evalBatch,
                        ObjectNode modelInfo) {
        if (!train.classes().equals(model.classes()) || (val != null && !val.classes().equals(model.classes()))) {
            throw new dev.cvkit.UserError("training and validation data have different classes", dev.cvkit.ExitCodes.USAGE);
        }
        this.model = model;
        this.train = train;
        this.val = val;
        this.preprocessor = new Preprocessor(model.preprocessing(), augment);
        this.threads = Math.max(1, threads);
        this.evalBatch = evalBatch;
        this.workers = Workers.decoders(this.threads);
        this.modelInfo = modelInfo;
    }

    public ClassifierModel model() { return model; }

    /** Whether the run is scored on validation data (else on its training loss). */
    public boolean validates() { return val != null; }

    @Override
    public int trainSize() { return train.size(); }

    @Override
    public int valSize() { return val == null ? 0 : val.size(); }

    @Override
    public boolean keepsPartialBatch() { return true; }

    @Override
    public Map<String, Tensor> losses(int[] samples, long seed) {
        return step(samples, seed).losses();
    }

    @Override
    public void prefetch(int[] samples, long seed) {
        while (pending.size() >= 2) pending.remove(pending.keySet().iterator().next()).jobs().forEach(f -> f.cancel(false));
        float[] images = new float[samples.length * model.preprocessing().sampleSize()];
        pending.put(seed, new Pending(images, submit(samples, seed, images)));
    }

    @Override
    public Step step(int[] samples, long seed) {
        int n = samples.length;
        Pending ahead = pending.remove(seed);
        if (ahead == null || ahead.images().length != n * model.preprocessing().sampleSize()) {
            float[] images = new float[n * model.preprocessing().sampleSize()];
            ahead = new Pending(images, submit(samples, seed, images));
        }
        ahead.jobs().forEach(Workers::get);
        float[] images = ahead.images();
        Preprocessing p = model.preprocessing();
        Tensor x = Tensor.of(images, n, p.channels(), p.height(), p.width());
        float[] target = new float[n];
        for (int i = 0; i < n; i++) target[i] = train.label(samples[i]);
        Dropout.reseedAll(model.net(), Seeds.mix(seed, Seeds.DROPOUT, 0, 0));
        Tensor logits = model.net().forward(x);
        Tensor t = Tensor.of(target, n);
        Map<String, Tensor> losses = new LinkedHashMap<>();
        if (model.net() instanceof GoogLeNet g && g.auxLogits().length > 0) {
            losses.put("loss_main", Losses.crossEntropy(logits, t));
            Tensor aux = null;
            for (Tensor a : g.auxLogits()) {
                Tensor l = Losses.crossEntropy(a, t).mul(AUX_WEIGHT);
                aux = aux == null ? l : aux.add(l);
            }
            losses.put("loss_aux", aux);
        } else {
            losses.put("loss", Losses.crossEntropy(logits, t));
        }
        int k = model.classes().size(), correct = 0;
        float[] ld = logits.data();
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int c = 1; c < k; c++) if (ld[i * k + c] > ld[i * k + best]) best = c;
            if (best == (int) target[i]) correct++;
        }
        return new Step(losses, Map.of("top1", (double) correct / n));
    }

    /** One job per sample, each writing its slot of {@code out}: the result does not depend on which worker ran it. */
    private List<Future<?>> submit(int[] samples, long seed, float[] out) {
        int per = model.preprocessing().sampleSize();
        List<Future<?>> jobs = new ArrayList<>(samples.length);
        for (int k = 0; k < samples.length; k++) {
            int slot = k, i = samples[k];
            jobs.add(workers.submit(() -> preprocessor.apply(train.image(i), Seeds.mix(seed, Seeds.AUGMENT, 0, i), out, slot * per)));
        }
        return jobs;
    }

    @Override
    public Map<String, Double> validate() {
        Map<String, Double> out = new LinkedHashMap<>();
        if (val == null) return out;
        ClassifierEval.Result r = ClassifierEval.run(model, val, evalBatch, threads, null);
        out.put("val_loss", r.loss());
        out.put("val_top1", r.metrics().top1());
        out.put("val_top5", r.metrics().top5());
        return out;
    }

    @Override
    public String scoreName() { return "val_top1"; }

    @Override
    public String scoreLabel() { return "validation top-1"; }

    @Override
    public Module network() { return model.net(); }

    @Override
    public void saveModel(Path file, ObjectNode training) throws IOException {
        ObjectNode t = model.training();
        t.removeAll();
        t.setAll(training);
        t.remove(List.of("data_given", "val_given"));
        t.setAll(modelInfo);
        model.save(file);
    }

    @Override
    public void saveCheckpoint(Path file, Map<String, Tensor> extra, Map<String, String> metadata) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        model.net().stateDict().forEach((k, v) -> tensors.put("model." + k, v));
        tensors.putAll(extra);
        model.save(file, tensors, metadata);
    }

    /** {@code loss.png} (cross-entropy, training and validation) and {@code accuracy.png} (top-1) by epoch. */
    @Override
    public void plots(Path out, MetricsLog log) throws IOException {
        double[] epochs = log.column("epoch");
        List<Charts.Series> loss = new ArrayList<>();
        loss.add(new Charts.Series("train", epochs, log.column("train_loss"), Charts.BLUE));
        List<Charts.Series> acc = new ArrayList<>();
        acc.add(new Charts.Series("train top-1", epochs, log.column("train_top1"), Charts.BLUE));
        if (val != null) {
            loss.add(new Charts.Series("validation", epochs, log.column("val_loss"), Charts.ORANGE));
            acc.add(new Charts.Series("validation top-1", epochs, log.column("val_top1"), Charts.ORANGE));
        }
        AtomicFiles.write(out.resolve("loss.png"), Charts.lines("loss (cross-entropy)", "epoch", loss));
        AtomicFiles.write(out.resolve("accuracy.png"), Charts.lines("accuracy", "epoch", acc));
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
