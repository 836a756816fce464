package dev.cvkit.detection.rcnn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.models.Architecture;
import dev.cvkit.detection.ConfigValues;
import java.util.Arrays;
import java.util.Locale;

import static dev.cvkit.detection.ConfigValues.check;
import static dev.cvkit.detection.ConfigValues.floats;
import static dev.cvkit.detection.ConfigValues.integer;
import static dev.cvkit.detection.ConfigValues.text;

/**
 * Everything needed to build a Faster R-CNN, as written into (and read back from) a model
 * file's config: backbone, whether its BatchNorm is frozen, FPN width, anchor sizes and
 * ratios, proposal and sampling counts, box-head width and RoI Align sampling, class count
 * (background included) and the input transform. {@link #fromJson} checks every number against
 * sane bounds, so a hostile model file is refused before anything is allocated.
 *
 * @param backbone    {@code resnet18}, {@code resnet34}, {@code resnet50} or {@code resnet101} (an FPN over
 *                    layer1–4, one anchor size per level), {@code mobilenet_v2} (an FPN over its last
 *                    two stages, every anchor size on each of its three levels) or {@code vgg16}
 *                    (conv5_3 at stride 16, no FPN: every anchor size on that map; {@code fpnChannels}
 *                    unused)
 * @param frozenNorms torchvision's FrozenBatchNorm2d (pretrained backbones) or trainable BatchNorm
 */
