package dev.cvkit.detection.yolo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.nn.Container;
import java.util.List;
import java.util.Locale;

/**
 * Every constructor parameter of a YOLO network, as stored in its model file: the form
 * ({@code yolo}: anchor-free, multi-scale; {@code yolov1}: the grid detector), the size
 * ({@code n}, {@code s}, {@code m}: Ultralytics' width and depth multipliers), the number of
 * classes (no background class), the square input size (a multiple of 32), the DFL bins per box
 * side ({@code reg_max}) and, for v1, the boxes per cell B (the grid is imgsz/32 cells a side).
 */
public record YoloSpec(String arch, String scale, int classes, int imgsz, int regMax, int boxesPerCell) {
    public static final String YOLO = "yolo", YOLOV1 = "yolov1";
    public static final List<String> ARCHS = List.of(YOLO, YOLOV1);
    public static final List<String> SCALES = List.of("n", "s", "m");
    private static final ObjectMapper JSON = new ObjectMapper();

    public YoloSpec {
        if (!ARCHS.contains(arch)) throw new IllegalArgumentException("architecture '" + arch + "' (yolo or yolov1)");
        if (!SCALES.contains(scale)) throw new IllegalArgumentException("scale '" + scale + "' (n, s or m)");
        if (classes < 1 || classes > 10_000) throw new IllegalArgumentException("num_classes " + classes);
        if (imgsz < 64 || imgsz > 4096 || imgsz % 32 != 0) throw new IllegalArgumentException("imgsz " + imgsz + " (a multiple of 32 in 64..4096)");
        if (regMax < 2 || regMax > 64) throw new IllegalArgumentException("reg_max " + regMax + " (2..64)");
        if (boxesPerCell < 1 || boxesPerCell > 16) throw new IllegalArgumentException("boxes_per_cell " + boxesPerCell + " (1..16)");
    }

    /** The defaults: 16 DFL bins, 2 boxes per cell. */
    public static YoloSpec of(String arch, String scale, int classes, int imgsz) {
        return new YoloSpec(arch, scale, classes, imgsz, 16, 2);
    }

    /** Width multiplier of the scale (Ultralytics: n 0.25, s 0.50, m 0.75). */
    public double width() {
        return switch (scale) {
            case "n" -> 0.25;
            case "s" -> 0.50;
            default -> 0.75;
        };
    }

    /** Depth multiplier of the scale (n and s 0.33, m 0.67). */
    public double depth() {
        return "m".equals(scale) ? 0.67 : 0.33;
    }

    /** Largest channel count before the width multiplier (m: 768, else 1024). */
    int maxChannels() {
        return "m".equals(scale) ? 768 : 1024;
    }

    /** The v1 grid: cells per side. */
    public int grid() { return imgsz / 32; }

    public Container build() {
        return YOLO.equals(arch) ? new YoloNet(this) : new YoloV1Net(this);
    }

    /** The model file's config entries: {@code architecture}, every value here and the input transform. */
    public ObjectNode toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("architecture", arch);
        o.put("scale", scale);
        o.put("num_classes", classes);
        o.put("imgsz", imgsz);
        if (YOLO.equals(arch)) o.put("reg_max", regMax);
        else {
            o.put("grid", grid());
            o.put("boxes_per_cell", boxesPerCell);
        }
        ObjectNode t = o.putObject("transform");
        t.put("resize", "stretch to imgsz x imgsz, bilinear");
        t.put("scale", "1/255");
        return o;
    }

    /** @throws IllegalArgumentException naming the missing or bad value */
    public static YoloSpec fromJson(JsonNode cfg) {
        String arch = cfg.path("architecture").asText("");
        for (String k : new String[] {"scale", "num_classes", "imgsz"}) {
            if (!cfg.hasNonNull(k)) throw new IllegalArgumentException("config lacks '" + k + "'");
        }
        return new YoloSpec(arch, cfg.get("scale").asText().toLowerCase(Locale.ROOT), cfg.get("num_classes").asInt(),
                cfg.get("imgsz").asInt(), cfg.path("reg_max").asInt(16), cfg.path("boxes_per_cell").asInt(2));
    }
}
