package dev.cvkit.detection.rcnn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.models.Architecture;

/**
 * Everything needed to build a Mask R-CNN: the Faster R-CNN it extends ({@link FasterRcnnSpec})
 * and its mask branch: the widths of the 3×3 conv layers, the channels of the transposed
 * convolution, the RoI Align output (masks are twice its side) and RoI Align's sampling ratio.
 * Written into a model config as the Faster R-CNN fields plus {@code "mask_head"}; {@link #fromJson}
 * checks every number.
 */
public record MaskRcnnSpec(FasterRcnnSpec box, int[] layers, int reduced, int pool, int samplingRatio) {
    public static final String ARCHITECTURE = "mask-rcnn";

    public MaskRcnnSpec {
        if (!FasterRcnnSpec.RESNETS.contains(box.backbone())) {
            throw new IllegalArgumentException("backbone '" + box.backbone() + "': Mask R-CNN uses " + String.join(", ", FasterRcnnSpec.RESNETS));
        }
        if (layers.length < 1 || layers.length > 16) throw new IllegalArgumentException("mask_head.layers: 1 to 16 layers, got " + layers.length);
        for (int w : layers) check("mask_head.layers", w, 1, 4096);
        check("mask_head.reduced", reduced, 1, 4096);
        check("mask_head.pool", pool, 2, 64);
        check("mask_head.sampling_ratio", samplingRatio, 0, 16);
        layers = layers.clone();
    }

    /**
     * cvkit's defaults on small images, those of the same-budget torchvision baseline
     * ({@code train_detect_torchvision.py --model mask}): {@link FasterRcnnSpec#smallImages} and a
     * mask head of 4 × 64-channel 3×3 convolutions on 14×14 RoI Align (sampling ratio 1, as the box
     * head), a 64-channel transposed convolution, 28×28 masks.
     */
    public static MaskRcnnSpec smallImages(String backbone, int classes, int imgsz) {
        FasterRcnnSpec box = FasterRcnnSpec.smallImages(backbone, classes, imgsz);
        return new MaskRcnnSpec(box, new int[] {64, 64, 64, 64}, 64, 14, box.settings().samplingRatio());
    }

    /** A fresh network (weights from {@link dev.cvkit.nn.Init}'s generator). */
    public FasterRcnn build() {
        MaskHead masks = new MaskHead(box.fpnChannels(), layers, pool, reduced, box.classes(), samplingRatio);
        return new FasterRcnn(new ResNetBackbone(Architecture.parse(box.backbone()), box.frozenNorms()), box.fpnChannels(), box.anchorSizes(),
                box.classes(), box.settings(), masks);
    }

    public ObjectNode toJson() {
        ObjectNode n = box.toJson();
        ObjectNode m = n.putObject("mask_head");
        var a = m.putArray("layers");
        for (int w : layers) a.add(w);
        m.put("reduced", reduced);
        m.put("pool", pool);
        m.put("sampling_ratio", samplingRatio);
        return n;
    }

    /** Reads {@link #toJson()}; a missing or out-of-range value is an IllegalArgumentException naming it. */
    public static MaskRcnnSpec fromJson(JsonNode n) {
        FasterRcnnSpec box = FasterRcnnSpec.fromJson(n);
        JsonNode m = n.path("mask_head");
        JsonNode a = m.path("layers");
        if (!a.isArray() || a.size() == 0 || a.size() > 16) throw new IllegalArgumentException("'mask_head.layers' missing or of bad length");
        int[] layers = new int[a.size()];
        for (int i = 0; i < layers.length; i++) layers[i] = integer(a.get(i), "mask_head.layers");
        return new MaskRcnnSpec(box, layers, integer(m.path("reduced"), "mask_head.reduced"), integer(m.path("pool"), "mask_head.pool"),
                integer(m.path("sampling_ratio"), "mask_head.sampling_ratio"));
    }

    private static int integer(JsonNode v, String name) {
        if (!v.isIntegralNumber() || !v.canConvertToInt()) throw new IllegalArgumentException("'" + name + "' missing or not an integer");
        return v.asInt();
    }

    private static void check(String name, int v, int lo, int hi) {
        if (v < lo || v > hi) throw new IllegalArgumentException(name + " = " + v + " is not in " + lo + ".." + hi);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MaskRcnnSpec s && toJson().equals(s.toJson());
    }

    @Override
    public int hashCode() { return toJson().hashCode(); }

    @Override
    public String toString() { return toJson().toString(); }
}
