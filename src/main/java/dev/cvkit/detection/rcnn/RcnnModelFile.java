package dev.cvkit.detection.rcnn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.detection.DetectParams;
import dev.cvkit.io.SafeTensors;
import dev.cvkit.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Faster R-CNN model file: the state dict under torchvision's names, and a config that says
 * {@code "task": "detect"}, {@code "architecture": "faster-rcnn"}, every constructor parameter
 * ({@link FasterRcnnSpec}), the class names and COCO category ids, the default thresholds and
 * how it was trained. A model file alone rebuilds the detector.
 */
public final class RcnnModelFile {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Fast R-CNN: the same network without the RPN's part in it, on selective-search proposals. */
    public static final String FAST = "fast-rcnn";
    /** Fast R-CNN's proposals (selective search, single mode as in the lecture's fast setting, at most 2000). */
    public static final SelectiveSearchProposals FAST_PROPOSALS = new SelectiveSearchProposals(
            dev.cvkit.proposals.SelectiveSearchMode.SINGLE, 2000, 0);

    private RcnnModelFile() {}

    /** The config written into the file. */
    public static ObjectNode config(String arch, FasterRcnnSpec spec, List<String> classes, List<Integer> ids, DetectParams defaults,
                                    ObjectNode training) {
        ObjectNode cfg = JSON.createObjectNode();
        cfg.put("task", "detect");
        cfg.put("architecture", arch);
        if (FAST.equals(arch)) {
            ObjectNode p = cfg.putObject("proposals");
            p.put("method", "selective-search");
            p.put("mode", FAST_PROPOSALS.mode().name().toLowerCase(java.util.Locale.ROOT));
            p.put("max", FAST_PROPOSALS.max());
            p.put("seed", FAST_PROPOSALS.seed());
        }
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

    /**
     * Writes the weights (names prefixed by {@code prefix}: "" for a model file, "model." in a
     * checkpoint) plus {@code extra} tensors (optimizer state) and the config, atomically.
     */
    public static void save(Path file, FasterRcnn net, ObjectNode config, String prefix, Map<String, Tensor> extra,
                            Map<String, String> extraMeta) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        net.stateDict().forEach((k, v) -> tensors.put(prefix + k, v));
        tensors.putAll(extra);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(SafeTensors.CONFIG_KEY, JSON.writeValueAsString(config));
        meta.put("format", "cvkit");
        meta.putAll(extraMeta);
        SafeTensors.write(file, tensors, meta);
    }

    /**
     * Builds the detector a config describes and loads its weights.
     *
     * @throws IllegalArgumentException naming what is wrong (config value, missing or misshapen tensor)
     */
    public static RcnnDetector load(JsonNode cfg, Map<String, Tensor> tensors, DetectParams defaults, List<String> classes,
                                    List<Integer> ids) {
        FasterRcnnSpec spec = FasterRcnnSpec.fromJson(cfg);
        if (spec.classes() != classes.size() + 1) {
            throw new IllegalArgumentException("num_classes " + spec.classes() + " does not fit " + classes.size() + " class names + background");
        }
        FasterRcnn net = spec.build();
        net.loadStateDict(tensors);
        return new RcnnDetector(net, spec.transform(), defaults, classes, ids, proposals(cfg));
    }

    /** Fast R-CNN's proposal settings from a config; null for Faster R-CNN. */
    static SelectiveSearchProposals proposals(JsonNode cfg) {
        if (!FAST.equals(cfg.path("architecture").asText())) return null;
        JsonNode p = cfg.path("proposals");
        if (!"selective-search".equals(p.path("method").asText())) throw new IllegalArgumentException("fast-rcnn: proposals.method must be selective-search");
        dev.cvkit.proposals.SelectiveSearchMode mode;
        try {
            mode = dev.cvkit.proposals.SelectiveSearchMode.valueOf(p.path("mode").asText("").toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("fast-rcnn: proposals.mode '" + p.path("mode").asText() + "' (single, fast or quality)");
        }
        return new SelectiveSearchProposals(mode, p.path("max").asInt(0), p.path("seed").asLong(0));
    }
}
