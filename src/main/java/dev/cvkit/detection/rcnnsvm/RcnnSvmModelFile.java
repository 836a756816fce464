package dev.cvkit.detection.rcnnsvm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.detection.DetectParams;
import dev.cvkit.detection.rcnn.SelectiveSearchProposals;
import dev.cvkit.io.SafeTensors;
import dev.cvkit.proposals.SelectiveSearchMode;
import dev.cvkit.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An R-CNN model file: the CNN's weights under {@code cnn.}, the per-class SVMs as
 * {@code svm.weight} [classes, features], {@code svm.bias} [classes] and their Platt sigmoids
 * {@code svm.calibration} [classes, 2], the box regressors as
 * {@code bbox.weight} [classes·4, features] and {@code bbox.bias}, and a config saying
 * {@code "architecture": "rcnn"}, the proposals, the warp, the CNN's widths, the scorer
 * ({@code svm}, or {@code softmax} while fine-tuning), the SVMs' feature scale, the class names
 * and COCO ids, the thresholds and the training record. The file alone rebuilds the detector;
 * every value is checked on load.
 */
public final class RcnnSvmModelFile {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** R-CNN's proposals: selective search (single mode, seeded), at most 2,000 per image: the same as Fast R-CNN's here. */
    public static final SelectiveSearchProposals PROPOSALS = new SelectiveSearchProposals(SelectiveSearchMode.SINGLE, 2000, 0);

    private RcnnSvmModelFile() {}

    /** The family's part of the config: {@code "architecture"} and every constructor parameter. */
    public static ObjectNode familyConfig(SelectiveSearchProposals props, CropNet.Spec spec, boolean svm, float featureScale, boolean regression) {
        ObjectNode cfg = JSON.createObjectNode();
        cfg.put("architecture", RcnnSvmDetector.ARCHITECTURE);
        ObjectNode p = cfg.putObject("proposals");
        p.put("method", "selective-search");
        p.put("mode", props.mode().name().toLowerCase(Locale.ROOT));
        p.put("max", props.max());
        p.put("seed", props.seed());
        ObjectNode w = cfg.putObject("warp");
        w.put("size", spec.warp().size());
        w.put("context", spec.warp().context());
        ObjectNode b = cfg.putObject("backbone");
        for (int c : spec.channels()) b.withArray("channels").add(c);
        b.put("features", spec.features());
        cfg.put("scorer", svm ? "svm" : "softmax");
        if (svm) cfg.put("feature_scale", featureScale);
        cfg.put("box_regression", regression);
        return cfg;
    }

    /** The whole config: task, family, classes, category ids, default thresholds and the training record. */
    public static ObjectNode config(RcnnModel m, DetectParams defaults, ObjectNode training) {
        ObjectNode cfg = JSON.createObjectNode();
        cfg.put("task", "detect");
        cfg.setAll(familyConfig(m.proposals(), m.spec(), m.svms() != null, m.svms() == null ? 1f : m.svms().featureScale(), m.regressors() != null));
        m.classes().forEach(cfg.putArray("classes")::add);
        m.categoryIds().forEach(cfg.putArray("category_ids")::add);
        ObjectNode th = cfg.putObject("thresholds");
        th.put("conf", defaults.conf());
        th.put("iou", defaults.iou());
        th.put("max_det", defaults.maxDet());
        if (training != null) cfg.set("training", training);
        return cfg;
    }

    /** The file's tensors (names prefixed by {@code prefix}: "" in a model file, "model." in a checkpoint). */
    public static Map<String, Tensor> tensors(RcnnModel m, String prefix) {
        Map<String, Tensor> t = new LinkedHashMap<>();
        m.net().stateDict().forEach((k, v) -> t.put(prefix + "cnn." + k, v));
        int c = m.classes().size(), d = m.spec().features();
        if (m.svms() != null) {
            t.put(prefix + "svm.weight", Tensor.of(m.svms().weight(), c, d));
            t.put(prefix + "svm.bias", Tensor.of(m.svms().bias(), c));
            t.put(prefix + "svm.calibration", Tensor.of(m.svms().calibration(), c, 2));
        }
        if (m.regressors() != null) {
            t.put(prefix + "bbox.weight", Tensor.of(m.regressors().weight(), 4 * c, d));
            t.put(prefix + "bbox.bias", Tensor.of(m.regressors().bias(), 4 * c));
        }
        return t;
    }

    /** Writes the model (weights under {@code prefix}), {@code extra} tensors and metadata, atomically. */
    public static void save(Path file, RcnnModel m, ObjectNode config, String prefix, Map<String, Tensor> extra, Map<String, String> extraMeta)
            throws IOException {
        Map<String, Tensor> t = tensors(m, prefix);
        t.putAll(extra);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(SafeTensors.CONFIG_KEY, JSON.writeValueAsString(config));
        meta.put("format", "cvkit");
        meta.putAll(extraMeta);
        SafeTensors.write(file, t, meta);
    }

    /** The network's shape from a config. @throws IllegalArgumentException naming the bad value */
    public static CropNet.Spec spec(JsonNode cfg) {
        JsonNode w = cfg.path("warp"), b = cfg.path("backbone");
        if (!w.path("size").canConvertToInt() || !w.path("context").canConvertToInt()) throw new IllegalArgumentException("warp.size and warp.context must be integers");
        if (!b.path("channels").isArray() || !b.path("features").canConvertToInt()) throw new IllegalArgumentException("backbone.channels (a list) and backbone.features are required");
        int[] ch = new int[b.path("channels").size()];
        for (int i = 0; i < ch.length; i++) {
            JsonNode n = b.path("channels").get(i);
            if (!n.canConvertToInt()) throw new IllegalArgumentException("backbone.channels[" + i + "] is not an integer");
            ch[i] = n.asInt();
        }
        return new CropNet.Spec(new Warp(w.path("size").asInt(), w.path("context").asInt()), ch, b.path("features").asInt());
    }

    /** The proposals a config names. */
    public static SelectiveSearchProposals proposals(JsonNode cfg) {
        JsonNode p = cfg.path("proposals");
        if (!"selective-search".equals(p.path("method").asText())) throw new IllegalArgumentException("rcnn: proposals.method must be selective-search");
        SelectiveSearchMode mode;
        try {
            mode = SelectiveSearchMode.valueOf(p.path("mode").asText("").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("rcnn: proposals.mode '" + p.path("mode").asText() + "' (single, fast or quality)");
        }
        return new SelectiveSearchProposals(mode, p.path("max").asInt(0), p.path("seed").asLong(0));
    }

    /**
     * Rebuilds the model a config and its tensors describe (tensor names without prefix), through
     * {@link RcnnSvmFamily}: every tensor's name and shape is checked.
     *
     * @throws IllegalArgumentException naming what is wrong (config value, missing, unexpected or misshapen tensor)
     */
    public static RcnnModel load(JsonNode cfg, Map<String, Tensor> tensors, List<String> classes, List<Integer> ids) {
        RcnnSvmFamily.Model net = (RcnnSvmFamily.Model) new RcnnSvmFamily().fromConfig(cfg);
        if (net.classes() != classes.size()) throw new IllegalArgumentException("the network has " + net.classes() + " classes, the config names " + classes.size());
        net.network().loadStateDict(tensors);
        return net.model(classes, ids);
    }
}
