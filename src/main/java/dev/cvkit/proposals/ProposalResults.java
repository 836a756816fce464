package dev.cvkit.proposals;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cvkit.UserError;
import dev.cvkit.coco.LeftOut;
import dev.cvkit.io.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads proposals for evaluation from either format cvkit writes: the JSON Lines of
 * {@code cvkit propose} (one image a line, boxes in rank order) or a COCO results array
 * (ranked by descending score, ties in file order), matched to the ground truth's images.
 */
public final class ProposalResults {
    /** A results file that is there but wrong: exit code 1, as in COCO mode. */
    private static final int MALFORMED = 1;
    private ProposalResults() {}

    /** Ranked XYWH boxes per ground-truth image id; images not in the GT are counted in {@code leftOut}. */
    public record Loaded(Map<Long, double[][]> boxes, LeftOut leftOut) {}

    public static Loaded load(Path file, GroundTruth gt) {
        String first;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int c;
            do {
                c = r.read();
            } while (c >= 0 && Character.isWhitespace(c));
            first = c < 0 ? "" : String.valueOf((char) c);
        } catch (NoSuchFileException e) {
            throw new UserError(file + ": no such file");
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new UserError(file + ": not UTF-8 text", MALFORMED);
        } catch (IOException e) {
            throw new UserError(file + ": cannot read (" + e.getMessage() + ")");
        }
        if (first.isEmpty()) {
            throw new UserError(file + ": empty results file", MALFORMED);
        }
        return first.equals("[") ? loadCoco(file, gt) : loadJsonl(file, gt);
    }

    private static Loaded loadJsonl(Path file, GroundTruth gt) {
        Map<Long, double[][]> out = new LinkedHashMap<>();
        LeftOut.Tally unmatched = new LeftOut.Tally();
        int lineNo = 0;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode o;
                try {
                    o = Json.MAPPER.readTree(line);
                } catch (JsonProcessingException e) {
                    int col = e.getLocation() == null ? 0 : e.getLocation().getColumnNr();
                    throw new UserError(file + ": invalid JSON at line " + lineNo + ", column " + col + ": "
                            + e.getOriginalMessage().lines().findFirst().orElse(""), MALFORMED);
                }
                if (!o.path("file").isTextual() || !o.path("proposals").isArray()) {
                    throw new UserError(file + ": line " + lineNo + " has no \"file\" and \"proposals\" (expected cvkit propose --format jsonl output)", MALFORMED);
                }
                GroundTruth.Image im = gt.byFile(o.get("file").asText());
                if (im == null) {
                    unmatched.image(o.get("file").asText(), o.get("proposals").size());
                    continue;
                }
                JsonNode props = o.get("proposals");
                double[][] boxes = new double[props.size()][];
                for (int i = 0; i < boxes.length; i++) {
                    boxes[i] = box(props.get(i), file, "line " + lineNo);
                }
                out.put(im.id(), boxes);
            }
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new UserError(file + ": line " + (lineNo + 1) + ": not UTF-8 text", MALFORMED);
        } catch (IOException e) {
            throw new UserError(file + ": cannot read (" + e.getMessage() + ")");
        }
        return new Loaded(out, unmatched.result());
    }

    private static Loaded loadCoco(Path file, GroundTruth gt) {
        JsonNode root = Json.readTree(file);
        Map<Long, List<double[]>> per = new LinkedHashMap<>(); // {score, order, x, y, w, h}
        int order = 0;
        LeftOut.Tally unknown = new LeftOut.Tally();
        for (JsonNode d : root) {
            long id = d.path("image_id").asLong(Long.MIN_VALUE);
            if (gt.byId(id) == null) {
                unknown.image("image_id " + id, 1);
                continue;
            }
            double[] b = box(d.path("bbox"), file, "result " + (order + 1));
            double score = d.path("score").asDouble(Double.NaN);
            if (Double.isNaN(score)) {
                throw new UserError(file + ": result " + (order + 1) + " has no numeric \"score\"", MALFORMED);
            }
            per.computeIfAbsent(id, k -> new ArrayList<>()).add(new double[] {score, order++, b[0], b[1], b[2], b[3]});
        }
        Map<Long, double[][]> out = new LinkedHashMap<>();
        per.forEach((id, list) -> {
            list.sort((p, q) -> p[0] != q[0] ? Double.compare(q[0], p[0]) : Double.compare(p[1], q[1]));
            double[][] boxes = new double[list.size()][];
            for (int i = 0; i < boxes.length; i++) {
                double[] e = list.get(i);
                boxes[i] = new double[] {e[2], e[3], e[4], e[5]};
            }
            out.put(id, boxes);
        });
        return new Loaded(out, unknown.result());
    }

    private static double[] box(JsonNode b, Path file, String where) {
        if (!b.isArray() || b.size() != 4) {
            throw new UserError(file + ": " + where + ": a box is not [x, y, w, h]", MALFORMED);
        }
        double[] v = new double[4];
        for (int i = 0; i < 4; i++) {
            if (!b.get(i).isNumber()) {
                throw new UserError(file + ": " + where + ": a box value is not a number", MALFORMED);
            }
            v[i] = b.get(i).asDouble();
        }
        if (!(v[2] >= 0) || !(v[3] >= 0) || !Double.isFinite(v[0]) || !Double.isFinite(v[1])) {
            throw new UserError(file + ": " + where + ": a box has a negative or non-finite size", MALFORMED);
        }
        return v;
    }
}
