package dev.cvkit.coco;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;

/**
 * An accumulated {@link CocoEval} as text (pycocotools' 12 summary lines, optionally a per-class
 * table) or as one JSON object: {@code {"iou_type", "stats": [12], "stats_named": {...},
 * "per_class": [{"id","name","images","instances","P","R","AP50","AP","AP75","AR<maxDets>"}]}}
 * (see {@link ClassTable} for the per-class columns).
 */
public final class CocoReport {
    private CocoReport() {}

    /** The summary lines, then (with {@code perClass}) a blank line and a per-category table. */
    public static String text(CocoEval eval, boolean perClass) {
        StringBuilder sb = new StringBuilder();
        for (String line : eval.summaryLines()) {
            sb.append(line).append('\n');
        }
        if (perClass) {
            List<ClassTable.Row> rows = ClassTable.of(eval);
            int width = 8;
            for (ClassTable.Row r : rows) {
                width = Math.max(width, r.name().length());
            }
            sb.append('\n').append(String.format(Locale.ROOT, "%-" + width + "s %8s %7s %9s %7s %7s %7s %7s %7s %7s%n",
                    "category", "id", "images", "instances", "P", "R", "AP50", "AP", "AP75", arName(eval)));
            for (ClassTable.Row r : rows) {
                sb.append(String.format(Locale.ROOT, "%-" + width + "s %8d %7d %9d %7.3f %7.3f %7.3f %7.3f %7.3f %7.3f%n",
                        r.name(), r.id(), r.images(), r.instances(), r.precision(), r.recall(), r.ap50(), r.ap(), r.ap75(), r.ar()));
            }
        }
        return sb.toString();
    }

    /** One JSON object on one line, ending with a newline. */
    public static String json(CocoEval eval, boolean perClass) {
        double[] stats = eval.summarize();
        StringWriter sw = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(sw)) {
            g.writeStartObject();
            g.writeStringField("iou_type", eval.params().iouType().label());
            g.writeArrayFieldStart("stats");
            for (double v : stats) {
                g.writeNumber(v);
            }
            g.writeEndArray();
            g.writeObjectFieldStart("stats_named");
            for (int i = 0; i < stats.length; i++) {
                g.writeNumberField(CocoEval.STAT_NAMES.get(i), stats[i]);
            }
            g.writeEndObject();
            if (perClass) {
                String ar = arName(eval);
                g.writeArrayFieldStart("per_class");
                for (ClassTable.Row r : ClassTable.of(eval)) {
                    g.writeStartObject();
                    g.writeNumberField("id", r.id());
                    g.writeStringField("name", r.name());
                    g.writeNumberField("images", r.images());
                    g.writeNumberField("instances", r.instances());
                    g.writeNumberField("P", r.precision());
                    g.writeNumberField("R", r.recall());
                    g.writeNumberField("AP", r.ap());
                    g.writeNumberField("AP50", r.ap50());
                    g.writeNumberField("AP75", r.ap75());
                    g.writeNumberField(ar, r.ar());
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sw + "\n";
    }

    private static String arName(CocoEval eval) {
        return "AR" + eval.params().maxDets()[eval.params().m() - 1];
    }
}
