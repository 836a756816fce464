package dev.cvkit.io;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Numbers read from a model file's JSON config, checked rather than coerced: Jackson's
 * {@code asInt} turns 2^40 into 0 and {@code "abc"} into the default, which would load a broken
 * file as a working one. Each failure is an {@link IllegalArgumentException} naming the key, for
 * the loader to report as a bad model file.
 */
public final class ConfigValues {
    private ConfigValues() {}

    /** {@code parent.key}: absent gives {@code fallback}; else an integer in {@code lo..hi}. */
    public static int integer(JsonNode parent, String key, int fallback, long lo, long hi) {
        JsonNode v = parent.path(key);
        if (v.isMissingNode() || v.isNull()) return fallback;
        return integer(v, key, lo, hi);
    }

    /** A node that must be an integer in {@code lo..hi}. */
    public static int integer(JsonNode v, String name, long lo, long hi) {
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < lo || v.asLong() > hi) {
            throw new IllegalArgumentException("'" + name + "' must be an integer in " + lo + ".." + hi + ", got " + v);
        }
        return (int) v.asLong();
    }

    /** {@code parent.key}: absent gives {@code fallback}; else a finite number in {@code lo..hi}. */
    public static double number(JsonNode parent, String key, double fallback, double lo, double hi) {
        JsonNode v = parent.path(key);
        if (v.isMissingNode() || v.isNull()) return fallback;
        if (!v.isNumber() || !Double.isFinite(v.asDouble()) || v.asDouble() < lo || v.asDouble() > hi) {
            throw new IllegalArgumentException("'" + key + "' must be a number in " + lo + ".." + hi + ", got " + v);
        }
        return v.asDouble();
    }
}
