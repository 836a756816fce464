package dev.cvkit.detection.yolo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cvkit.structures.ScoredBoxes;
import dev.cvkit.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The anchor-free loss and decoder on head outputs built by hand: a 64² input (levels of 8², 4²
 * and 2² points), K = 2, 16 DFL bins. Every point predicts an empty box (all mass on bin 0) and
 * class logits of −30, except point (row 2, column 2) of stride 8, centred at (20, 20), whose
 * sides split their mass evenly between two neighbouring bins.
 */
class YoloLossTest {
    private static final int SIZE = 64, K = 2, R = 16, ROW = 2, COL = 2;
    private static final YoloSpec SPEC = new YoloSpec("yolo", "n", K, SIZE, R, 2);

    /** @param lower each side's lower bin (its distance is lower + ½); {@code logit} the point's class-1 logit */
    private static YoloNet.Output output(int[] lower, float logit) {
        List<Tensor> box = new ArrayList<>(), cls = new ArrayList<>();
        for (int l = 0; l < 3; l++) {
            int s = SIZE / YoloNet.STRIDES[l];
            float[] b = new float[4 * R * s * s], c = new float[K * s * s];
            java.util.Arrays.fill(c, -30f);
            for (int side = 0; side < 4; side++) {
                for (int bin = 0; bin < R; bin++) {
                    for (int q = 0; q < s * s; q++) {
                        boolean special = l == 0 && q == ROW * s + COL;
                        boolean on = special ? bin == lower[side] || bin == lower[side] + 1 : bin == 0;
                        b[(side * R + bin) * s * s + q] = on ? 0f : -40f;
                    }
                }
            }
            if (l == 0) c[s * s + ROW * s + COL] = logit;
            box.add(Tensor.of(b, 1, 4 * R, s, s).requiresGrad(true));
            cls.add(Tensor.of(c, 1, K, s, s).requiresGrad(true));
        }
        return new YoloNet.Output(box, cls);
    }

    /**
     * The point's box is (20 − 8·½, 20 − 8·½, 20 + 8·1½, 20 + 8·1½) = [16,16,32,32], the ground
     * truth exactly: CIoU 1, so the box loss is 0; its alignment √½·1 is the box's best, so its
     * target score is 1 and the score sum 1. DFL: each side's target (½, ½, 1½, 1½) sits halfway
     * between the two bins holding ½ each, so each side costs ln 2: 1.5·ln 2. Class: its class-1
     * logit 0 against 1 costs ln 2, every other logit (−30 against 0) nothing: 0.5·ln 2.
     */
    @Test
    void lossesByHand() {
        Map<String, Tensor> l = new YoloLoss(SPEC).compute(output(new int[] {0, 0, 1, 1}, 0f), List.of(new float[] {16, 16, 32, 32}),
                List.of(new int[] {1}));
        assertEquals(0.0, l.get("loss_box").item(), 1e-5);
        assertEquals(1.5 * Math.log(2), l.get("loss_dfl").item(), 1e-5);
        assertEquals(0.5 * Math.log(2), l.get("loss_cls").item(), 1e-5);
    }

    @Test
    void anImageWithoutObjectsHasOnlyTheClassLoss() {
        Map<String, Tensor> l = new YoloLoss(SPEC).compute(output(new int[] {0, 0, 1, 1}, 0f), List.of(new float[0]), List.of(new int[0]));
        assertEquals(0.0, l.get("loss_box").item());
        assertEquals(0.0, l.get("loss_dfl").item());
        // one logit 0 against 0 (ln 2), the rest −30 (≈ 0); the score sum is floored at 1
        assertEquals(0.5 * Math.log(2), l.get("loss_cls").item(), 1e-5);
    }

