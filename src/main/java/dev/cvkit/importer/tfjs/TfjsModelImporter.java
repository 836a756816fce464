package dev.cvkit.importer.tfjs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.UserError;
import dev.cvkit.ExitCodes;
import dev.cvkit.detection.Architecture;
import dev.cvkit.detection.CenterNetNet;
import dev.cvkit.detection.CocoClasses;
import dev.cvkit.detection.NanoDetNet;
import dev.cvkit.detection.SsdMobileNetV1Face;
import dev.cvkit.io.SafeTensors;
import dev.cvkit.nn.Module;
import dev.cvkit.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts a TF.js detector into a cvkit model: maps each TF.js weight onto the parameter of the
 * matching cvkit layer (HWIO → OIHW, depthwise → grouped OIHW), checks every shape by loading the
 * result into the architecture, and describes the model in the file's config metadata (classes,
 * input size, preprocessing, thresholds, provenance with the SHA-256 of every source file).
 *
 * <p>By default each tensor is written as compactly as its source stores it, losslessly: float16
 * sources (NanoDet) as F16, uint8-quantised ones (face-api) as U8 codes with their {scale, min}
 * (see {@link SafeTensors}); loading gives bit for bit the float32 values decoded here.
 */
public final class TfjsModelImporter {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Converted weights (names as the architecture's state dict), the config JSON, and for each
     * tensor the storage that keeps it exactly as compact as its source (F32 for float32 sources).
     */
    public record Imported(Map<String, Tensor> tensors, ObjectNode config, Map<String, SafeTensors.Storage> compact) {}

    /** How {@link #write} stores the tensors. */
    public enum Dtype {
        /** As the source stores them (F16 for float16, U8 + scale/min for uint8), losslessly. */
        SOURCE,
        /** Everything float32. */
        F32
    }

    private TfjsModelImporter() {}

    /**
     * @param path the manifest / model.json, or the folder holding it under its usual name
     *             ({@code ssd_mobilenetv1_model-weights_manifest.json},
     *             {@code tiny_face_detector_model-weights_manifest.json}, {@code nanodet.json},
     *             {@code centernet.json})
     */
    public static Imported importModel(Path path, Architecture arch) {
        Path file = resolve(path, arch);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, String> origin = new LinkedHashMap<>(); // cvkit tensor name -> TF.js weight name
        List<SourceFile> sources;
        TfjsWeights w;
        if (arch == Architecture.NANODET || arch == Architecture.CENTERNET) {
            TfjsGraphModel g = TfjsGraphModel.read(file);
            if (arch == Architecture.NANODET) {
                mapNanoDet(g, tensors, origin);
            } else {
                CenterNetMapping.map(g, tensors, origin);
            }
            w = g.weights();
        } else {
            w = TfjsWeights.readManifest(file);
            if (arch == Architecture.SSD_MOBILENETV1_FACE) {
                mapSsd(w, tensors, origin);
            } else {
                mapTiny(w, tensors, origin);
            }
        }
        sources = w.sources();
        Module net = arch.newNetwork();
        try {
            net.loadStateDict(tensors);
        } catch (IllegalArgumentException e) {
            throw new UserError(file + ": does not fit --arch " + arch.id() + " (" + e.getMessage() + ")", ExitCodes.INPUT_FAILED);
        }
        return new Imported(tensors, config(arch, file, sources), compactStorage(w, origin));
    }

    /** The lossless compact storage of each tensor, from how its TF.js source was stored. */
    private static Map<String, SafeTensors.Storage> compactStorage(TfjsWeights w, Map<String, String> origin) {
        Map<String, SafeTensors.Storage> storage = new LinkedHashMap<>();
        origin.forEach((name, src) -> {
            Quantization q = w.get(src).quantization();
            SafeTensors.Storage s = q == null ? SafeTensors.Storage.F32 : switch (q.kind()) {
                case FLOAT16 -> SafeTensors.Storage.F16;
                case UINT8 -> SafeTensors.Storage.u8(q.scale(), q.min());
                case UINT16 -> SafeTensors.Storage.F32; // no detector uses 16-bit codes; float32 keeps them exactly
            };
            storage.put(name, s);
        });
        return storage;
    }

    /** Writes the model file in the compact lossless form ({@link Dtype#SOURCE}). */
    public static void write(Imported m, Path out) throws IOException {
        write(m, out, Dtype.SOURCE);
    }

    /** Writes the model file (config under the metadata key "config"), tensors stored as {@code dtype} says. */
    public static void write(Imported m, Path out, Dtype dtype) throws IOException {
        SafeTensors.write(out, m.tensors(), Map.of(SafeTensors.CONFIG_KEY, JSON.writeValueAsString(m.config())),
                dtype == Dtype.SOURCE ? m.compact() : Map.of());
    }

    /** Every file an import of {@code m} read: the manifest or model.json and its shards. */
    public static List<Path> sourceFiles(Imported m, Path path, Architecture arch) {
        Path folder = resolve(path, arch).toAbsolutePath().getParent();
        List<Path> files = new java.util.ArrayList<>();
        files.add(resolve(path, arch));
        for (JsonNode f : m.config().path("provenance").path("files")) {
            files.add(folder.resolve(f.path("name").asText()));
        }
        return files;
    }

    static Path resolve(Path path, Architecture arch) {
        if (!Files.isDirectory(path)) {
            return path;
        }
        List<String> names = switch (arch) {
            case SSD_MOBILENETV1_FACE -> List.of("ssd_mobilenetv1_model-weights_manifest.json");
            case TINY_FACE -> List.of("tiny_face_detector_model-weights_manifest.json");
            case NANODET -> List.of("nanodet.json", "model.json");
            case CENTERNET -> List.of("centernet.json", "model.json");
        };
        for (String n : names) {
            if (Files.isRegularFile(path.resolve(n))) {
                return path.resolve(n);
            }
        }
        throw new UserError(path + ": no " + String.join(" or ", names) + " in this folder (give the file itself)", ExitCodes.INPUT_FAILED);
    }

    // ------------------------------------------------------------------ SSD-MobileNetV1 (face-api)

    private static void mapSsd(TfjsWeights w, Map<String, Tensor> out, Map<String, String> origin) {
        int[] ch = {32, 64, 128, 128, 256, 256, 512, 512, 512, 512, 512, 512, 1024, 1024};
        conv(w, out, origin, "MobilenetV1/Conv2d_0_pointwise/weights", "MobilenetV1/Conv2d_0_pointwise/convolution_bn_offset",
                "backbone.conv0", 3, 3, 32);
        for (int i = 1; i <= 13; i++) {
            int c = ch[i - 1];
            String p = "MobilenetV1/Conv2d_" + i;
            String q = "backbone.blocks." + i;
            origin.put(q + ".dw.weight", p + "_depthwise/depthwise_weights");
            out.put(q + ".dw.weight", Tensor.of(Layouts.depthwiseToOihw(w.floats(p + "_depthwise/depthwise_weights", 3, 3, c, 1), 3, 3, c, 1), c, 1, 3, 3));
            vec(w, out, origin, q + ".bn.weight", p + "_depthwise/BatchNorm/gamma", c);
            vec(w, out, origin, q + ".bn.bias", p + "_depthwise/BatchNorm/beta", c);
            vec(w, out, origin, q + ".bn.running_mean", p + "_depthwise/BatchNorm/moving_mean", c);
            vec(w, out, origin, q + ".bn.running_var", p + "_depthwise/BatchNorm/moving_variance", c);
            conv(w, out, origin, p + "_pointwise/weights", p + "_pointwise/convolution_bn_offset", q + ".pw", 1, c, ch[i]);
        }
        int[][] extras = {{1024, 256, 1}, {256, 512, 3}, {512, 128, 1}, {128, 256, 3}, {256, 128, 1}, {128, 256, 3}, {256, 64, 1}, {64, 128, 3}};
        for (int j = 0; j < extras.length; j++) {
            conv(w, out, origin, "Prediction/Conv2d_" + j + "_pointwise/weights", "Prediction/Conv2d_" + j + "_pointwise/convolution_bn_offset",
                    "extras." + j, extras[j][2], extras[j][0], extras[j][1]);
        }
        int[] headIn = {512, 1024, 512, 256, 256, 128};
        for (int k = 0; k < 6; k++) {
            int a = k == 0 ? 3 : 6;
            String p = "Prediction/BoxPredictor_" + k;
            conv(w, out, origin, p + "/BoxEncodingPredictor/weights", p + "/BoxEncodingPredictor/biases", "heads." + k + ".box", 1, headIn[k], 4 * a);
            conv(w, out, origin, p + "/ClassPredictor/weights", p + "/ClassPredictor/biases", "heads." + k + ".cls", 1, headIn[k], 3 * a);
        }
        float[] anchors = w.floats("Output/extra_dim", 1, SsdMobileNetV1Face.ANCHORS, 4);
        origin.put("anchors", "Output/extra_dim");
        out.put("anchors", Tensor.of(anchors.clone(), SsdMobileNetV1Face.ANCHORS, 4));
    }

    // ------------------------------------------------------------------ Tiny face detector (face-api)

    private static void mapTiny(TfjsWeights w, Map<String, Tensor> out, Map<String, String> origin) {
        conv(w, out, origin, "conv0/filters", "conv0/bias", "conv0", 3, 3, 16);
        int[] ch = {16, 32, 64, 128, 256, 512};
        for (int n = 1; n <= 5; n++) {
            int c = ch[n - 1], o = ch[n];
            origin.put("conv" + n + ".dw.weight", "conv" + n + "/depthwise_filter");
            out.put("conv" + n + ".dw.weight", Tensor.of(Layouts.depthwiseToOihw(w.floats("conv" + n + "/depthwise_filter", 3, 3, c, 1), 3, 3, c, 1), c, 1, 3, 3));
            conv(w, out, origin, "conv" + n + "/pointwise_filter", "conv" + n + "/bias", "conv" + n + ".pw", 1, c, o);
        }
        conv(w, out, origin, "conv8/filters", "conv8/bias", "conv8", 1, 512, 25);
    }

    // ------------------------------------------------------------------ NanoDet (graph model)

    /** cvkit parameter prefixes of NanoDet's 34 convolutions, in the graph's numbering (convolution, convolution_1, ...). */
    static List<String> nanoDetConvOrder() {
        List<String> names = new ArrayList<>(List.of("backbone.stem"));
        int[] steps = {1, 2, 2, 3};
        for (int s = 0; s < steps.length; s++) {
            String p = "backbone.stages." + s;
            names.add(p + ".in_conv");
            for (int r = 0; r < steps[s]; r++) {
                names.add(p + ".split_conv." + r);
                names.add(p + ".res_conv." + r);
            }
            names.add(p + ".out_conv");
        }
        for (int l = 0; l < 3; l++) {
            names.add("fpn.lateral." + l);
        }
        for (int l = 0; l < 3; l++) {
            names.add("head." + l + ".conv");
            names.add("head." + l + ".out");
        }
        return names;
    }

    private static void mapNanoDet(TfjsGraphModel g, Map<String, Tensor> out, Map<String, String> origin) {
        List<String> order = nanoDetConvOrder();
        List<GraphNode> convs = g.nodes().stream().filter(n -> n.op().equals("Conv2D")).toList();
        if (convs.size() != order.size()) {
            throw new UserError(g.where() + ": has " + convs.size() + " Conv2D nodes, NanoDet has " + order.size(), ExitCodes.INPUT_FAILED);
        }
        NanoDetNet reference = new NanoDetNet();
        Map<String, Tensor> expected = reference.stateDict();
        for (GraphNode conv : convs) {
            int k = convIndex(conv, g);
            String name = order.get(k);
            if (!"NHWC".equals(conv.attrString("data_format")) || !"VALID".equals(conv.attrString("padding"))) {
                throw new UserError(g.where() + ": " + conv.name() + " is not an NHWC 'VALID' convolution", ExitCodes.INPUT_FAILED);
            }
            int[] shape = expected.get(name + ".weight").shape(); // [out, in, kh, kw]
            GraphNode filter = g.node(conv.inputNode(1));
            float[] hwio = g.weights().floats(filter.name(), shape[2], shape[3], shape[1], shape[0]);
            int stride = conv.attrInts("strides") == null ? 1 : conv.attrInts("strides")[1];
            int wantStride = name.endsWith("stem") || (name.endsWith("in_conv") && !name.contains("stages.0")) ? 2 : 1;
            if (stride != wantStride) {
                throw new UserError(g.where() + ": " + conv.name() + " has stride " + stride + ", NanoDet's " + name + " has " + wantStride,
                        ExitCodes.INPUT_FAILED);
            }
            String bias = biasOf(conv, g);
            out.put(name + ".weight", Tensor.of(Layouts.hwioToOihw(hwio, shape[2], shape[3], shape[1], shape[0]), shape));
            out.put(name + ".bias", Tensor.of(g.weights().floats(bias, shape[0]).clone(), shape[0]));
            origin.put(name + ".weight", filter.name());
            origin.put(name + ".bias", bias);
        }
    }

    private static int convIndex(GraphNode conv, TfjsGraphModel g) {
        String n = conv.name();
        int us = n.lastIndexOf("convolution");
        String suffix = us < 0 ? null : n.substring(us + "convolution".length());
        try {
            if (suffix != null && suffix.isEmpty()) {
                return 0;
            }
            if (suffix != null && suffix.startsWith("_")) {
                return Integer.parseInt(suffix.substring(1));
            }
        } catch (NumberFormatException ignored) {
            // falls through to the error below
        }
        throw new UserError(g.where() + ": unexpected Conv2D node name " + n + " (not the NanoDet graph?)", ExitCodes.INPUT_FAILED);
    }

    /** The Const added to a conv's output (its bias): the conv's single Add/AddV2/BiasAdd consumer. */
    private static String biasOf(GraphNode conv, TfjsGraphModel g) {
        for (GraphNode c : g.consumers(conv.name())) {
            if (c.op().equals("Add") || c.op().equals("AddV2") || c.op().equals("BiasAdd")) {
                for (String in : c.dataInputs()) {
                    GraphNode src = g.node(in);
                    if (src.op().equals("Const")) {
                        return src.name();
                    }
                }
            }
        }
        throw new UserError(g.where() + ": " + conv.name() + " has no bias addition", ExitCodes.INPUT_FAILED);
    }

    // ------------------------------------------------------------------ helpers

    private static void conv(TfjsWeights w, Map<String, Tensor> out, Map<String, String> origin, String filter, String bias,
            String name, int k, int in, int o) {
        out.put(name + ".weight", Tensor.of(Layouts.hwioToOihw(w.floats(filter, k, k, in, o), k, k, in, o), o, in, k, k));
        origin.put(name + ".weight", filter);
        out.put(name + ".bias", Tensor.of(w.floats(bias, o).clone(), o));
        origin.put(name + ".bias", bias);
    }

    private static void vec(TfjsWeights w, Map<String, Tensor> out, Map<String, String> origin, String name, String src, int n) {
        out.put(name, Tensor.of(w.floats(src, n).clone(), n));
        origin.put(name, src);
    }

    // ------------------------------------------------------------------ metadata

    private static ObjectNode config(Architecture arch, Path file, List<SourceFile> sources) {
        ObjectNode c = JSON.createObjectNode();
        c.put("task", "detect");
        c.put("architecture", arch.id());
        ArrayNode classes = c.putArray("classes");
        ArrayNode ids = c.putArray("category_ids");
        ObjectNode th = JSON.createObjectNode();
        switch (arch) {
            case SSD_MOBILENETV1_FACE -> {
                classes.add("face");
                ids.add(1);
                c.put("input_size", SsdMobileNetV1Face.INPUT);
                c.put("preprocessing", "RGB, zero-pad bottom/right to a square, tf.js bilinear resize (no half-pixel centres) to 512, x/127.5 - 1");
                th.put("conf", 0.5).put("iou", 0.5).put("max_det", 100);
            }
            case TINY_FACE -> {
                classes.add("face");
                ids.add(1);
                c.put("input_size", 416);
                c.put("preprocessing", "RGB, zero-pad bottom/right to a square, tf.js bilinear resize (no half-pixel centres) to input_size, (x - [117.001, 114.697, 97.404]) / 255");
                th.put("conf", 0.5).put("iou", 0.4).put("max_det", 100);
            }
            case NANODET -> {
                CocoClasses.NAMES.forEach(classes::add);
                CocoClasses.IDS.forEach(ids::add);
                c.put("input_size", NanoDetNet.INPUT);
                c.put("preprocessing", "RGB image stretched to 416x416 by tf.js bilinear resize (no half-pixel centres), (x - [123.675, 116.28, 103.53]) / [58.395, 57.12, 57.375]");
                // 0.35 is NanoDet's demo threshold; its COCO evaluation uses 0.05.
                th.put("conf", 0.35).put("iou", 0.6).put("max_det", 100).put("eval_conf", 0.05);
            }
            case CENTERNET -> {
                CocoClasses.NAMES.forEach(classes::add);
                CocoClasses.IDS.forEach(ids::add);
                c.put("input_size", CenterNetNet.INPUT);
                c.put("preprocessing", "RGB 0..255 image centred in a square filled with [123, 116, 103], tf.js bilinear resize (no half-pixel centres) to 512x512; the graph divides by 255 itself");
                // human: minConfidence 0.2, iouThreshold 0.4, class-agnostic; 0.2 shows many second guesses per object
                th.put("conf", 0.3).put("iou", 0.5).put("max_det", 100).put("eval_conf", 0.05);
            }
            default -> throw new IllegalStateException(arch.toString());
        }
        c.set("thresholds", th);
        ObjectNode prov = c.putObject("provenance");
        prov.put("format", "tfjs");
        JsonNode pkg = packageJson(file);
        prov.put("package", pkg.path("name").asText("unknown"));
        prov.put("version", pkg.path("version").asText("unknown"));
        prov.put("license", pkg.path("license").asText("unknown"));
        if (arch == Architecture.NANODET) {
            prov.put("upstream", "NanoDet (RangiLyu/nanodet)");
            prov.put("upstream_license", "Apache-2.0");
        } else if (arch == Architecture.CENTERNET) {
            prov.put("upstream", "MB3-CenterNet (610265158/mobilenetv3_centernet)");
            prov.put("upstream_license", "none stated (the repository has no licence file; the npm package is MIT)");
        } else {
            prov.put("upstream", "face-api.js 0.22.2");
            prov.put("upstream_license", "MIT");
        }
        ArrayNode files = prov.putArray("files");
        for (SourceFile s : sources) {
            files.addObject().put("name", s.name()).put("bytes", s.bytes()).put("sha256", s.sha256());
        }
        prov.put("converted_by", "cvkit models import --from tfjs --arch " + arch.id());
        return c;
    }

    /** The npm package.json next to the model folder (face-api: model/, human-models: models/), or an empty object. */
    private static JsonNode packageJson(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        for (int up = 0; up < 2 && dir != null; up++, dir = dir.getParent()) {
            Path p = dir.resolve("package.json");
            if (Files.isRegularFile(p)) {
                try {
                    return JSON.readTree(p.toFile());
                } catch (IOException e) {
                    return JSON.createObjectNode();
                }
            }
        }
        return JSON.createObjectNode();
    }
}
