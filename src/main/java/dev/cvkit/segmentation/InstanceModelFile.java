package dev.cvkit.segmentation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.UserError;
import dev.cvkit.detection.DetectParams;
import dev.cvkit.detection.rcnn.FasterRcnn;
import dev.cvkit.detection.rcnn.MaskRcnnSpec;
import dev.cvkit.io.SafeTensors;
import dev.cvkit.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An instance segmentation model file: the Mask R-CNN's state dict under torchvision's names and
 * a config with {@code "task": "segment"}, {@code "architecture": "mask-rcnn"}, the
 * {@link MaskRcnnSpec}, the class names and COCO category ids, the default thresholds and how it
 * was trained. The file alone rebuilds the segmenter.
 */
public final class InstanceModelFile {
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String TASK = "segment";

    private InstanceModelFile() {}

    public static ObjectNode config(MaskRcnnSpec spec, List<String> classes, List<Integer> ids, DetectParams defaults, ObjectNode training) {
        ObjectNode cfg = JSON.createObjectNode();
        cfg.put("task", TASK);
        cfg.put("architecture", MaskRcnnSpec.ARCHITECTURE);
        cfg.setAll(spec.toJson());
        classes.forEach(cfg.putArray("classes")::add);
        ids.forEach(cfg.putArray("category_ids")::add);
        ObjectNode th = cfg.putObject("thresholds");
        th.put("conf", defaults.conf());
        th.put("iou", defaults.iou());
        th.put("max_det", defaults.maxDet());
        if (training != null) cfg.set("training", training);
        return cfg;
    }

    /** Writes weights (names prefixed by {@code prefix}), {@code extra} tensors and the config, atomically. */
    public static void save(Path file, FasterRcnn net, ObjectNode config, String prefix, Map<String, Tensor> extra, Map<String, String> extraMeta)
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

    /** Whether a config describes an instance segmentation model. */
    public static boolean isInstance(JsonNode cfg) {
        return cfg != null && TASK.equals(cfg.path("task").asText()) && MaskRcnnSpec.ARCHITECTURE.equals(cfg.path("architecture").asText());
    }

    /**
     * Builds the segmenter a config describes and loads its weights.
     *
     * @throws IllegalArgumentException naming what is wrong (config value, missing or misshapen tensor)
     */
    public static InstanceSegmenter load(JsonNode cfg, Map<String, Tensor> tensors) {
        if (!isInstance(cfg)) throw new IllegalArgumentException("not an instance segmentation model (task segment, architecture mask-rcnn)");
        MaskRcnnSpec spec = MaskRcnnSpec.fromJson(cfg);
        List<String> classes = new ArrayList<>();
        cfg.path("classes").forEach(c -> classes.add(c.asText()));
        List<Integer> ids = new ArrayList<>();
        cfg.path("category_ids").forEach(c -> ids.add(c.asInt()));
        if (ids.size() != classes.size()) throw new IllegalArgumentException("category_ids has " + ids.size() + " entries for " + classes.size() + " classes");
        JsonNode th = cfg.path("thresholds");
        DetectParams defaults = new DetectParams((float) th.path("conf").asDouble(0.5), (float) th.path("iou").asDouble(0.5), th.path("max_det").asInt(100));
        FasterRcnn net = spec.build();
        net.loadStateDict(tensors);
        return new InstanceSegmenter(net, spec, classes, ids, defaults);
    }

    /**
     * Reads a model file: a damaged file or config is a bad data file (exit 1), a sound model of
     * another kind the wrong {@code --model} (exit 2).
     */
    public static InstanceSegmenter read(Path file) {
        SafeTensors.Contents c = SafeTensors.read(file);
        JsonNode cfg = config(c);
        if (cfg == null || !cfg.isObject()) throw new UserError(file + ": bad model file: no valid cvkit config metadata", 1);
        if (!isInstance(cfg)) {
            throw new UserError(file + ": is a '" + cfg.path("task").asText("?") + "' " + cfg.path("architecture").asText("")
                    + " model, not an instance segmentation model (task segment, architecture mask-rcnn)", 2);
        }
        String nonFinite = SafeTensors.firstNonFinite(c.tensors());
        if (nonFinite != null) throw new UserError(file + ": bad model file: tensor " + nonFinite + " holds NaN or infinite values", 1);
        try {
            return load(cfg, c.tensors());
        } catch (IllegalArgumentException e) {
            throw new UserError(file + ": bad model file: " + e.getMessage(), 1);
        }
    }

    /** The architecture a segmentation model file names ("fcn", "mask-rcnn"), from its metadata only; null if it has no config. */
    public static String architecture(Path file) {
        String cfg = SafeTensors.readMetadata(file).get(SafeTensors.CONFIG_KEY);
        if (cfg == null) return null;
        try {
            JsonNode n = JSON.readTree(cfg);
            return TASK.equals(n.path("task").asText()) ? n.path("architecture").asText(null) : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static JsonNode config(SafeTensors.Contents c) {
        try {
            return c.config() == null ? null : JSON.readTree(c.config());
        } catch (IOException e) {
            return null;
        }
    }
}
