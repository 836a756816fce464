package dev.cvkit.segmentation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.io.ConfigValues;
import dev.cvkit.models.Architecture;
import java.util.List;

/**
 * Everything that rebuilds an {@link Fcn} and feeds it: the backbone, the number of classes
 * (background included), the auxiliary head, the input transform (images scaled to
 * {@code size × size}, values in [0, 1] normalised by {@code mean} and {@code std}), and the head:
 * the lecture's FCN-32s, 16s or 8s (ResNet-18/34) or the dilated FCN ({@code fcn-dilated8}:
 * torchvision's on ResNet-50, DeepLab-style dilated BasicBlocks on ResNet-18/34), its score maps upsampled bilinearly or by transposed convolutions
 * initialised to bilinear and learned ({@code upsample}: {@code bilinear} or {@code transposed}).
 */
public record FcnSpec(String backbone, int classes, boolean auxLoss, int size, float[] mean, float[] std, String head, String upsample) {
    public static final List<String> BACKBONES = List.of("resnet18", "resnet34", "resnet50");
    /** The heads of the skip backbones, coarsest first: the output stride of the scores before the last upsampling. */
    public static final List<String> HEADS = List.of("fcn-32s", "fcn-16s", "fcn-8s");
    public static final String DILATED = "fcn-dilated8";
    public static final List<String> UPSAMPLES = List.of("bilinear", "transposed");
    /** ImageNet statistics, as torchvision's segmentation references. */
    public static final float[] MEAN = {0.485f, 0.456f, 0.406f}, STD = {0.229f, 0.224f, 0.225f};
    private static final ObjectMapper JSON = new ObjectMapper();

    public FcnSpec {
        if (!BACKBONES.contains(backbone)) throw new IllegalArgumentException("backbone '" + backbone + "' (" + String.join(", ", BACKBONES) + ")");
        if (classes < 2 || classes > 255) throw new IllegalArgumentException("num_classes " + classes + " (2..255, background included)");
        if (size < 32 || size > 4096) throw new IllegalArgumentException("transform.size " + size + " (32..4096)");
        if (mean == null || mean.length != 3 || std == null || std.length != 3) throw new IllegalArgumentException("transform.mean and .std need 3 values");
        for (int c = 0; c < 3; c++) {
            if (!Float.isFinite(mean[c]) || !(std[c] > 0) || !Float.isFinite(std[c])) throw new IllegalArgumentException("transform.mean/std: finite, std > 0");
        }
        boolean basic = Fcn.usesSkips(Architecture.parse(backbone)); // resnet18/34: the skip heads or dilated; others dilated only
        if (basic ? !HEADS.contains(head) && !DILATED.equals(head) : !DILATED.equals(head)) {
            throw new IllegalArgumentException("head '" + head + "' (" + backbone + ": " + (basic ? String.join(", ", HEADS) + ", " : "") + DILATED + ")");
        }
        if (!UPSAMPLES.contains(upsample)) throw new IllegalArgumentException("upsample '" + upsample + "' (" + String.join(", ", UPSAMPLES) + ")");
        boolean transposed = "transposed".equals(upsample); // the fields are not set yet in a compact constructor
        if (transposed && DILATED.equals(head)) throw new IllegalArgumentException("upsample 'transposed' is for the FCN-32s/16s/8s heads of resnet18 and resnet34");
        // the transposed convolutions multiply the sides by 2 and by the stride exactly: layer4 must be size / 32
        if (transposed && size % 32 != 0) throw new IllegalArgumentException("transform.size " + size + " (a multiple of 32 for transposed upsampling)");
    }

    /** The default head (FCN-8s, or the dilated FCN for ResNet-50) with bilinear upsampling. */
    public FcnSpec(String backbone, int classes, boolean auxLoss, int size, float[] mean, float[] std) {
        this(backbone, classes, auxLoss, size, mean, std, defaultHead(backbone), "bilinear");
    }

    public static FcnSpec of(String backbone, int classes, int size) {
        return new FcnSpec(backbone, classes, false, size, MEAN.clone(), STD.clone());
    }

    public static FcnSpec of(String backbone, int classes, int size, String head, String upsample) {
        return new FcnSpec(backbone, classes, false, size, MEAN.clone(), STD.clone(), head, upsample);
    }

    /** fcn-8s, or fcn-dilated8 for the backbones that are dilated (torchvision's fcn_resnet50). */
    public static String defaultHead(String backbone) {
        return "resnet50".equals(backbone) ? DILATED : "fcn-8s";
    }

    public Architecture architecture() { return Architecture.parse(backbone); }

    /** The output stride of the scores before the last upsampling: 32, 16 or 8. */
    public int stride() {
        return switch (head) {
            case "fcn-32s" -> 32;
            case "fcn-16s" -> 16;
            default -> 8;
        };
    }

    public boolean transposed() { return "transposed".equals(upsample); }

    /** The dilated backbone (output stride 8) with the FCN head on layer4. */
    public boolean dilated() { return DILATED.equals(head); }

    public Fcn build() { return new Fcn(architecture(), classes, auxLoss, stride(), transposed(), dilated()); }

    public ObjectNode toJson() {
        ObjectNode n = JSON.createObjectNode();
        n.put("backbone", backbone);
        n.put("head", head);
        n.put("upsample", upsample);
        n.put("num_classes", classes);
        n.put("aux_loss", auxLoss);
        ObjectNode t = n.putObject("transform");
        t.put("size", size);
        for (float v : mean) t.withArray("mean").add(v);
        for (float v : std) t.withArray("std").add(v);
        t.put("resize", "bilinear to size × size");
        return n;
    }

    /** @throws IllegalArgumentException naming the bad value */
    public static FcnSpec fromJson(JsonNode n) {
        JsonNode t = n.path("transform");
        String backbone = n.path("backbone").asText("");
        // checked, not coerced: asInt would turn 2^32 + 2 classes into 2
        return new FcnSpec(backbone, ConfigValues.integer(n, "num_classes", -1, -1, Integer.MAX_VALUE),
                n.path("aux_loss").asBoolean(false), ConfigValues.integer(t, "size", -1, -1, Integer.MAX_VALUE),
                floats(t.path("mean")), floats(t.path("std")), n.path("head").asText(defaultHead(backbone)),
                n.path("upsample").asText("bilinear")); // files from before the variants: FCN-8s, bilinear
    }

    private static float[] floats(JsonNode a) {
        if (!a.isArray()) return null;
        float[] f = new float[a.size()];
        for (int i = 0; i < f.length; i++) {
            if (!a.get(i).isNumber()) throw new IllegalArgumentException("transform: " + a + " must hold numbers");
            f[i] = (float) a.get(i).asDouble();
        }
        return f;
    }
}
