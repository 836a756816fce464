package dev.cvkit.train;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.nn.Module;
import dev.cvkit.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * What {@link TrainLoop} trains: the task's data, losses, validation and model files (detection,
 * segmentation and classification are tasks).
 */
public interface TrainTask {
    /** One step's losses (minimised: their sum) and measures (reported only, e.g. training accuracy). */
    record Step(Map<String, Tensor> losses, Map<String, Double> measures) {}

    /** Training samples per epoch. */
    int trainSize();

    /** Validation samples (0: none), to foresee what validations cost under a time budget. */
    int valSize();

    /**
     * The losses of one step on {@code samples} (indices into the training data), with autograd;
     * their sum is minimised. All randomness comes from {@code seed}, so a step is reproducible.
     */
    Map<String, Tensor> losses(int[] samples, long seed);

    /**
     * A step: its {@link #losses} and the measures that go with them, each logged as
     * {@code train_NAME}, averaged over the samples since the last validation.
     */
    default Step step(int[] samples, long seed) {
        return new Step(losses(samples, seed), Map.of());
    }

    /**
     * Where the run stands at a step: {@code iteration} (0-based) of the {@code total} planned
     * (under a {@code --time} budget the plan is revised as the run goes, and is very large
     * before the first timing), so that a task may change its sampling or augmentation late in
     * training (YOLO's closing of mosaic).
     */
    record Progress(int iteration, int total) {
        /** The share of the planned iterations done before this step, in [0, 1]. */
        public double done() { return total <= 0 ? 0 : Math.min(1.0, (double) iteration / total); }
    }

    /** {@link #step(int[], long)} told the run's progress; by default the step does not depend on it. */
    default Step step(int[] samples, long seed, Progress progress) {
        return step(samples, seed);
    }

    /**
     * The samples and seed of the next step, told before this one runs so that the task may
     * prepare them in the background; what a step computes must not depend on this call.
     */
    default void prefetch(int[] samples, long seed) {}

    /**
     * Whether an epoch ends with a smaller batch of the samples left over (as PyTorch's
     * DataLoader does by default) instead of dropping them.
     */
    default boolean keepsPartialBatch() { return false; }

    /** Validation metrics by name (including {@link #scoreName()}), or an empty map when there is no validation data. */
    Map<String, Double> validate();

    /** The metric whose highest value is the best model, e.g. {@code val_ap}. */
    String scoreName();

    /** The score as a user reads it in the run's summary, e.g. "validation top-1". */
    default String scoreLabel() { return scoreName(); }

    Module network();

    /** Writes a model file (weights and the config that rebuilds it; {@code training} goes into it). */
    void saveModel(Path file, ObjectNode training) throws IOException;

    /** Writes a checkpoint: weights under {@code model.}, plus the given tensors and metadata. */
    void saveCheckpoint(Path file, Map<String, Tensor> extra, Map<String, String> metadata) throws IOException;

    /** The run folder's plots after each validation: by default {@code losses.png} and {@code val.png} ({@link TrainLoop#plots}). */
    default void plots(Path out, MetricsLog log) throws IOException {
        TrainLoop.plots(out, log);
    }
}
