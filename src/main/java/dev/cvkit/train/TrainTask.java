package dev.cvkit.train;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.nn.Module;
import dev.cvkit.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** What {@link TrainLoop} trains: the task's data, losses, validation and model files. */
public interface TrainTask {
    /** Training samples per epoch. */
    int trainSize();

    /** Validation samples (0: none), to foresee what validations cost under a time budget. */
    int valSize();

    /**
     * The losses of one step on {@code samples} (indices into the training data), with autograd;
     * their sum is minimised. All randomness comes from {@code seed}, so a step is reproducible.
     */
    Map<String, Tensor> losses(int[] samples, long seed);

    /** Validation metrics by name (including {@link #scoreName()}), or an empty map when there is no validation data. */
    Map<String, Double> validate();

    /** The metric whose highest value is the best model, e.g. {@code val_ap}. */
    String scoreName();

    Module network();

    /** Writes a model file (weights and the config that rebuilds it; {@code training} goes into it). */
    void saveModel(Path file, ObjectNode training) throws IOException;

    /** Writes a checkpoint: weights under {@code model.}, plus the given tensors and metadata. */
    void saveCheckpoint(Path file, Map<String, Tensor> extra, Map<String, String> metadata) throws IOException;
}
