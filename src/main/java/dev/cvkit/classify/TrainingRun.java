package dev.cvkit.classify;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cvkit.UserError;
import dev.cvkit.data.Dataset;
import dev.cvkit.data.Datasets;
import dev.cvkit.data.Subset;
import dev.cvkit.image.Augmentation;
import dev.cvkit.image.Pixels;
import dev.cvkit.image.Preprocessing;
import dev.cvkit.image.Preprocessor;
import dev.cvkit.io.SafeTensors;
import dev.cvkit.nn.Init;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Sets up a training run from options: opens the data, holds out validation data, chooses the
 * preprocessing, builds the network, or restores all of that from a run folder's checkpoint.
 */
public final class TrainingRun {
    /** Samples used to estimate mean and std when none are given. */
    static final int STAT_SAMPLES = 2000;

    /** What a new run needs beyond {@link TrainConfig}. */
    public record Request(TrainConfig config, Path data, Path val, float[] mean, float[] std, int resize, long maxPixels) {}

    /** A run ready to go, and a one-line description of its data. */
    public record Ready(ClassifierTrainer trainer, Path out, String describe) {}

    private TrainingRun() {}

    /** Makes the run folder; called only once the data and options have been checked. */
    @FunctionalInterface
    public interface OutDir {
        Path create() throws IOException;
    }

    public static Ready start(Request req, OutDir outDir, int threads, String command, ClassifierTrainer.Listener listener,
                              ArchFactory factory) throws IOException {
        TrainConfig cfg = req.config();
        int[] input = Architectures.input(cfg.arch());
        Dataset all = Datasets.open(req.data(), "train", null, req.maxPixels());
        Dataset train = all;
        Dataset val = null;
        // --data D with D/train/ and D/val/ validates on D/val/, as --val D would
        Path valPath = req.val() != null ? req.val() : Datasets.hasSplit(req.data(), "val") ? req.data() : null;
        if (valPath != null) {
            val = Datasets.open(valPath, valSplit(valPath), all.classes(), req.maxPixels());
        } else if (cfg.valSplit() > 0) {
            Subset[] parts = Subset.split(all, cfg.valSplit(), cfg.seed());
            train = parts[0];
            val = parts[1];
        }
        Preprocessing prep = choosePreprocessing(all, input[0], input[1], req, threads);
        Init.seed(cfg.seed());
        ClassifierModel model = new ClassifierModel(Architectures.parse(cfg.arch()).cliName(), all.classes(), prep,
                factory.create(cfg.arch(), all.classes().size(), prep.channels(), prep.height(), prep.width()), null);
        ClassifierTrainer.DataInfo info = new ClassifierTrainer.DataInfo(abs(req.data()),
                valPath == null ? null : abs(valPath), req.data().toString(),
                valPath == null ? null : valPath.toString(), describe(train, val, req));
        Path out = outDir.create();
        ClassifierTrainer t = new ClassifierTrainer(model, cfg, train, val, info, out, threads, command, listener);
        return new Ready(t, out, info.describe());
    }

    /** Continues the run in {@code dir}; {@code epochs} (if not null) replaces the planned epoch count. */
    public static Ready resume(Path dir, Integer epochs, long maxPixels, int threads, ClassifierTrainer.Listener listener,
                               ArchFactory factory) throws IOException {
        SafeTensors.Contents ckpt = ClassifierTrainer.readCheckpoint(dir);
        dev.cvkit.train.RunCheckpoint.removeTemporaries(dir);
        JsonNode state = ClassifierTrainer.checkpointState(dir, ckpt);
        TrainConfig cfg = TrainConfig.fromJson(state.get("options"));
        if (epochs != null) {
            cfg = cfg.withEpochs(epochs);
        }
        ClassifierModel model = ClassifierModel.fromContents(dir.resolve(ClassifierTrainer.CHECKPOINT), ckpt, factory, "model.");
        Path data = Path.of(state.get("data").asText());
        Path valPath = state.hasNonNull("val") ? Path.of(state.get("val").asText()) : null;
        Dataset all = Datasets.open(data, "train", model.classes(), maxPixels);
        Dataset train = all;
        Dataset val = null;
        if (valPath != null) {
            val = Datasets.open(valPath, valSplit(valPath), model.classes(), maxPixels);
        } else if (cfg.valSplit() > 0) {
            Subset[] parts = Subset.split(all, cfg.valSplit(), cfg.seed());
            train = parts[0];
            val = parts[1];
        }
        String command = state.path("command").asText("cvkit train");
        ClassifierTrainer.DataInfo info = new ClassifierTrainer.DataInfo(data.toString(),
                valPath == null ? null : valPath.toString(), state.path("data_given").asText(data.toString()),
                valPath == null ? null : state.path("val_given").asText(valPath.toString()), describe(train, val, null));
        ClassifierTrainer t = new ClassifierTrainer(model, cfg, train, val, info, dir, threads, command, listener);
        t.restore(ckpt, state);
        return new Ready(t, dir, info.describe());
    }

