package dev.cvkit.importer.tfjs;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * One node of a TF.js graph model's topology: name, op, inputs ({@code "node"},
 * {@code "node:k"} for output k, {@code "^node"} for a control dependency) and attributes as
 * TensorFlow's AttrValue JSON ({@code {"i": "3"}}, {@code {"f": 0.1}}, {@code {"b": true}},
 * {@code {"s": base64}}, {@code {"list": {"i": [...]}}}).
 */
public record GraphNode(String name, String op, List<String> inputs, JsonNode attr) {
    public GraphNode {
        inputs = List.copyOf(inputs);
    }

    /** The producing node's name of input {@code i} (output index and control marker stripped). */
    public String inputNode(int i) {
        return nodeOf(inputs.get(i));
    }

    /** Data inputs only (control dependencies dropped). */
    public List<String> dataInputs() {
        List<String> out = new ArrayList<>();
        for (String s : inputs) {
            if (!s.startsWith("^")) {
                out.add(s);
            }
        }
        return out;
    }

    static String nodeOf(String input) {
        String s = input.startsWith("^") ? input.substring(1) : input;
        int colon = s.lastIndexOf(':');
        return colon > 0 && s.substring(colon + 1).chars().allMatch(Character::isDigit) ? s.substring(0, colon) : s;
    }

    /** Output index of an input reference ({@code "node:1"} → 1, {@code "node"} → 0). */
    static int outputIndex(String input) {
        int colon = input.lastIndexOf(':');
        if (colon > 0 && colon < input.length() - 1 && input.substring(colon + 1).chars().allMatch(Character::isDigit)) {
            return Integer.parseInt(input.substring(colon + 1));
        }
        return 0;
    }

    public boolean hasAttr(String key) {
        return attr != null && attr.has(key);
    }

    /** A string attribute (stored base64 in model.json), or null. */
    public String attrString(String key) {
        JsonNode v = attr == null ? null : attr.path(key).get("s");
        return v == null ? null : new String(Base64.getDecoder().decode(v.asText()), StandardCharsets.UTF_8);
    }

    /** An int list attribute ({@code list.i}), or null. */
    public int[] attrInts(String key) {
        JsonNode v = attr == null ? null : attr.path(key).path("list").get("i");
        if (v == null || !v.isArray()) {
            return null;
        }
        int[] out = new int[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Integer.parseInt(v.get(i).asText());
        }
        return out;
    }

    /** A float attribute ({@code f}), or {@code fallback}. */
    public double attrFloat(String key, double fallback) {
        JsonNode v = attr == null ? null : attr.path(key).get("f");
        return v == null ? fallback : v.asDouble();
    }

    /** A bool attribute ({@code b}), or {@code fallback}. */
    public boolean attrBool(String key, boolean fallback) {
        JsonNode v = attr == null ? null : attr.path(key).get("b");
        return v == null ? fallback : v.asBoolean();
    }

    /** An int attribute ({@code i}), or {@code fallback}. */
    public long attrInt(String key, long fallback) {
        JsonNode v = attr == null ? null : attr.path(key).get("i");
        return v == null ? fallback : Long.parseLong(v.asText());
    }
}
