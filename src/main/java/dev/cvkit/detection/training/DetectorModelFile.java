package dev.cvkit.detection.training;

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
 * A trained detector's model file, for every family: the state dict, and a config that says
 * {@code "task": "detect"}, the family's {@link TrainableDetector#config} (architecture and
 * every constructor parameter), the class names and COCO category ids, the default thresholds
 * and how it was trained. {@link DetectorFamilies#load} rebuilds the detector from it alone.
 */
final class DetectorModelFile {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DetectorModelFile() {}

    static ObjectNode config(TrainableDetector model, List<String> classes, List<Integer> ids, DetectParams defaults, ObjectNode training) {
        ObjectNode cfg = JSON.createObjectNode();
        cfg.put("task", "detect");
        cfg.setAll(model.config());
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
    static void save(Path file, TrainableDetector model, ObjectNode config, String prefix, Map<String, Tensor> extra,
                     Map<String, String> extraMeta) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        model.network().stateDict().forEach((k, v) -> tensors.put(prefix + k, v));
        tensors.putAll(extra);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(SafeTensors.CONFIG_KEY, JSON.writeValueAsString(config));
        meta.put("format", "cvkit");
        meta.putAll(extraMeta);
        SafeTensors.write(file, tensors, meta);
    }
}
