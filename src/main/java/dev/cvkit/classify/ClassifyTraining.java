package dev.cvkit.classify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.ExitCodes;
import dev.cvkit.UserError;
import dev.cvkit.data.Dataset;
import dev.cvkit.data.Datasets;
import dev.cvkit.data.Subset;
import dev.cvkit.image.Augmentation;
import dev.cvkit.image.Pixels;
import dev.cvkit.image.Preprocessing;
import dev.cvkit.image.Preprocessor;
import dev.cvkit.nn.Init;
import dev.cvkit.train.RunCheckpoint;
import dev.cvkit.train.TrainLoop;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Sets up {@code cvkit train --task classify} as a {@link ClassifyTask} of the
 * {@link TrainLoop}: opens the data, holds out validation data, chooses the preprocessing,
 * builds the network, or restores all of that from a run folder's checkpoint.
 */
public final class ClassifyTraining {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Samples used to estimate mean and std when none are given. */
    static final int STAT_SAMPLES = 2000;

    /** What a new run needs besides the loop's options. */
    public record Request(String arch, Path data, Path val, double valSplit, String augment, float[] mean, float[] std, int resize,
                          long maxPixels, TrainLoop.Options options) {}

    /**
     * Where the run's data comes from: absolute paths for the checkpoint (resume works from any
     * folder), the paths as typed for the model file (which may be shared: no local paths).
     */
    public record DataInfo(String train, String val, String trainGiven, String valGiven, double valSplit, String describe) {}

    /** A run ready to go. */
    public record Ready(TrainLoop loop, ClassifyTask task, Path out, String describe) {}

    private ClassifyTraining() {}

    /** Makes the run folder; called only once the data and options have been checked. */
    @FunctionalInterface
    public interface OutDir {
        Path create() throws IOException;
    }

    public static Ready start(Request req, OutDir outDir, int threads, String command, TrainLoop.Listener listener,
                              ArchFactory factory) throws IOException {
        TrainLoop.Options opt = req.options();
        String arch = Architectures.parse(req.arch()).cliName();
        int[] input = Architectures.input(arch);
        Augmentation augment = Augmentation.parse(req.augment());
        Dataset all = Datasets.open(req.data(), "train", null, req.maxPixels());
        Dataset train = all;
        Dataset val = null;
        // --data D with D/train/ and D/val/ validates on D/val/, as --val D would
        Path valPath = req.val() != null ? req.val() : Datasets.hasSplit(req.data(), "val") ? req.data() : null;
        double valSplit = valPath != null ? 0 : req.valSplit();
        if (valSplit < 0 || valSplit >= 1) throw new UserError("--val-split must be in [0, 1)", ExitCodes.USAGE);
        if (valPath != null) {
            val = Datasets.open(valPath, valSplit(valPath), all.classes(), req.maxPixels());
        } else if (valSplit > 0) {
            Subset[] parts = Subset.split(all, valSplit, opt.seed());
            train = parts[0];
            val = parts[1];
        }
        Preprocessing prep = choosePreprocessing(all, input[0], input[1], req, threads);
        Init.seed(opt.seed());
        ClassifierModel model = new ClassifierModel(arch, all.classes(), prep,
                factory.create(arch, all.classes().size(), prep.channels(), prep.height(), prep.width()), null);
        DataInfo info = new DataInfo(abs(req.data()), valPath == null ? null : abs(valPath), req.data().toString(),
                valPath == null ? null : valPath.toString(), valSplit, describe(train, val));
        return create(model, train, val, info, augment, opt, outDir.create(), threads, command, listener);
    }

    /**
     * A run of {@code model} on data already opened: the task, and the loop that writes into
     * {@code out}. {@code val} may be null (then the run is scored on its training loss).
     */
    public static Ready create(ClassifierModel model, Dataset train, Dataset val, DataInfo info, Augmentation augment,
                               TrainLoop.Options opt, Path out, int threads, String command, TrainLoop.Listener listener) {
        ObjectNode run = JSON.createObjectNode();
        run.put("task", "classify");
        run.put("arch", model.arch());
        run.put("cvkit", dev.cvkit.Version.VERSION);
        run.put("command", command);
        run.put("data", info.train());
        run.put("data_given", info.trainGiven());
        if (info.val() != null) {
            run.put("val", info.val());
            run.put("val_given", info.valGiven());
        }
        run.put("val_split", info.valSplit());
        run.put("augment", augment.spec());
        ObjectNode modelInfo = JSON.createObjectNode();
        modelInfo.put("data", info.trainGiven());
        if (info.valGiven() != null) modelInfo.put("val", info.valGiven());
        ClassifyTask task = new ClassifyTask(model, train, val, augment, threads, Math.max(opt.batch(), 64), modelInfo);
        return new Ready(new TrainLoop(task, opt, out, run, listener), task, out, info.describe());
    }

    /** Continues the run in {@code dir}; {@code epochs} (if not null) replaces the planned epoch count. */
    public static Ready resume(Path dir, Integer epochs, long maxPixels, int threads, TrainLoop.Listener listener,
                               ArchFactory factory) throws IOException {
        RunCheckpoint ck = RunCheckpoint.read(dir, "classify");
        JsonNode run = ck.run();
        TrainLoop.Options opt = ck.options();
        if (epochs != null) {
            if (opt.budgetS() > 0) throw new UserError("--epochs cannot change a run trained with --time", ExitCodes.USAGE);
            opt = opt.withEpochs(epochs);
        }
        ClassifierModel model = ClassifierModel.fromContents(ck.file(), ck.contents(), factory, "model.");
        Path data = Path.of(run.path("data").asText());
        Path valPath = run.hasNonNull("val") ? Path.of(run.get("val").asText()) : null;
        double valSplit = run.path("val_split").asDouble();
        Dataset all = Datasets.open(data, "train", model.classes(), maxPixels);
        Dataset train = all;
        Dataset val = null;
        if (valPath != null) {
            val = Datasets.open(valPath, valSplit(valPath), model.classes(), maxPixels);
        } else if (valSplit > 0) {
            Subset[] parts = Subset.split(all, valSplit, opt.seed());
            train = parts[0];
            val = parts[1];
        }
        DataInfo info = new DataInfo(data.toString(), valPath == null ? null : valPath.toString(), run.path("data_given").asText(data.toString()),
                valPath == null ? null : run.path("val_given").asText(valPath.toString()), valSplit, describe(train, val));
        Ready ready = create(model, train, val, info, Augmentation.parse(run.path("augment").asText("none")), opt, dir, threads,
                run.path("command").asText("cvkit train"), listener);
        ready.loop().restore(ck.contents().tensors(), ck.state());
        return ready;
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

    private static String describe(Dataset train, Dataset val) {
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
        return Files.exists(dir.resolve(TrainLoop.CHECKPOINT)) || Files.exists(dir.resolve("last.safetensors"));
    }
}
