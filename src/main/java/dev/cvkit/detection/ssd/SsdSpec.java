package dev.cvkit.detection.ssd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.detection.ConfigValues;
import dev.cvkit.detection.rcnn.Backbone;
import dev.cvkit.detection.rcnn.RcnnTransform;
import dev.cvkit.detection.rcnn.ResNetBackbone;
import dev.cvkit.models.Architecture;
import java.util.List;
import java.util.Locale;

import static dev.cvkit.detection.ConfigValues.check;
import static dev.cvkit.detection.ConfigValues.floats;
import static dev.cvkit.detection.ConfigValues.integer;
import static dev.cvkit.detection.ConfigValues.text;

/**
 * Everything that builds an {@link Ssd}, as written into (and read back from) a model file's
 * config: backbone (a ResNet, {@link VggBackbone}, {@link dev.cvkit.detection.rcnn.MobileNetV2Backbone} or, for SSDLite,
 * {@link MobileNetV3Backbone}; BatchNorm trained), the extra blocks' widths (two; four on MobileNet
 * v3), the default boxes of the maps (five: the backbone's last three levels and two extra blocks;
 * six on MobileNet v3: its two levels and four extra blocks; scales relative to the image, one
 * more than maps, and aspect ratios per map), classes (background included), test-time
 * candidates per class, the input transform, whether it is SSDLite (depthwise-separable extra
 * blocks and head; architecture {@code ssdlite}) and, for MobileNet v3, whether its tail is
 * reduced. {@link #fromJson} bounds every value.
 */
