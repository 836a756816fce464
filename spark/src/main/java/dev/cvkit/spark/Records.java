package dev.cvkit.spark;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;

/** Reading the JSON lines back, and the one record the CLI has no line for: a failed image. */
final class Records {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Records() {}

    /** {@code {"file", "error"}}: what the CLI prints as {@code cvkit: FILE: ERROR} on stderr. */
    static String error(String file, String why) {
        ObjectNode o = JSON.createObjectNode();
        o.put("file", file);
        o.put("error", why);
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The error of a record, or null for a result. */
    static String errorOf(String line) {
        JsonNode e = parse(line).get("error");
        return e == null ? null : e.asText();
    }

    static String fileOf(String line) {
        return parse(line).path("file").asText();
    }
}
