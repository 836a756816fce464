package dev.cvkit.spark;

import static dev.cvkit.spark.TestSpark.cli;
import static dev.cvkit.spark.TestSpark.spark;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spark's COCO evaluation gives the single-machine evaluator's numbers bit for bit (that one equals
 * pycocotools) on generated cases: crowds, images without ground truth, images with more than 100
 * results, tied scores, results for categories and images the ground truth lacks.
 */
class EvalSameAsCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long[] CATEGORIES = {1, 2, 3, 5, 7};

    @TempDir
    Path tmp;

    @Test
    void twelveStatsAndPerClassApAreTheCliEvaluators() throws Exception {
        Random rnd = new Random(15);
        ObjectNode gt = JSON.createObjectNode();
        ArrayNode images = gt.putArray("images");
        ArrayNode anns = gt.putArray("annotations");
        ArrayNode cats = gt.putArray("categories");
        for (long c : CATEGORIES) {
            cats.addObject().put("id", c).put("name", "class" + c);
        }
        ArrayNode dt = JSON.createArrayNode();
        long annId = 1;
        int crowds = 0;
        for (int i = 0; i < 40; i++) {
            long imageId = 100 + 3L * i;
            images.addObject().put("id", imageId).put("file_name", "img" + i + ".jpg").put("width", 640).put("height", 480);
            int nGt = i % 7 == 0 ? 0 : rnd.nextInt(7); // every seventh image has no ground truth
            for (int g = 0; g < nGt; g++) {
                long cat = CATEGORIES[rnd.nextInt(CATEGORIES.length)];
                double w = 8 + rnd.nextInt(300);
                double h = 8 + rnd.nextInt(250);
                double x = rnd.nextInt((int) (640 - w));
                double y = rnd.nextInt((int) (480 - h));
                boolean crowd = rnd.nextInt(10) == 0;
                crowds += crowd ? 1 : 0;
                ObjectNode a = anns.addObject().put("id", annId++).put("image_id", imageId).put("category_id", cat)
                        .put("area", w * h).put("iscrowd", crowd ? 1 : 0);
                a.putArray("bbox").add(x).add(y).add(w).add(h);
                if (rnd.nextInt(5) > 0) { // found, roughly
                    addResult(dt, imageId, cat, x + rnd.nextGaussian() * 6, y + rnd.nextGaussian() * 6,
                            w * (0.85 + 0.3 * rnd.nextDouble()), h * (0.85 + 0.3 * rnd.nextDouble()), rnd);
                }
            }
            int noise = i == 5 ? 150 : rnd.nextInt(4); // one image with more than maxDets = 100 results
            for (int d = 0; d < noise; d++) {
                addResult(dt, imageId, CATEGORIES[rnd.nextInt(CATEGORIES.length)], rnd.nextInt(600), rnd.nextInt(440),
                        10 + rnd.nextInt(200), 10 + rnd.nextInt(200), rnd);
            }
        }
        addResult(dt, 100, 4, 10, 10, 50, 50, rnd);   // a category the ground truth lacks
        addResult(dt, 99999, 1, 10, 10, 50, 50, rnd); // an image it lacks
        assertTrue(crowds > 3, "the case has crowds");
        Path gtFile = tmp.resolve("gt.json");
        Path dtFile = tmp.resolve("dt.json");
        JSON.writeValue(gtFile.toFile(), gt);
        JSON.writeValue(dtFile.toFile(), dt);

        TestSpark.Run c = cli("eval", "--gt", gtFile.toString(), "--dt", dtFile.toString(), "--format", "json", "--per-class", "-q");
        assertEquals(0, c.code(), c.err());
        TestSpark.Run s = spark("eval", "--gt", gtFile.toString(), "--dt", dtFile.toString(), "--format", "json", "--per-class",
                "--groups", "3", "-q");
        assertEquals(0, s.code(), s.err());
        JsonNode cliStats = JSON.readTree(c.out()).path("stats");
        JsonNode sparkStats = JSON.readTree(s.out()).path("stats");
        assertEquals(12, cliStats.size());
        for (int i = 0; i < 12; i++) {
            assertEquals(Double.doubleToLongBits(cliStats.get(i).asDouble()), Double.doubleToLongBits(sparkStats.get(i).asDouble()),
                    "stat " + i);
        }
        assertTrue(cliStats.get(0).asDouble() > 0.1 && cliStats.get(0).asDouble() < 0.9, "a case with something to measure: AP " + cliStats.get(0));
        assertEquals(c.out(), s.out(), "the same report, per-class AP included");

        // what was left out is said as the CLI says it; --strict and --min decide the exit code alike
        String gtArg = gtFile.toString(), dtArg = dtFile.toString();
        TestSpark.Run cw = cli("eval", "--gt", gtArg, "--dt", dtArg);
        TestSpark.Run sw = spark("eval", "--gt", gtArg, "--dt", dtArg, "--groups", "2");
        assertEquals(0, sw.code(), sw.err());
        java.util.List<String> warnings = warnings(cw.err());
        assertEquals(2, warnings.size(), cw.err());
        assertTrue(warnings.get(0).contains("1 image not in") && warnings.get(0).contains("image_id 99999"), warnings.get(0));
        assertEquals(warnings, warnings(sw.err()));
        TestSpark.Run ss = spark("eval", "--gt", gtArg, "--dt", dtArg, "--strict");
        assertEquals(1, ss.code(), ss.err());
        assertEquals(1, cli("eval", "--gt", gtArg, "--dt", dtArg, "--strict").code());
        // the CLI stops at the first unknown id while reading; Spark counts them all, then fails
        assertEquals(warnings.stream().map(w -> w.replace("warning: ", "").replace("; left out (--strict makes this an error)", " (--strict)")).toList(),
                warnings(ss.err()));
        double ap = cliStats.get(0).asDouble();
        TestSpark.Run gate = spark("eval", "--gt", gtArg, "--dt", dtArg, "-q", "--min", "AP50=0," + "ap=" + (ap + 0.01));
        assertEquals(3, gate.code(), gate.err());
        assertTrue(gate.err().contains("gate failed: AP = ") && !gate.err().contains("AP50"), gate.err());
        assertEquals(0, spark("eval", "--gt", gtArg, "--dt", dtArg, "-q", "--min", "AP=" + (ap - 0.01)).code());
        assertEquals(2, spark("eval", "--gt", gtArg, "--dt", dtArg, "-q", "--min", "mAP=0.5").code());
    }

    /** The left-out lines of an eval's stderr (warnings, or errors under --strict). */
    private static java.util.List<String> warnings(String err) {
        return err.lines().filter(l -> l.contains(" not in ")).toList();
    }

    private static void addResult(ArrayNode dt, long image, long cat, double x, double y, double w, double h, Random rnd) {
        ObjectNode r = dt.addObject().put("image_id", image).put("category_id", cat);
        r.putArray("bbox").add(Math.max(0, x)).add(Math.max(0, y)).add(w).add(h);
        r.put("score", rnd.nextInt(4) == 0 ? 0.5 : Math.round(rnd.nextDouble() * 1000) / 1000.0); // ties on purpose
    }
}
