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
 * config: backbone (a ResNet, {@link VggBackbone} or {@link dev.cvkit.detection.rcnn.MobileNetV2Backbone}, BatchNorm trained), the two extra blocks' widths, the default boxes
 * of the five maps (scales relative to the image, one more than maps, and aspect ratios per
 * map), classes (background included), test-time candidates per class, the input transform, and
 * whether it is SSDLite (depthwise-separable extra blocks and head; architecture {@code ssdlite}).
 * {@link #fromJson} bounds every value.
 */
public record SsdSpec(String backbone, int[] extraChannels, float[] scales, int[][] aspectRatios, int classes, int topkCandidates,
                      RcnnTransform transform, boolean lite) {
    public static final String ARCHITECTURE = "ssd", LITE = "ssdlite";
    public static final List<String> BACKBONES = List.of("resnet18", "resnet34", "resnet50", "resnet101", "vgg16", "mobilenet_v2");
    /** SSDLite's: the MobileNet it was made for. */
    public static final List<String> LITE_BACKBONES = List.of("mobilenet_v2");

    public SsdSpec {
        backbone = backbone.toLowerCase(Locale.ROOT);
        List<String> known = lite ? LITE_BACKBONES : BACKBONES;
        if (!known.contains(backbone)) throw new IllegalArgumentException("backbone '" + backbone + "' (use " + String.join(", ", known) + ")");
        if (extraChannels.length != 2) throw new IllegalArgumentException("extra_channels: need 2, got " + extraChannels.length);
        for (int c : extraChannels) check("extra channels", c, 2, 4096);
        if (scales.length != 6) throw new IllegalArgumentException("scales: need 6 (one per map and one more), got " + scales.length);
        ConfigValues.range("scale", scales, 0.001f, 2);
        if (aspectRatios.length != 5) throw new IllegalArgumentException("aspect_ratios: need 5 lists (one per map), got " + aspectRatios.length);
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
     * SSDLite with the same default boxes, candidates and transform as {@link #smallImages}: extra
     * blocks of 512 and 256 channels (torchvision's first two), depthwise-separable head.
     */
    public static SsdSpec liteSmallImages(String backbone, int classes, int imgsz) {
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
            default -> new ResNetBackbone(Architecture.parse(backbone), false);
        };
        return new Ssd(trunk, extraChannels, defaultBoxes(), classes, topkCandidates, lite);
    }

    /** The config's architecture and spec fields. */
    public ObjectNode toJson() {
        ObjectNode n = new ObjectMapper().createObjectNode();
        n.put("architecture", architecture());
        n.put("backbone", backbone);
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
        float[] extra = floats(n, "extra_channels", 2);
        JsonNode r = n.path("aspect_ratios");
        if (!r.isArray() || r.size() > 5) throw new IllegalArgumentException("'aspect_ratios' missing or of bad length");
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
        return new SsdSpec(text(n, "backbone"), extraInts, floats(n, "scales", 6), ratios, integer(n, "num_classes"),
                integer(n, "topk_candidates"), RcnnTransform.fromJson(n.path("transform")), LITE.equals(text(n, "architecture")));
    }
}
