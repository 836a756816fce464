package dev.cvkit.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.io.AtomicFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Metrics of a run, one row per epoch (or per validation), kept as {@code metrics.jsonl} and
 * {@code metrics.csv}; both files are rewritten atomically after every row, so they always
 * hold whole lines. On resume, rows after the checkpoint's epoch (or iteration) are dropped.
 */
public final class MetricsLog {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path dir;
    private final String key;
    private final List<ObjectNode> rows = new ArrayList<>();

    /** Rows counted by {@code epoch}. */
    public MetricsLog(Path dir) {
        this(dir, "epoch");
    }

    /** Rows counted by the field {@code key} (e.g. {@code iteration}). */
    public MetricsLog(Path dir, String key) {
        this.dir = dir;
        this.key = key;
    }

    /** Loads the rows with {@code key} up to lastEpoch from an earlier run (resume). */
    public void load(int lastEpoch) throws IOException {
        rows.clear();
        Path f = dir.resolve("metrics.jsonl");
        if (!Files.exists(f)) {
            return;
        }
        try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = r.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode n;
                try {
                    n = JSON.readTree(line);
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new dev.cvkit.UserError(f + ": line " + number + ": malformed JSON (" + e.getOriginalMessage()
                            + "); the run's metrics were edited or damaged", dev.cvkit.ExitCodes.INPUT_FAILED);
                }
                if (n instanceof ObjectNode o && o.path(key).asLong() <= lastEpoch) {
                    rows.add(o);
                }
            }
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new dev.cvkit.UserError(f + ": not UTF-8 text; the run's metrics were edited or damaged", dev.cvkit.ExitCodes.INPUT_FAILED);
        }
    }

    public List<ObjectNode> rows() { return rows; }

    /** Appends one epoch's row and rewrites both files. */
    public void add(ObjectNode row) throws IOException {
        rows.add(row);
        StringBuilder jsonl = new StringBuilder();
        for (ObjectNode r : rows) {
            jsonl.append(JSON.writeValueAsString(r)).append('\n');
        }
        AtomicFiles.write(dir.resolve("metrics.jsonl"), jsonl.toString().getBytes(StandardCharsets.UTF_8));
        AtomicFiles.write(dir.resolve("metrics.csv"), csv().getBytes(StandardCharsets.UTF_8));
    }

    private String csv() {
        Set<String> cols = new LinkedHashSet<>();
        for (ObjectNode r : rows) {
            r.fieldNames().forEachRemaining(cols::add);
        }
        StringBuilder sb = new StringBuilder(String.join(",", cols)).append('\n');
        for (ObjectNode r : rows) {
            Iterator<String> it = cols.iterator();
            while (it.hasNext()) {
                JsonNode v = r.get(it.next());
                if (v != null && !v.isNull()) {
                    sb.append(v.isFloatingPointNumber() ? String.format(Locale.ROOT, "%.6g", v.asDouble()) : v.asText());
                }
                if (it.hasNext()) {
                    sb.append(',');
                }
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** Values of one column, NaN where a row lacks it. */
    public double[] column(String name) {
        double[] out = new double[rows.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = rows.get(i).get(name);
            out[i] = v == null || !v.isNumber() ? Double.NaN : v.asDouble();
        }
        return out;
    }
}
