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

    private RcnnModelFile() {}

    /** The config written into the file. */
    public static ObjectNode config(FasterRcnnSpec spec, List<String> classes, List<Integer> ids, DetectParams defaults,
                                    ObjectNode training) {
        ObjectNode cfg = JSON.createObjectNode();
        cfg.put("task", "detect");
        cfg.put("architecture", FasterRcnnSpec.ARCHITECTURE);
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
        return new RcnnDetector(net, spec.transform(), defaults, classes, ids);
    }
}
