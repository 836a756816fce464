package dev.cvkit.detection.rcnn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The R-CNN part of a trained detector's model config: {@code "architecture"}
 * ({@code faster-rcnn} or {@code fast-rcnn}), Fast R-CNN's proposal settings and every
 * constructor parameter ({@link FasterRcnnSpec}). The rest of the file (task, classes, category
 * ids, thresholds, how it was trained, the weights under torchvision's names) is common to every
 * family cvkit trains ({@code dev.cvkit.detection.training.DetectorModelFile}).
 */
public final class RcnnModelFile {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Fast R-CNN: the same network without the RPN's part in it, on selective-search proposals. */
    public static final String FAST = "fast-rcnn";
    /** Fast R-CNN's proposals (selective search, single mode as in the lecture's fast setting, at most 2000). */
    public static final SelectiveSearchProposals FAST_PROPOSALS = new SelectiveSearchProposals(
            dev.cvkit.proposals.SelectiveSearchMode.SINGLE, 2000, 0);

    private RcnnModelFile() {}

    /** The architecture, Fast R-CNN's proposals and the spec, as written into the config. */
    public static ObjectNode config(String arch, FasterRcnnSpec spec) {
        ObjectNode cfg = JSON.createObjectNode();
        cfg.put("architecture", arch);
        if (FAST.equals(arch)) {
            ObjectNode p = cfg.putObject("proposals");
            p.put("method", "selective-search");
            p.put("mode", FAST_PROPOSALS.mode().name().toLowerCase(java.util.Locale.ROOT));
            p.put("max", FAST_PROPOSALS.max());
            p.put("seed", FAST_PROPOSALS.seed());
        }
        cfg.setAll(spec.toJson());
        return cfg;
    }

    /** Fast R-CNN's proposal settings from a config; null for Faster R-CNN. */
    public static SelectiveSearchProposals proposals(JsonNode cfg) {
        if (!FAST.equals(cfg.path("architecture").asText())) return null;
        JsonNode p = cfg.path("proposals");
        if (!"selective-search".equals(p.path("method").asText())) throw new IllegalArgumentException("fast-rcnn: proposals.method must be selective-search");
        dev.cvkit.proposals.SelectiveSearchMode mode;
        try {
            mode = dev.cvkit.proposals.SelectiveSearchMode.valueOf(p.path("mode").asText("").toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("fast-rcnn: proposals.mode '" + p.path("mode").asText() + "' (single, fast or quality)");
        }
        if (p.has("seed") && !p.get("seed").isIntegralNumber()) throw new IllegalArgumentException("fast-rcnn: proposals.seed must be an integer");
        return new SelectiveSearchProposals(mode, dev.cvkit.io.ConfigValues.integer(p, "max", 0, 0, 100_000), p.path("seed").asLong(0));
    }
}
