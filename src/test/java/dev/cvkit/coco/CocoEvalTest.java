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
                            assertEquals(e.dtIds()[d], e.gtMatches()[t][g] == e.dtIds()[d] ? e.dtIds()[d] : e.gtMatches()[t][g] == 0 ? -1 : e.dtIds()[d],
                                    "the ground truth records a match");
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
