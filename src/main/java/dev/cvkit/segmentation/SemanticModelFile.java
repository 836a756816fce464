package dev.cvkit.segmentation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.io.SafeTensors;
import dev.cvkit.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A semantic segmentation model file: the FCN's state dict under torchvision's names and a config
 * with {@code "task": "segment"}, {@code "architecture": "fcn"}, the {@link FcnSpec} (backbone,
 * classes, input transform), the class names and COCO category ids, and how it was trained. The
 * file alone rebuilds the segmenter.
 */
public final class SemanticModelFile {
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String TASK = "segment", ARCH = "fcn";

    private SemanticModelFile() {}

    public static ObjectNode config(FcnSpec spec, List<String> classes, List<Integer> ids, ObjectNode training) {
        ObjectNode cfg = JSON.createObjectNode();
        cfg.put("task", TASK);
        cfg.put("architecture", ARCH);
        cfg.setAll(spec.toJson());
        classes.forEach(cfg.putArray("classes")::add);
        ids.forEach(cfg.putArray("category_ids")::add);
        if (training != null) cfg.set("training", training);
        return cfg;
    }

    /** Writes weights (names prefixed by {@code prefix}), {@code extra} tensors and the config, atomically. */
    public static void save(Path file, Fcn net, ObjectNode config, String prefix, Map<String, Tensor> extra, Map<String, String> extraMeta)
            throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        net.stateDict().forEach((k, v) -> tensors.put(prefix + k, v));
        tensors.putAll(extra);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(SafeTensors.CONFIG_KEY, JSON.writeValueAsString(config));
        meta.put("format", "cvkit");
        meta.putAll(extraMeta);
        SafeTensors.write(file, tensors, meta);
    }

    /** Whether a config describes a semantic segmentation model. */
    public static boolean isSemantic(JsonNode cfg) {
        return cfg != null && TASK.equals(cfg.path("task").asText()) && ARCH.equals(cfg.path("architecture").asText());
    }

    /**
     * Builds the segmenter a config describes and loads its weights.
     *
     * @throws IllegalArgumentException naming what is wrong (config value, missing or misshapen tensor)
     */
    public static SemanticSegmenter load(JsonNode cfg, Map<String, Tensor> tensors) {
        if (!isSemantic(cfg)) throw new IllegalArgumentException("not a semantic segmentation model (task segment, architecture fcn)");
        FcnSpec spec = FcnSpec.fromJson(cfg);
        List<String> classes = new ArrayList<>();
        cfg.path("classes").forEach(c -> classes.add(c.asText()));
        List<Integer> ids = new ArrayList<>();
        for (JsonNode c : cfg.path("category_ids")) ids.add(dev.cvkit.io.ConfigValues.integer(c, "category_ids", 0, Integer.MAX_VALUE));
        if (ids.size() != classes.size()) throw new IllegalArgumentException("category_ids has " + ids.size() + " entries for " + classes.size() + " classes");
        Fcn net = spec.build();
        net.loadStateDict(tensors);
        net.eval();
        return new SemanticSegmenter(net, spec, classes, ids);
    }

    /**
     * Reads a model file: a damaged file or config is a bad data file (exit 1), a sound model of
     * another kind the wrong {@code --model} (exit 2).
     */
    public static SemanticSegmenter read(Path file) {
        SafeTensors.Contents c = SafeTensors.read(file);
        JsonNode cfg;
        try {
            cfg = c.config() == null ? null : JSON.readTree(c.config());
        } catch (IOException e) {
            cfg = null;
        }
        if (cfg == null || !cfg.isObject()) throw new dev.cvkit.UserError(file + ": bad model file: no valid cvkit config metadata", 1);
        if (!isSemantic(cfg)) {
            throw new dev.cvkit.UserError(file + ": is a '" + cfg.path("task").asText("?") + "' " + cfg.path("architecture").asText("")
                    + " model, not a semantic segmentation model (task segment, architecture fcn)", 2);
        }
        String nonFinite = SafeTensors.firstNonFinite(c.tensors());
        if (nonFinite != null) throw new dev.cvkit.UserError(file + ": bad model file: tensor " + nonFinite + " holds NaN or infinite values", 1);
        try {
            return load(cfg, c.tensors());
        } catch (IllegalArgumentException e) {
            throw new dev.cvkit.UserError(file + ": bad model file: " + e.getMessage(), 1);
        }
    }
}
