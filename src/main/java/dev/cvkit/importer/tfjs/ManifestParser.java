package dev.cvkit.importer.tfjs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cvkit.UserError;
import dev.cvkit.ExitCodes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Parses the TF.js weights manifest: a JSON array of groups
 * {@code {"paths": [..], "weights": [{"name", "shape", "dtype", "quantization"?}, ..]}}.
 * Keys are looked up by name (their order differs between files). Anything malformed, unknown
 * or absurd is a {@link UserError} naming the file and the entry.
 */
final class ManifestParser {
    /** No detector weight comes near this; it bounds allocation for a hostile manifest. */
    static final long MAX_ELEMENTS = 1L << 28;
    private static final int MAX_RANK = 8;

    private ManifestParser() {}

    static List<WeightGroup> parse(JsonNode root, String where) {
        if (root == null || !root.isArray()) {
            throw bad(where, "a weights manifest must be a JSON array of weight groups");
        }
        if (root.isEmpty()) {
            throw bad(where, "the weights manifest has no weight groups");
        }
        List<WeightGroup> groups = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int g = 0; g < root.size(); g++) {
            JsonNode group = root.get(g);
            String gWhere = where + ": weight group " + g;
            if (!group.isObject()) {
                throw bad(gWhere, "is not a JSON object");
            }
            List<String> paths = parsePaths(group.get("paths"), gWhere);
            JsonNode weights = group.get("weights");
            if (weights == null || !weights.isArray()) {
                throw bad(gWhere, "has no \"weights\" array");
            }
            List<WeightSpec> specs = new ArrayList<>();
            for (int i = 0; i < weights.size(); i++) {
                WeightSpec spec = parseEntry(weights.get(i), gWhere + " entry " + i);
                if (!names.add(spec.name())) {
                    throw bad(where, "weight name \"" + spec.name() + "\" occurs twice");
                }
                specs.add(spec);
            }
            groups.add(new WeightGroup(paths, specs));
        }
        return groups;
    }

    private static List<String> parsePaths(JsonNode node, String where) {
        if (node == null || !node.isArray() || node.isEmpty()) {
            throw bad(where, "has no \"paths\" (the shard files)");
        }
        List<String> paths = new ArrayList<>();
        for (JsonNode p : node) {
            String s = p.isTextual() ? p.asText() : null;
            // Shards must sit in the manifest's folder tree: no absolute paths, no "..".
            if (s == null || s.isEmpty() || s.startsWith("/") || s.startsWith("\\") || s.contains(":")
                    || List.of(s.split("[/\\\\]")).contains("..")) {
                throw bad(where, "shard path " + p + " must be a relative file name inside the model folder");
            }
            paths.add(s);
        }
        return paths;
    }

    static WeightSpec parseEntry(JsonNode e, String where) {
        if (e == null || !e.isObject()) {
            throw bad(where, "is not a JSON object");
        }
        JsonNode nameNode = e.get("name");
        if (nameNode == null || !nameNode.isTextual() || nameNode.asText().isEmpty()) {
            throw bad(where, "has no \"name\"");
        }
        String name = nameNode.asText();
        String w = where + " (" + name + ")";
        int[] shape = parseShape(e.get("shape"), w);
        JsonNode dtypeNode = e.get("dtype");
        String dtypeText = dtypeNode == null ? null : dtypeNode.asText();
        WeightSpec.Dtype dtype;
        if ("float32".equals(dtypeText)) {
            dtype = WeightSpec.Dtype.FLOAT32;
        } else if ("int32".equals(dtypeText)) {
            dtype = WeightSpec.Dtype.INT32;
        } else {
            throw bad(w, "dtype " + (dtypeNode == null ? "missing" : dtypeNode.toString())
                    + " is not supported (float32 or int32)");
        }
        Quantization q = parseQuantization(e.get("quantization"), dtype, w);
        WeightSpec spec = new WeightSpec(name, shape, dtype, q);
        if (spec.elements() > MAX_ELEMENTS) {
            throw bad(w, "has " + spec.elements() + " elements, more than any model cvkit imports");
        }
        return spec;
    }

    private static int[] parseShape(JsonNode node, String where) {
        if (node == null || !node.isArray()) {
            throw bad(where, "has no \"shape\" array");
        }
        if (node.size() > MAX_RANK) {
            throw bad(where, "shape has rank " + node.size() + " (at most " + MAX_RANK + ")");
        }
        int[] shape = new int[node.size()];
        long n = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = node.get(i);
            if (!d.isIntegralNumber() || d.asLong() < 0 || d.asLong() > MAX_ELEMENTS) {
                throw bad(where, "shape " + node + " must hold non-negative integers");
            }
            shape[i] = d.asInt();
            n *= shape[i];
            if (n > MAX_ELEMENTS) {
                throw bad(where, "shape " + node + " is too large");
            }
        }
        return shape;
    }

    private static Quantization parseQuantization(JsonNode node, WeightSpec.Dtype dtype, String where) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw bad(where, "\"quantization\" is not a JSON object");
        }
        String kind = node.path("dtype").asText("");
        switch (kind) {
            case "uint8", "uint16" -> {
                JsonNode scale = node.get("scale");
                JsonNode min = node.get("min");
                if (scale == null || !scale.isNumber() || min == null || !min.isNumber()
                        || !Double.isFinite(scale.asDouble()) || !Double.isFinite(min.asDouble())) {
                    throw bad(where, kind + " quantization needs numeric \"scale\" and \"min\"");
                }
                return new Quantization(kind.equals("uint8") ? Quantization.Kind.UINT8 : Quantization.Kind.UINT16,
                        scale.asDouble(), min.asDouble());
            }
            case "float16" -> {
                if (dtype != WeightSpec.Dtype.FLOAT32) {
                    throw bad(where, "float16 quantization of an int32 weight is not supported");
                }
                return new Quantization(Quantization.Kind.FLOAT16, 1, 0);
            }
            default -> throw bad(where, "quantization dtype \"" + kind + "\" is not supported (uint8, uint16 or float16)");
        }
    }

    static UserError bad(String where, String what) {
        return new UserError(where + ": " + what, ExitCodes.INPUT_FAILED);
    }

    static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
