package dev.cvkit.detection.retina;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.detection.ConfigValues;
import dev.cvkit.detection.rcnn.RcnnTransform;
import dev.cvkit.detection.rcnn.ResNetBackbone;
import dev.cvkit.models.Architecture;
import java.util.List;
import java.util.Locale;

import static dev.cvkit.detection.ConfigValues.check;
import static dev.cvkit.detection.ConfigValues.floats;
import static dev.cvkit.detection.ConfigValues.integer;
import static dev.cvkit.detection.ConfigValues.bool;
import static dev.cvkit.detection.ConfigValues.text;

/**
 * Everything that builds a {@link RetinaNet}, as written into (and read back from) a model
 * file's config: ResNet backbone (trainable BatchNorm), FPN width, one anchor size per level
 * P3–P7 with {@code scales_per_octave} sizes 2^(i/n) times it, aspect ratios, object classes,
 * test-time candidates per level, whether the head has GroupNorm (torchvision's v2 head) and
 * the input transform. {@link #fromJson} bounds every value.
 */
public record RetinaNetSpec(String backbone, int fpnChannels, float[] anchorSizes, int scalesPerOctave, float[] aspectRatios, int classes,
                            int topkCandidates, boolean headGroupNorm, RcnnTransform transform) {
    public static final String ARCHITECTURE = "retinanet";
    public static final List<String> BACKBONES = List.of("resnet18", "resnet34", "resnet50", "resnet101");

    public RetinaNetSpec {
        backbone = backbone.toLowerCase(Locale.ROOT);
        if (!BACKBONES.contains(backbone)) throw new IllegalArgumentException("backbone '" + backbone + "' (use " + String.join(", ", BACKBONES) + ")");
        check("fpn_channels", fpnChannels, 8, 1024);
        check("num_classes", classes, 1, 10_000);
        check("scales_per_octave", scalesPerOctave, 1, 4);
        check("topk_candidates", topkCandidates, 1, 100_000);
        if (headGroupNorm && fpnChannels % 32 != 0) throw new IllegalArgumentException("head_group_norm needs fpn_channels a multiple of 32, not " + fpnChannels);
        if (anchorSizes.length != 5) throw new IllegalArgumentException("anchor_sizes: need 5 (one per level P3–P7), got " + anchorSizes.length);
        ConfigValues.range("anchor size", anchorSizes, 1, 8192);
        if (aspectRatios.length > 8) throw new IllegalArgumentException("more than 8 aspect ratios");
        ConfigValues.range("aspect ratio", aspectRatios, 0.01f, 100);
        anchorSizes = anchorSizes.clone();
        aspectRatios = aspectRatios.clone();
    }

    /**
     * cvkit's defaults for training from scratch on small images (160²): ResNet-18, FPN of 128
     * channels, anchors of 16–256 px on P3–P7 (torchvision's 32–512 halved, for objects of
     * 10–100 px) × 2^(0, ⅓, ⅔) × (0.5, 1, 2), 1000 candidates per level, the GroupNorm head
     * (from scratch the plain head barely moves in the first hundred steps), ImageNet mean and std.
     */
    public static RetinaNetSpec smallImages(String backbone, int classes, int imgsz) {
        return new RetinaNetSpec(backbone, 128, new float[] {16, 32, 64, 128, 256}, 3, new float[] {0.5f, 1f, 2f}, classes, 1000, true,
                new RcnnTransform(imgsz, imgsz, new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f}));
    }

    /** A fresh network (weights from {@link dev.cvkit.nn.Init}'s generator). */
    public RetinaNet build() {
        float[][] sizes = new float[5][scalesPerOctave];
        for (int l = 0; l < 5; l++) {
            for (int i = 0; i < scalesPerOctave; i++) sizes[l][i] = (float) (anchorSizes[l] * Math.pow(2, (double) i / scalesPerOctave));
        }
        return new RetinaNet(new ResNetBackbone(Architecture.parse(backbone), false), fpnChannels, sizes, aspectRatios, classes, topkCandidates,
                headGroupNorm);
    }

    /** The config's architecture and spec fields. */
    public ObjectNode toJson() {
        ObjectNode n = new ObjectMapper().createObjectNode();
        n.put("architecture", ARCHITECTURE);
        n.put("backbone", backbone);
        n.put("fpn_channels", fpnChannels);
        ConfigValues.put(n.putArray("anchor_sizes"), anchorSizes);
        n.put("scales_per_octave", scalesPerOctave);
        ConfigValues.put(n.putArray("aspect_ratios"), aspectRatios);
        n.put("num_classes", classes);
        n.put("topk_candidates", topkCandidates);
        n.put("head_group_norm", headGroupNorm);
        n.set("transform", transform.toJson());
        return n;
    }

    public static RetinaNetSpec fromJson(JsonNode n) {
        return new RetinaNetSpec(text(n, "backbone"), integer(n, "fpn_channels"), floats(n, "anchor_sizes", 5), integer(n, "scales_per_octave"),
                floats(n, "aspect_ratios", 8), integer(n, "num_classes"), integer(n, "topk_candidates"), bool(n, "head_group_norm"),
                RcnnTransform.fromJson(n.path("transform")));
    }
}
