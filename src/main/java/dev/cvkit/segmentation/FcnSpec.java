package dev.cvkit.segmentation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.io.ConfigValues;
import dev.cvkit.models.Architecture;
import java.util.List;

/**
 * Everything that rebuilds an {@link Fcn} and feeds it: the backbone, the number of classes
 * (background included), the auxiliary head, and the input transform (images scaled to
 * {@code size × size}, values in [0, 1] normalised by {@code mean} and {@code std}).
 */
public record FcnSpec(String backbone, int classes, boolean auxLoss, int size, float[] mean, float[] std) {
    public static final List<String> BACKBONES = List.of("resnet18", "resnet34", "resnet50");
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
    }

    public static FcnSpec of(String backbone, int classes, int size) {
        return new FcnSpec(backbone, classes, false, size, MEAN.clone(), STD.clone());
    }

    public Architecture architecture() { return Architecture.parse(backbone); }

    public Fcn build() { return new Fcn(architecture(), classes, auxLoss); }

    /** The head as the lecture names it: torchvision's dilated FCN (stride 8) or FCN-8s skips. */
    public String head() { return Fcn.usesSkips(architecture()) ? "fcn-8s" : "fcn-dilated8"; }

    public ObjectNode toJson() {
        ObjectNode n = JSON.createObjectNode();
        n.put("backbone", backbone);
        n.put("head", head());
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
        // checked, not coerced: asInt would turn 2^32 + 2 classes into 2
        return new FcnSpec(n.path("backbone").asText(""), ConfigValues.integer(n, "num_classes", -1, -1, Integer.MAX_VALUE),
                n.path("aux_loss").asBoolean(false), ConfigValues.integer(t, "size", -1, -1, Integer.MAX_VALUE),
                floats(t.path("mean")), floats(t.path("std")));
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