    /**
     * The point's right and bottom sides now reach 2½ strides ([16,16,40,40], the same aspect as
     * the ground truth [15,17,31,33], so CIoU's aspect term and its gradient are 0): the only positive's target
     * score is its own CIoU u, which is below 1, so the score sum is floored at 1 and
     * loss_box = 7.5·(1 − u)·u. The target score carries no gradient (Ultralytics detaches it), so
     * the box gradient through the DFL expectation is compared with finite differences of
     * 7.5·(1 − u(z))·u₀; the class loss's target does not move with the class logit.
     */
    @Test
    void boxAndClassGradientsMatchFiniteDifferences() {
        int[] lower = {0, 0, 2, 2};
        float[] gt = {15, 17, 31, 33}; // no side on a side of the prediction, where IoU has a kink
        YoloNet.Output out = output(lower, 0.3f);
        Map<String, Tensor> l = new YoloLoss(SPEC).compute(out, List.of(gt), List.of(new int[] {1}));
        double u = BoxIou.value(BoxIou.Kind.CIOU, new float[] {16, 16, 40, 40}, 0, gt, 0, null);
        // intersection [16,17,31,33] = 240, union 256 + 576 − 240; centres (28,28), (23,25); enclosing 25×24
        assertEquals(240.0 / 592 - 34.0 / 1201, u, 1e-6);
        assertEquals(7.5 * (1 - u) * u, l.get("loss_box").item(), 1e-4);
        l.get("loss_box").add(l.get("loss_cls")).backward();
        int s = 8;
        float[] z = out.box().get(0).data(), gz = out.box().get(0).grad();
        for (int side = 0; side < 4; side++) {
            for (int bin = lower[side]; bin <= lower[side] + 1; bin++) {
                int idx = (side * R + bin) * s * s + ROW * s + COL;
                float keep = z[idx];
                z[idx] = keep + 0.01f;
                double up = 7.5 * (1 - pointIou(out, gt)) * u;
                z[idx] = keep - 0.01f;
                double down = 7.5 * (1 - pointIou(out, gt)) * u;
                z[idx] = keep;
                assertEquals((up - down) / 0.02, gz[idx], 2e-3, "side " + side + " bin " + bin);
            }
        }
        int c = s * s + ROW * s + COL;
        float[] x = out.cls().get(0).data();
        x[c] = 0.31f;
        double up = new YoloLoss(SPEC).compute(out, List.of(gt), List.of(new int[] {1})).get("loss_cls").item();
        x[c] = 0.29f;
        double down = new YoloLoss(SPEC).compute(out, List.of(gt), List.of(new int[] {1})).get("loss_cls").item();
        x[c] = 0.3f;
        assertEquals((up - down) / 0.02, out.cls().get(0).grad()[c], 2e-3);
    }

    /** CIoU of the special point's decoded box with the ground truth. */
    private static double pointIou(YoloNet.Output out, float[] gt) {
        float[][] b = new float[3][], c = new float[3][];
        for (int l = 0; l < 3; l++) {
            b[l] = out.box().get(l).data();
            c[l] = out.cls().get(l).data();
        }
        float[] boxes = new YoloDecoder(SPEC).decode(b, c, 0, false).boxes();
        return BoxIou.value(BoxIou.Kind.CIOU, boxes, 4 * (ROW * 8 + COL), gt, 0, null);
    }

    /** Two classes scoring alike at one point: both are candidates at evaluation's 0.001, only the better one at 0.25. */
    @Test
    void aPointProposesSeveralClassesOnlyAtEvaluationThresholds() {
        YoloNet.Output out = output(new int[] {0, 0, 1, 1}, 0f);
        out.cls().get(0).data()[ROW * 8 + COL] = -0.1f; // class 0 at the same point: score 0.475
        YoloDecoder d = new YoloDecoder(SPEC);
        ScoredBoxes eval = d.detect(out, 0.001f, 0.5f, 100).get(0);
        assertEquals(2, eval.count());
        assertEquals(1, eval.labels()[0]);
        assertEquals(0, eval.labels()[1]);
        ScoredBoxes shown = d.detect(out, 0.25f, 0.5f, 100).get(0);
        assertEquals(1, shown.count());
        assertEquals(1, shown.labels()[0]);
    }

    @Test
    void decodesThePointsBox() {
        ScoredBoxes d = new YoloDecoder(SPEC).detect(output(new int[] {0, 0, 1, 1}, 0f), 0.25f, 0.5f, 100).get(0);
        assertEquals(1, d.count());
        assertEquals(1, d.labels()[0]);
        assertEquals(0.5f, d.scores()[0], 1e-6);
        float[] expected = {16, 16, 32, 32};
        for (int k = 0; k < 4; k++) assertEquals(expected[k], d.boxes()[k], 1e-4);
    }
}
