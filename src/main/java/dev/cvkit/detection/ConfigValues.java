package dev.cvkit.detection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;

/**
 * Reading a model config's values with bounds, for the specs of the detectors cvkit trains: a
 * missing, mistyped or out-of-range value is an IllegalArgumentException that names it, so a
 * hostile model file is refused before anything is allocated.
 */
public final class ConfigValues {
    private ConfigValues() {}

    public static void check(String name, int v, int lo, int hi) {
        if (v < lo || v > hi) throw new IllegalArgumentException(name + " = " + v + " is not in " + lo + ".." + hi);
    }

    public static String text(JsonNode n, String k) {
        if (!n.path(k).isTextual()) throw new IllegalArgumentException("'" + k + "' missing");
        return n.get(k).asText();
    }

    public static boolean bool(JsonNode n, String k) {
        if (!n.path(k).isBoolean()) throw new IllegalArgumentException("'" + k + "' missing or not true/false");
        return n.get(k).asBoolean();
    }

    public static int integer(JsonNode n, String k) {
        JsonNode v = n.path(k);
        if (!v.canConvertToInt() || !v.isIntegralNumber()) throw new IllegalArgumentException("'" + k + "' missing or not an integer");
        return v.asInt();
    }

    /** 1 … {@code max} numbers. */
    public static float[] floats(JsonNode n, String k, int max) {
        JsonNode v = n.path(k);
        if (!v.isArray() || v.size() == 0 || v.size() > max) throw new IllegalArgumentException("'" + k + "' missing or of bad length");
        float[] out = new float[v.size()];
        for (int i = 0; i < out.length; i++) {
            if (!v.get(i).isNumber()) throw new IllegalArgumentException("'" + k + "' holds a non-number");
            out[i] = (float) v.get(i).asDouble();
        }
        return out;
    }

    /** Each value in [lo, hi]. */
    public static void range(String name, float[] v, float lo, float hi) {
        for (float x : v) {
            if (!(x >= lo && x <= hi)) throw new IllegalArgumentException(name + " " + x + " is not in " + lo + ".." + hi);
        }
    }

    public static void put(ArrayNode a, float[] v) {
        for (float x : v) a.add(x);
    }
}