public record FasterRcnnSpec(String backbone, boolean frozenNorms, int fpnChannels, float[] anchorSizes,
                             FasterRcnn.Settings settings, int classes, int minSize, int maxSize, float[] mean,
                             float[] std) {
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String ARCHITECTURE = "faster-rcnn";
    /** Backbones this spec builds. */
    public static final java.util.List<String> BACKBONES = java.util.List.of("resnet18", "resnet34", "resnet50", "resnet101",
            "mobilenet_v2", "vgg16");
    /** Backbones with a ResNet's four levels, which Mask R-CNN's heads expect. */
    public static final java.util.List<String> RESNETS = BACKBONES.subList(0, 4);

    public FasterRcnnSpec {
        backbone = backbone.toLowerCase(Locale.ROOT);
        if (!BACKBONES.contains(backbone)) {
            throw new IllegalArgumentException("backbone '" + backbone + "' (use " + String.join(", ", BACKBONES) + ")");
        }
        check("fpn_channels", fpnChannels, 8, 1024);
        check("classes", classes, 2, 10_000);
        check("min_size", minSize, 32, 4096);
        check("max_size", maxSize, minSize, 8192);
        if (anchorSizes.length != 5) throw new IllegalArgumentException("anchor_sizes: need 5 (one per level P2–P6), got " + anchorSizes.length);
        for (float a : anchorSizes) {
            if (!(a >= 1 && a <= 8192)) throw new IllegalArgumentException("anchor size " + a + " is not in 1..8192");
        }
        check("train_pre_nms", settings.trainPreNms(), 1, 100_000);
        check("train_post_nms", settings.trainPostNms(), 1, 100_000);
        check("test_pre_nms", settings.testPreNms(), 1, 100_000);
        check("test_post_nms", settings.testPostNms(), 1, 100_000);
        check("rpn_batch", settings.rpnBatch(), 1, 100_000);
        check("roi_batch", settings.roiBatch(), 1, 100_000);
        check("representation", settings.representation(), 1, 16_384);
        check("sampling_ratio", settings.samplingRatio(), 0, 16);
        if (settings.aspectRatios().length > 16) throw new IllegalArgumentException("more than 16 aspect ratios");
        if (mean.length != 3 || std.length != 3) throw new IllegalArgumentException("mean and std need 3 values each");
        for (int c = 0; c < 3; c++) {
            if (!(Math.abs(mean[c]) <= 10 && std[c] > 1e-6 && std[c] <= 10)) throw new IllegalArgumentException("mean/std out of range");
        }
        anchorSizes = anchorSizes.clone();
        mean = mean.clone();
        std = std.clone();
    }

    /**
     * cvkit's defaults for training from scratch on small images, those of the same-budget
     * torchvision baseline: ResNet-18 with trainable BatchNorm, FPN of 128 channels, anchors
     * 8–128 px × (0.5, 1, 2), 500 proposals per image in training and 1000 at test, 64 sampled
     * RoIs, a 512-wide box head, RoI Align sampling ratio 1, ImageNet mean and std.
     */
    public static FasterRcnnSpec smallImages(String backbone, int classes, int imgsz) {
        return new FasterRcnnSpec(backbone, false, 128, new float[] {8, 16, 32, 64, 128},
                new FasterRcnn.Settings(500, 500, 1000, 1000, 256, 64, 512, 1, new float[] {0.5f, 1f, 2f}),
                classes, imgsz, imgsz, new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});
    }

    /** A fresh network (weights from {@link dev.cvkit.nn.Init}'s generator). */
    public FasterRcnn build() {
        return new FasterRcnn(newBackbone(), fpnChannels, anchorSizes, classes, settings);
    }

    /** A fresh backbone of this spec's kind. */
    public Backbone newBackbone() {
        return switch (backbone) {
            case "vgg16" -> new VggConv5Backbone();
            case "mobilenet_v2" -> MobileNetV2Backbone.twoStage();
            default -> new ResNetBackbone(Architecture.parse(backbone), frozenNorms);
        };
    }

    public RcnnTransform transform() {
        return new RcnnTransform(minSize, maxSize, mean, std);
    }

    /** The spec's part of a model config. */
    public ObjectNode toJson() {
        ObjectNode n = JSON.createObjectNode();
        n.put("backbone", backbone);
        n.put("frozen_batchnorm", frozenNorms);
        n.put("fpn_channels", fpnChannels);
        ConfigValues.put(n.putArray("anchor_sizes"), anchorSizes);
        ConfigValues.put(n.putArray("aspect_ratios"), settings.aspectRatios());
        ObjectNode rpn = n.putObject("rpn");
        rpn.put("train_pre_nms", settings.trainPreNms());
        rpn.put("train_post_nms", settings.trainPostNms());
        rpn.put("test_pre_nms", settings.testPreNms());
        rpn.put("test_post_nms", settings.testPostNms());
        rpn.put("batch_per_image", settings.rpnBatch());
        ObjectNode box = n.putObject("box_head");
        box.put("representation", settings.representation());
        box.put("batch_per_image", settings.roiBatch());
        box.put("sampling_ratio", settings.samplingRatio());
        n.put("num_classes", classes);
        ObjectNode t = n.putObject("transform");
        t.put("min_size", minSize);
        t.put("max_size", maxSize);
        ConfigValues.put(t.putArray("mean"), mean);
        ConfigValues.put(t.putArray("std"), std);
        return n;
    }

    /** Reads {@link #toJson()}'s fields; a missing or out-of-range value is an IllegalArgumentException naming it. */
    public static FasterRcnnSpec fromJson(JsonNode n) {
        JsonNode rpn = n.path("rpn"), box = n.path("box_head"), t = n.path("transform");
        return new FasterRcnnSpec(text(n, "backbone"), n.path("frozen_batchnorm").asBoolean(false), integer(n, "fpn_channels"),
                floats(n, "anchor_sizes", 5),
                new FasterRcnn.Settings(integer(rpn, "train_pre_nms"), integer(rpn, "train_post_nms"), integer(rpn, "test_pre_nms"),
                        integer(rpn, "test_post_nms"), integer(rpn, "batch_per_image"), integer(box, "batch_per_image"),
                        integer(box, "representation"), integer(box, "sampling_ratio"), floats(n, "aspect_ratios", 16)),
                integer(n, "num_classes"), integer(t, "min_size"), integer(t, "max_size"), floats(t, "mean", 3), floats(t, "std", 3));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FasterRcnnSpec s && toJson().equals(s.toJson());
    }

    @Override
    public int hashCode() { return toJson().hashCode(); }

    @Override
    public String toString() { return toJson().toString(); }

    /** For messages: the anchor sizes. */
    String anchors() { return Arrays.toString(anchorSizes); }
}