    /** --val D2: its "val" part, else its "test" part, else all of it. */
    static String valSplit(Path p) {
        if (Datasets.hasSplit(p, "val")) {
            return "val";
        }
        return Datasets.hasSplit(p, "test") ? "test" : "train";
    }

    /**
     * Channels and size are the architecture's. When the first training image is no larger than
     * the input (MNIST's 28×28 for LeNet-5's 32×32), images keep their scale and are zero-padded
     * around the centre, as LeCun et al. did, rather than stretched; otherwise they are scaled to
     * the input size. --resize overrides both. Mean and
     * std default to those of (up to 2000 of) the training images after that.
     */
    static Preprocessing choosePreprocessing(Dataset data, int channels, int size, Request req, int threads) {
        int resize = req.resize();
        if (resize < 0) {
            resize = 0;
            Pixels first = data.image(0); // datasets of small images are usually all one size (MNIST, CIFAR)
            if (first.height() <= size && first.width() <= size) {
                resize = Math.min(first.height(), first.width());
            }
        }
        float[] mean = req.mean();
        float[] std = req.std();
        if ((mean == null) != (std == null)) {
            throw new UserError("give both --mean and --std, or neither (then both are measured on the training data)", 2);
        }
        if (mean != null && (mean.length != channels || std.length != channels)) {
            throw new UserError("--mean and --std need " + channels + " value(s) for this architecture", 2);
        }
        if (mean == null) {
            float[] zero = new float[channels];
            float[] one = new float[channels];
            java.util.Arrays.fill(one, 1f);
            Preprocessing raw = new Preprocessing(channels, resize, size, size, zero, one);
            double[][] stats = channelStats(data, raw);
            mean = new float[channels];
            std = new float[channels];
            for (int c = 0; c < channels; c++) {
                mean[c] = (float) stats[0][c];
                std[c] = (float) Math.max(stats[1][c], 1e-3);
            }
        }
        return new Preprocessing(channels, resize, size, size, mean, std);
    }

    /** Per-channel mean and std of preprocessed values over an evenly spaced sample of images. */
    static double[][] channelStats(Dataset data, Preprocessing raw) {
        int n = Math.min(STAT_SAMPLES, data.size());
        Preprocessor pre = new Preprocessor(raw, Augmentation.NONE);
        int c = raw.channels();
        int plane = raw.height() * raw.width();
        double[] sum = new double[c];
        double[] sq = new double[c];
        float[] buf = new float[raw.sampleSize()];
        for (int k = 0; k < n; k++) {
            int i = (int) ((long) k * data.size() / n);
            pre.apply(data.image(i), 0, buf, 0);
            for (int ch = 0; ch < c; ch++) {
                for (int p = 0; p < plane; p++) {
                    double v = buf[ch * plane + p];
                    sum[ch] += v;
                    sq[ch] += v * v;
                }
            }
        }
        double[][] out = new double[2][c];
        double count = (double) n * plane;
        for (int ch = 0; ch < c; ch++) {
            out[0][ch] = sum[ch] / count;
            out[1][ch] = Math.sqrt(Math.max(0, sq[ch] / count - out[0][ch] * out[0][ch]));
        }
        return out;
    }

    private static String describe(Dataset train, Dataset val, Request req) {
        if (train instanceof Subset t && val instanceof Subset v) {
            return t.size() + " training and " + v.size() + " validation images (held out by --seed) from " + t.baseDescribe();
        }
        return train.describe() + (val == null ? "; no validation data" : "; validation: " + val.describe());
    }

    private static String abs(Path p) {
        return p.toAbsolutePath().normalize().toString();
    }

    /** True when DIR already holds a run (a checkpoint or a model). */
    public static boolean holdsRun(Path dir) {
        return Files.exists(dir.resolve(ClassifierTrainer.CHECKPOINT)) || Files.exists(dir.resolve("last.safetensors"));
    }

    static List<String> classesOf(Dataset d) { return d.classes(); }
}
