package dev.cvkit.detection.rcnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cvkit.io.SafeTensors;
import dev.cvkit.tensor.Parallel;
import dev.cvkit.tensor.Tensor;
import dev.cvkit.testing.Fixtures;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RPN proposal selection against torchvision 0.14's RegionProposalNetwork (decode,
 * concat_box_prediction_layers, filter_proposals; tools/fixtures/detection_targets.py): two
 * images of different sizes, two levels, a pre-NMS top-n that cuts the first level and a minimum
 * size that drops boxes, then a score threshold. The same proposals in the same order; boxes and
 * scores within float32 rounding of the exp in decoding and the sigmoid.
 */
class RegionProposalsTest {
    @ParameterizedTest
    @ValueSource(strings = {"rpn_topn", "rpn_score"})
    void proposalsMatchTorchvision(String name) throws IOException {
        SafeTensors.Contents c = SafeTensors.read(Fixtures.path("targets/" + name + ".safetensors"));
        JsonNode p = new ObjectMapper().readTree(c.metadata().get("params"));
        Map<String, Tensor> t = c.tensors();
        RegionProposals rpn = new RegionProposals(new RegionProposals.Params(p.get("pre_nms_top_n").asInt(),
                p.get("post_nms_top_n").asInt(), (float) p.get("nms_thresh").asDouble(),
                (float) p.get("score_thresh").asDouble(), (float) p.get("min_size").asDouble()));
        JsonNode sizes = p.get("image_sizes");
        int[][] imageSizes = {{sizes.get(0).get(0).asInt(), sizes.get(0).get(1).asInt()},
                {sizes.get(1).get(0).asInt(), sizes.get(1).get(1).asInt()}};
        int saved = Parallel.threads();
        try {
            // images are selected on parallel tasks: the same proposals on 1 and 2 threads
            for (int threads : new int[] {1, 2}) {
                Parallel.setThreads(threads);
                List<RegionProposals.Proposals> got = rpn.propose(List.of(t.get("obj0"), t.get("obj1")),
                        List.of(t.get("del0"), t.get("del1")), t.get("anchors").data(), imageSizes);
                for (int i = 0; i < 2; i++) {
                    Tensor boxes = t.get("boxes" + i), scores = t.get("scores" + i);
                    String what = name + " image " + i + ", " + threads + " threads";
                    assertEquals(scores.numel(), got.get(i).count(), what + " proposals");
                    Fixtures.assertClose(boxes, got.get(i).boxes(), boxes.shape(), 1e-5f, 1e-4f, what + " boxes");
                    Fixtures.assertClose(scores, got.get(i).scores(), scores.shape(), 1e-6f, 1e-7f, what + " scores");
                }
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void mismatchedHeadOutputsAreRejected() {
        RegionProposals rpn = new RegionProposals(RegionProposals.Params.fasterRcnnTest());
        Tensor obj = Tensor.zeros(1, 3, 4, 4), del = Tensor.zeros(1, 8, 4, 4);
        assertThrows(IllegalArgumentException.class,
                () -> rpn.propose(List.of(obj), List.of(del), new float[3 * 16 * 4], new int[][] {{16, 16}}));
        assertThrows(IllegalArgumentException.class,
                () -> rpn.propose(List.of(obj), List.of(Tensor.zeros(1, 12, 4, 4)), new float[4], new int[][] {{16, 16}}));
        assertThrows(IllegalArgumentException.class, () -> new RegionProposals.Params(0, 10, 0.7f, 0f, 0f));
    }

    /** The primitive-key order equals a stable sort by Float.compare descending, on ties, ±0, NaN and ±∞. */
    @Test
    void logitOrderIsTheStableComparatorSort() {
        java.util.Random r = new java.util.Random(7);
        float[] special = {Float.NaN, 0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1.5f, -1.5f,
                Float.MIN_VALUE, -Float.MIN_VALUE, Float.MAX_VALUE};
        float[] logits = new float[3000];
        for (int j = 0; j < logits.length; j++) {
            int kind = r.nextInt(4);
            logits[j] = kind == 0 ? special[r.nextInt(special.length)]
                    : kind == 1 ? r.nextInt(5) - 2 : (float) r.nextGaussian() * 4;
        }
        int base = 100, count = 2500;
        Integer[] want = new Integer[count];
        for (int j = 0; j < count; j++) want[j] = base + j;
        java.util.Arrays.sort(want, (x, y) -> Float.compare(logits[y], logits[x]));
        int[] got = RegionProposals.byLogitDescending(logits, base, count);
        for (int j = 0; j < count; j++) assertEquals(want[j].intValue(), got[j], "position " + j);
    }
}
