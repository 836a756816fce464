package dev.cvkit.coco;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * CocoEval against pycocotools on the shared hand-made case and generated cases
 * (tools/fixtures/coco_cases.py): all 12 stats, per-category AP/AP50/AP75/AR, the whole
 * recall[T,K,A,M] array and the printed summary.
 */
class CocoEvalTest {
    private static final double TOL = 1e-12;

    static Stream<Arguments> runs() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (String c : List.of("case-small", "gen-bbox", "gen-bbox-segm", "gen-segm-only")) {
            JsonNode runs = Fixtures.json(c + "/expected.json").get("runs");
            for (int i = 0; i < runs.size(); i++) {
                JsonNode r = runs.get(i);
                b.add(Arguments.of(c, r.get("dt").asText(), r.get("iouType").asText(),
                        r.get("maxDets").toString(), i));
            }
        }
        return b.build();
    }

    @ParameterizedTest(name = "{0} {1} {2} maxDets={3}")
    @MethodSource("runs")
    void matchesPycocotools(String name, String dtFile, String iouType, String maxDets, int run) {
        JsonNode exp = Fixtures.json(name + "/expected.json").get("runs").get(run);
        CocoDataset gt = CocoDataset.read(Fixtures.path(name + "/gt.json"));
        CocoResults dt = CocoResults.read(Fixtures.path(name + "/" + dtFile), gt);
        IouType type = iouType.equals("segm") ? IouType.SEGM : IouType.BBOX;
        CocoParams params = CocoParams.defaults(type).withMaxDets(Fixtures.ints(exp.get("maxDets")));
        CocoEval eval = new CocoEval(gt, dt, params);
        eval.evaluate();
        eval.accumulate();
        double[] stats = eval.summarize();

        assertArrayEquals(Fixtures.doubles(exp.get("stats")), stats, TOL);
        List<CocoEval.CategoryResult> per = eval.perCategory();
        for (CocoEval.CategoryResult r : per) {
            JsonNode e = exp.get("per_category").get(String.valueOf(r.id()));
            assertNotNull(e, "category " + r.id());
            assertEquals(e.get("AP").asDouble(), r.ap(), TOL, "AP of " + r.id());
            assertEquals(e.get("AP50").asDouble(), r.ap50(), TOL, "AP50 of " + r.id());
            assertEquals(e.get("AP75").asDouble(), r.ap75(), TOL, "AP75 of " + r.id());
            assertEquals(e.get("AR").asDouble(), r.ar(), TOL, "AR of " + r.id());
        }
        int[] shape = Fixtures.ints(exp.get("recall_shape"));
        double[] recall = Fixtures.doubles(exp.get("recall"));
        assertArrayEquals(shape, new int[] {eval.counts()[0], eval.counts()[2], eval.counts()[3], eval.counts()[4]});
        int i = 0;
        for (int t = 0; t < shape[0]; t++) {
            for (int k = 0; k < shape[1]; k++) {
                for (int a = 0; a < shape[2]; a++) {
                    for (int m = 0; m < shape[3]; m++) {
                        assertEquals(recall[i++], eval.recall(t, k, a, m), TOL, "recall[" + t + "," + k + "," + a + "," + m + "]");
                    }
                }
            }
        }
        List<String> summary = eval.summaryLines();
        for (int l = 0; l < summary.size(); l++) {
            assertEquals(exp.get("summary").get(l).asText(), summary.get(l));
        }

        // Same numbers, bit for bit, on several threads.
        CocoEval parallel = new CocoEval(gt, dt, params).threads(3);
        assertArrayEquals(stats, parallel.summarize());
    }

    /** Hand-checked: a perfect detection, iscrowd absent (defaults to 0), area 400 (small). */
    @Test
    void perfectDetectionScoresOne(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        java.nio.file.Path g = java.nio.file.Files.writeString(tmp.resolve("gt.json"),
                "{\"images\":[{\"id\":7,\"width\":50,\"height\":50}],\"categories\":[{\"id\":3,\"name\":\"a\"}],"
                + "\"annotations\":[{\"id\":1,\"image_id\":7,\"category_id\":3,\"bbox\":[5,5,20,20],\"area\":400}]}");
        java.nio.file.Path d = java.nio.file.Files.writeString(tmp.resolve("dt.json"),
                "[{\"image_id\":7,\"category_id\":3,\"bbox\":[5,5,20,20],\"score\":0.9}]");
        CocoDataset gt = CocoDataset.read(g);
        CocoEval eval = new CocoEval(gt, CocoResults.read(d, gt), CocoParams.defaults(IouType.BBOX));
        // Precision is tp/(tp+fp+eps) = 1/(1+2^-52) at every recall point, so AP is just below 1;
        // no medium/large ground truth: -1. These are pycocotools 2.0.11's numbers for this case.
        double p = 1 / (1 + Math.ulp(1.0));
        assertEquals(0.9999999999999998, p);
        assertArrayEquals(new double[] {0.9999999999999998, 0.9999999999999999, 0.9999999999999999, 0.9999999999999998,
            -1, -1, 1, 1, 1, 1, -1, -1}, eval.summarize(), 0);
    }

    /**
     * Hand-checked: a crowd absorbs two detections (no false positives), a third detection
     * matches the regular ground truth, a fourth (lowest score) hits nothing. Precision is 1
     * up to recall 1 (the false positive comes last), so AP = 1 at every threshold.
     */
    @Test
    void crowdAbsorbsSeveralDetections(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        java.nio.file.Path g = java.nio.file.Files.writeString(tmp.resolve("gt.json"),
                "{\"images\":[{\"id\":1,\"width\":200,\"height\":200}],\"categories\":[{\"id\":1,\"name\":\"p\"}],"
                + "\"annotations\":[{\"id\":1,\"image_id\":1,\"category_id\":1,\"bbox\":[0,0,100,100],\"area\":10000,\"iscrowd\":1},"
                + "{\"id\":2,\"image_id\":1,\"category_id\":1,\"bbox\":[150,150,40,40],\"area\":1600,\"iscrowd\":0}]}");
        java.nio.file.Path d = java.nio.file.Files.writeString(tmp.resolve("dt.json"),
                "[{\"image_id\":1,\"category_id\":1,\"bbox\":[10,10,20,20],\"score\":0.9},"
                + "{\"image_id\":1,\"category_id\":1,\"bbox\":[50,50,30,30],\"score\":0.8},"
                + "{\"image_id\":1,\"category_id\":1,\"bbox\":[150,150,40,40],\"score\":0.7},"
                + "{\"image_id\":1,\"category_id\":1,\"bbox\":[120,0,10,10],\"score\":0.1}]");
        CocoDataset gt = CocoDataset.read(g);
        CocoEval eval = new CocoEval(gt, CocoResults.read(d, gt), CocoParams.defaults(IouType.BBOX));
        eval.evaluate();
        EvalImage e = eval.evalImg(0, 0, 0);
        assertArrayEquals(new long[] {2, 1}, e.gtIds(), "regular ground truth first, the crowd (ignored) last");
        for (int t = 0; t < 10; t++) {
            assertArrayEquals(new long[] {1, 1, 2, 0}, e.dtMatches()[t], "threshold " + t);
            assertArrayEquals(new boolean[] {true, true, false, false}, e.dtIgnore()[t]);
        }
        assertEquals(1 / (1 + Math.ulp(1.0)), eval.summarize()[0], 0); // 1 but for numpy's eps
        assertEquals(1.0, eval.summarize()[8], 0);
    }

    @Test
    void evalImgFollowsPycocotoolsLayout() {
        CocoDataset gt = CocoDataset.read(Fixtures.path("case-small/gt.json"));
        CocoResults dt = CocoResults.read(Fixtures.path("case-small/dt_bbox.json"), gt);
        CocoEval eval = new CocoEval(gt, dt, CocoParams.defaults(IouType.BBOX));
        eval.evaluate();
        int found = 0;
        for (int k = 0; k < gt.categoryCount(); k++) {
            for (int i = 0; i < gt.imageCount(); i++) {
                EvalImage e = eval.evalImg(k, 0, i);
                if (e == null) {
                    continue;
                }
                found++;
                // scores descending, at most 100; ignored ground truth last; matches point both ways
                for (int d = 1; d < e.dtScores().length; d++) {
                    assertTrue(e.dtScores()[d - 1] >= e.dtScores()[d]);
                }
                assertTrue(e.dtIds().length <= 100);
                for (int g = 1; g < e.gtIgnore().length; g++) {
                    assertTrue(!e.gtIgnore()[g - 1] || e.gtIgnore()[g]);
                }
                for (int t = 0; t < 10; t++) {
                    for (int d = 0; d < e.dtIds().length; d++) {
                        long m = e.dtMatches()[t][d];
                        if (m != 0) {
                            int g = java.util.Arrays.asList(java.util.Arrays.stream(e.gtIds()).boxed().toArray()).indexOf(m);
                            assertTrue(g >= 0, "matched id " + m + " is one of the image's ground truths");
                            // a crowd may absorb several results; it records the last one
                            assertTrue(e.gtMatches()[t][g] != 0, "the ground truth records a match");
                        }
                    }
                }
            }
        }
        assertTrue(found > 0);
        // the image without ground truth or results of category 0
        assertNull(eval.evalImg(0, 0, firstEmptyImage(gt, dt)));
    }

    private static int firstEmptyImage(CocoDataset gt, CocoResults dt) {
        boolean[] used = new boolean[gt.imageCount()];
        for (int j = 0; j < gt.size; j++) {
            if (gt.annCategory[j] == 0) {
                used[gt.annImage[j]] = true;
            }
        }
        for (int j = 0; j < dt.size; j++) {
            if (dt.category[j] == 0) {
                used[dt.image[j]] = true;
            }
        }
        for (int i = 0; i < used.length; i++) {
            if (!used[i]) {
                return i;
            }
        }
        throw new IllegalStateException("no empty image");
    }
}
