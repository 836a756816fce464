package dev.cvkit.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cvkit.ExitCodes;
import dev.cvkit.UserError;
import dev.cvkit.io.SafeTensors;
import dev.cvkit.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A run folder's {@link TrainLoop#CHECKPOINT} as a task reads it to resume: the tensors, the
 * loop's state, the model config, the run's record and options. Checked to be a checkpoint of
 * {@code task}; a killed run's temporary files (".NAME.*.tmp", never read) are removed.
 */
public record RunCheckpoint(Path file, SafeTensors.Contents contents, JsonNode state, JsonNode config, JsonNode run,
                            TrainLoop.Options options) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static RunCheckpoint read(Path dir, String task) throws IOException {
        Path f = dir.resolve(TrainLoop.CHECKPOINT);
        if (!Files.isRegularFile(f)) {
            throw new UserError(dir + ": no " + TrainLoop.CHECKPOINT + " to resume from (did the first validation finish?)", ExitCodes.USAGE);
        }
        SafeTensors.Contents c = SafeTensors.read(f);
        JsonNode state, cfg;
        try {
            state = JSON.readTree(c.metadata().getOrDefault("checkpoint", ""));
            cfg = JSON.readTree(c.config() == null ? "" : c.config());
        } catch (IOException e) {
            throw new UserError(f + ": not a cvkit training checkpoint", ExitCodes.USAGE);
        }
        if (state != null && !state.has("run") && state.has("epoch") && "classify".equals(task)) {
            throw new UserError(f + ": written by the classifier trainer of an earlier cvkit, which this version cannot resume"
                    + " (its best.safetensors and last.safetensors still load; start a new run)", ExitCodes.USAGE);
        }
        if (state == null || cfg == null || !task.equals(state.path("run").path("task").asText())) {
            throw new UserError(f + ": not a " + task + " training checkpoint", ExitCodes.USAGE);
        }
        removeTemporaries(dir);
        return new RunCheckpoint(f, c, state, cfg, state.get("run"), TrainLoop.Options.fromJson(state.get("options")));
    }

    /** The network's weights (stored under {@code model.}). */
    public Map<String, Tensor> weights() {
        Map<String, Tensor> w = new HashMap<>();
        contents.tensors().forEach((k, v) -> {
            if (k.startsWith("model.")) w.put(k.substring(6), v);
        });
        return w;
    }

    /** A killed run may leave AtomicFiles' temporary files (".NAME.*.tmp"); they are never read. */
    public static void removeTemporaries(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                if (n.startsWith(".") && n.endsWith(".tmp") && Files.isRegularFile(p)) Files.deleteIfExists(p);
            }
        }
    }
}