public record SsdSpec(String backbone, int[] extraChannels, float[] scales, int[][] aspectRatios, int classes, int topkCandidates,
                      RcnnTransform transform, boolean lite, boolean reducedTail) {
    public static final String ARCHITECTURE = "ssd", LITE = "ssdlite";
    public static final List<String> BACKBONES = List.of("resnet18", "resnet34", "resnet50", "resnet101", "vgg16", "mobilenet_v2");
    /** SSDLite's: MobileNet v3 Large as torchvision's ssdlite320_mobilenet_v3_large (the default), or v2. */
    public static final List<String> LITE_BACKBONES = List.of("mobilenet_v3", "mobilenet_v2");
    public static final String MOBILENET_V3 = "mobilenet_v3";

    /** Without MobileNet v3's reduced tail. */
    public SsdSpec(String backbone, int[] extraChannels, float[] scales, int[][] aspectRatios, int classes, int topkCandidates,
                   RcnnTransform transform, boolean lite) {
        this(backbone, extraChannels, scales, aspectRatios, classes, topkCandidates, transform, lite, false);
    }

    public SsdSpec {
        backbone = backbone.toLowerCase(Locale.ROOT);
        List<String> known = lite ? LITE_BACKBONES : BACKBONES;
        if (!known.contains(backbone)) throw new IllegalArgumentException("backbone '" + backbone + "' (use " + String.join(", ", known) + ")");
        boolean v3 = backbone.equals(MOBILENET_V3);
        if (reducedTail && !v3) throw new IllegalArgumentException("reduced_tail: only for mobilenet_v3");
        int extras = v3 ? 4 : 2, maps = v3 ? 6 : 5;
        if (extraChannels.length != extras) throw new IllegalArgumentException("extra_channels: need " + extras + ", got " + extraChannels.length);
        for (int c : extraChannels) check("extra channels", c, 2, 4096);
        if (scales.length != maps + 1) throw new IllegalArgumentException("scales: need " + (maps + 1) + " (one per map and one more), got " + scales.length);
        ConfigValues.range("scale", scales, 0.001f, 2);
        if (aspectRatios.length != maps) throw new IllegalArgumentException("aspect_ratios: need " + maps + " lists (one per map), got " + aspectRatios.length);
        for (int[] r : aspectRatios) {
            if (r.length > 4) throw new IllegalArgumentException("aspect_ratios: more than 4 for a map");
            for (int a : r) check("aspect ratio", a, 2, 10);
        }
        check("num_classes", classes, 2, 10_000);
        check("topk_candidates", topkCandidates, 1, 100_000);
        extraChannels = extraChannels.clone();
        scales = scales.clone();
        aspectRatios = aspectRatios.clone();
    }

    /**
     * cvkit's defaults for training from scratch on small images (160²): ResNet-18, extra blocks
     * of 256 channels, default boxes of 0.1–0.9 of the image (16–144 px at 160², for objects of
     * 10–100 px) with ratios 2 on every map and also 3 on the two finest but one, 400 candidates
     * per class (torchvision's), ImageNet mean and std.
     */
    public static SsdSpec smallImages(String backbone, int classes, int imgsz) {
        return new SsdSpec(backbone, new int[] {256, 256}, SMALL_SCALES, SMALL_RATIOS, classes, 400, smallTransform(imgsz), false);
    }

    /**
     * SSDLite with the same candidates and transform as {@link #smallImages}, depthwise-separable
     * extra blocks and head. On MobileNet v3 torchvision's layout as it trains without backbone weights (reduced tail): six maps (strides
     * 16 to 320 … 1 px), four extra blocks of 512, 256, 256, 128 channels, ratios 2 and 3 on
     * every map, default boxes of 0.1–0.95 of the image. On MobileNet v2: {@link #smallImages}'
     * five maps and boxes, extra blocks of 512 and 256 channels (torchvision's first two).
     */
    public static SsdSpec liteSmallImages(String backbone, int classes, int imgsz) {
        if (MOBILENET_V3.equals(backbone.toLowerCase(Locale.ROOT))) {
            int[][] ratios = new int[6][];
            for (int k = 0; k < 6; k++) ratios[k] = new int[] {2, 3};
            return new SsdSpec(backbone, new int[] {512, 256, 256, 128}, new float[] {0.1f, 0.2f, 0.35f, 0.5f, 0.65f, 0.8f, 0.95f}, ratios,
                    classes, 400, smallTransform(imgsz), true, true);
        }
        return new SsdSpec(backbone, new int[] {512, 256}, SMALL_SCALES, SMALL_RATIOS, classes, 400, smallTransform(imgsz), true);
    }

    private static final float[] SMALL_SCALES = {0.1f, 0.2f, 0.375f, 0.55f, 0.725f, 0.9f};
    private static final int[][] SMALL_RATIOS = {{2}, {2, 3}, {2, 3}, {2}, {2}};

    private static RcnnTransform smallTransform(int imgsz) {
        return new RcnnTransform(imgsz, imgsz, new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});
    }

    /** The config's {@code "architecture"}: {@code ssd} or {@code ssdlite}. */
    public String architecture() { return lite ? LITE : ARCHITECTURE; }

    public DefaultBoxes defaultBoxes() {
        double[] s = new double[scales.length];
        for (int i = 0; i < s.length; i++) s[i] = scales[i];
        return new DefaultBoxes(aspectRatios, 0, 0, s, null, true);
    }

    /** A fresh network (weights from {@link dev.cvkit.nn.Init}'s generator). */
    public Ssd build() {
        Backbone trunk = switch (backbone) {
            case "vgg16" -> new VggBackbone();
            case "mobilenet_v2" -> dev.cvkit.detection.rcnn.MobileNetV2Backbone.ssd();
            case MOBILENET_V3 -> new MobileNetV3Backbone(reducedTail);
            default -> new ResNetBackbone(Architecture.parse(backbone), false);
        };
        if (backbone.equals(MOBILENET_V3)) {
            return new Ssd(trunk, extraChannels, defaultBoxes(), classes, topkCandidates, lite, MobileNetV3Backbone.BN_EPS,
                    MobileNetV3Backbone.BN_MOMENTUM);
        }
        return new Ssd(trunk, extraChannels, defaultBoxes(), classes, topkCandidates, lite);
    }

    /** The config's architecture and spec fields. */
    public ObjectNode toJson() {
        ObjectNode n = new ObjectMapper().createObjectNode();
        n.put("architecture", architecture());
        n.put("backbone", backbone);
        if (backbone.equals(MOBILENET_V3)) n.put("reduced_tail", reducedTail);
        ArrayNode e = n.putArray("extra_channels");
        for (int c : extraChannels) e.add(c);
        ConfigValues.put(n.putArray("scales"), scales);
        ArrayNode r = n.putArray("aspect_ratios");
        for (int[] map : aspectRatios) {
            ArrayNode m = r.addArray();
            for (int a : map) m.add(a);
        }
        n.put("num_classes", classes);
        n.put("topk_candidates", topkCandidates);
        n.set("transform", transform.toJson());
        return n;
    }

    public static SsdSpec fromJson(JsonNode n) {
        float[] extra = floats(n, "extra_channels", 4);
        JsonNode r = n.path("aspect_ratios");
        if (!r.isArray() || r.size() > 6) throw new IllegalArgumentException("'aspect_ratios' missing or of bad length");
        int[][] ratios = new int[r.size()][];
        for (int k = 0; k < ratios.length; k++) {
            JsonNode m = r.get(k);
            if (!m.isArray() || m.size() > 4) throw new IllegalArgumentException("'aspect_ratios' holds a bad list");
            ratios[k] = new int[m.size()];
            for (int i = 0; i < ratios[k].length; i++) {
                if (!m.get(i).isIntegralNumber()) throw new IllegalArgumentException("'aspect_ratios' holds a non-integer");
                ratios[k][i] = m.get(i).asInt();
            }
        }
        int[] extraInts = new int[extra.length];
        for (int i = 0; i < extra.length; i++) {
            if (extra[i] != Math.rint(extra[i])) throw new IllegalArgumentException("'extra_channels' holds a non-integer");
            extraInts[i] = (int) extra[i];
        }
        JsonNode tail = n.path("reduced_tail");
        if (!tail.isMissingNode() && !tail.isBoolean()) throw new IllegalArgumentException("'reduced_tail' is not true or false");
        return new SsdSpec(text(n, "backbone"), extraInts, floats(n, "scales", 7), ratios, integer(n, "num_classes"),
                integer(n, "topk_candidates"), RcnnTransform.fromJson(n.path("transform")), LITE.equals(text(n, "architecture")),
                tail.asBoolean(false));
    }
}
