package dev.cvkit.detection.yolo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.detection.DetectParams;
import dev.cvkit.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * The config of a YOLO model file: {@code "task": "detect"}, {@code "architecture": "yolo"} or
 * {@code "yolov1"}, every {@link YoloSpec} value, the input transform, class names and COCO
 * category ids and the default thresholds. A model file alone rebuilds the detector.
 */
public final class YoloModelFile {
    private static final ObjectMapper JSON = new ObjectMapper();

    private YoloModelFile() {}

    public static ObjectNode config(YoloSpec spec, List<String> classes, List<Integer> ids, DetectParams defaults, ObjectNode training) {
        ObjectNode cfg = JSON.createObjectNode();
        cfg.put("task", "detect");
        cfg.put("architecture", spec.arch());
        cfg.setAll(spec.toJson());
        ObjectNode t = cfg.putObject("transform");
        t.put("resize", "stretch to imgsz x imgsz, bilinear");
        t.put("scale", "1/255");
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
     * The detector a config and its weights describe.
     *
     * @throws IllegalArgumentException naming the bad config value or the missing or misshapen tensor
     */
    public static YoloDetector load(JsonNode cfg, Map<String, Tensor> tensors, DetectParams defaults, List<String> classes, List<Integer> ids) {
        YoloSpec spec = YoloSpec.fromJson(cfg);
        if (spec.classes() != classes.size()) {
            throw new IllegalArgumentException("num_classes " + spec.classes() + " does not fit " + classes.size() + " class names");
        }
        YoloModel m = new YoloModel(spec);
        m.network().loadStateDict(tensors);
        return m.detector(defaults, classes, ids);
    }
}
