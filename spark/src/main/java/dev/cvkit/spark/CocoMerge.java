package dev.cvkit.spark;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cvkit.ExitCodes;
import dev.cvkit.UserError;
import dev.cvkit.coco.CocoDataset;
import dev.cvkit.coco.CocoFormatException;
import dev.cvkit.io.AtomicFiles;
import dev.cvkit.io.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * --coco FILE: the results of every finished run of an --output merged into one COCO results file
 * on the driver, in the CLI's order (the folder walk's: path segments compared in turn) and with
 * its ids: 1, 2, … in that order, or with --gt the dataset's image ids (by file name) and category
 * ids (by name). Streams the sorted records partition by partition, so the driver holds one partition.
 */
final class CocoMerge {
    /** Writes the COCO rows of one record. */
    interface Rows {
        /** {@code categories}: the dataset's category id by name, or null for the model's own ids; names it lacks go to {@code unknown}. */
        void write(JsonGenerator g, JsonNode record, long imageId, Map<String, Long> categories, TreeSet<String> unknown) throws IOException;
    }

    private CocoMerge() {}

    static void write(JavaSparkContext sc, RunDir out, Path coco, Path gt, Rows rows, PrintWriter err, boolean quiet) throws IOException {
        CocoDataset dataset = null;
        Map<String, Long> categories = null;
        if (gt != null) {
            try {
                dataset = CocoDataset.read(gt, false);
            } catch (CocoFormatException e) {
                throw new UserError(e.getMessage() + " (--gt)", ExitCodes.USAGE, e);
            }
            categories = new HashMap<>();
            for (int k = 0; k < dataset.categoryCount(); k++) {
                categories.put(dataset.categoryName(k), dataset.categoryId(k));
            }
        }
        Iterator<String> sorted = out.records(sc).filter(l -> Records.errorOf(l) == null)
                .sortBy(l -> Records.fileOf(l).replace('/', '\u0000'), true, Math.max(1, sc.defaultParallelism()))
                .toLocalIterator();
        long index = 0;
        long leftImages = 0;
        TreeSet<String> unknown = new TreeSet<>();
        try (AtomicFiles.Pending file = new AtomicFiles.Pending(coco)) {
            JsonGenerator g = Json.MAPPER.getFactory().createGenerator(file.stream());
            g.writeStartArray();
            while (sorted.hasNext()) {
                JsonNode r = Records.parse(sorted.next());
                index++;
                long id = index;
                if (dataset != null) {
                    int i = dataset.imageByFile(r.path("file").asText());
                    if (i < 0) {
                        leftImages++;
                        continue;
                    }
                    id = dataset.imageId(i);
                }
                rows.write(g, r, id, categories, unknown);
            }
            g.writeEndArray();
            g.flush();
            file.commit();
        }
        if (!quiet && leftImages > 0) {
            err.println("cvkit: warning: --coco leaves out " + leftImages + " image(s) that --gt does not list");
        }
        if (!quiet && !unknown.isEmpty()) {
            err.println("cvkit: warning: --coco leaves out results of " + unknown.size() + " class(es) that --gt does not list: "
                    + String.join(", ", unknown));
        }
        err.flush();
    }

    /** detect's rows: one per detection, as the CLI's --coco. */
    static void detections(JsonGenerator g, JsonNode r, long imageId, Map<String, Long> categories, TreeSet<String> unknown) throws IOException {
        for (JsonNode d : r.path("detections")) {
            long cat = d.path("category_id").asLong();
            if (categories != null) {
                Long c = categories.get(d.path("label").asText());
                if (c == null) {
                    unknown.add(d.path("label").asText());
                    continue;
                }
                cat = c;
            }
            g.writeStartObject();
            g.writeNumberField("image_id", imageId);
            g.writeNumberField("category_id", cat);
            g.writeArrayFieldStart("bbox");
            for (JsonNode v : d.path("bbox")) {
                g.writeNumber(v.asDouble());
            }
            g.writeEndArray();
            g.writeNumberField("score", d.path("score").asDouble());
            g.writeEndObject();
        }
    }

    /** propose's rows: category 1, a score from the rank, as the CLI's --coco. */
    static void proposals(JsonGenerator g, JsonNode r, long imageId, Map<String, Long> categories, TreeSet<String> unknown) throws IOException {
        JsonNode boxes = r.path("proposals");
        int n = boxes.size();
        for (int i = 0; i < n; i++) {
            g.writeStartObject();
            g.writeNumberField("image_id", imageId);
            g.writeNumberField("category_id", 1);
            g.writeArrayFieldStart("bbox");
            for (JsonNode v : boxes.get(i)) {
                g.writeNumber(v.asInt());
            }
            g.writeEndArray();
            g.writeNumberField("score", 1.0 - (double) i / n); // rank-derived, strictly decreasing
            g.writeEndObject();
        }
    }
}
