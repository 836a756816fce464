package dev.cvkit.detection.yolo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cvkit.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** YOLO v1's grid targets and loss on a hand-computed 2×2 grid. */
class GridTargetsTest {
    // 64² input, 2×2 cells of 32 px, B = 2, K = 3: 13 values per cell
    private static final int GRID = 2, B = 2, K = 3, PER = 5 * B + K, SIZE = 64;
    // box [40,8,56,24], class 2: centre (48, 16) in cell (row 0, column 1), 16×16 px
    private static final float[] GT = {40, 8, 56, 24};

    /** All predictions ½ except predictor 0 of cell (0, 1), whose √w and √h are ¼ (a 4×4 box, IoU 1/16). */
    private static float[] predictions() {
        float[] p = new float[GRID * GRID * PER];
        java.util.Arrays.fill(p, 0.5f);
        p[PER + 2] = 0.25f;
        p[PER + 3] = 0.25f;
        return p;
    }

    @Test
    void theBetterOverlappingPredictorOfTheCentresCellIsResponsible() {
        GridTargets.Targets t = GridTargets.build(predictions(), GRID, B, K, SIZE, GT, new int[] {2});
        // predictor 1 of cell 1 (centre (48,16), 16×16: the box itself, IoU 1) beats predictor 0 (IoU 1/16)
        int o = PER + 5;
        assertEquals(0.5f, t.target()[o], 1e-6);      // x: 48/32 − 1
        assertEquals(0.5f, t.target()[o + 1], 1e-6);  // y: 16/32 − 0
        assertEquals(0.5f, t.target()[o + 2], 1e-6);  // √(16/64)
        assertEquals(0.5f, t.target()[o + 3], 1e-6);
        assertEquals(1f, t.target()[o + 4], 1e-6);    // confidence target: its IoU
        for (int q = 0; q < 4; q++) assertEquals(GridTargets.LAMBDA_COORD, t.coord()[o + q]);
        assertEquals(1f, t.obj()[o + 4]);
        assertEquals(1f, t.target()[PER + 10 + 2]);
        assertEquals(0f, t.target()[PER + 10]);
        assertEquals(1, count(t.obj(), 1f));
        assertEquals(4, count(t.coord(), GridTargets.LAMBDA_COORD));
        assertEquals(GRID * GRID * B - 1, count(t.noobj(), GridTargets.LAMBDA_NOOBJ));
        assertEquals(0f, t.noobj()[o + 4]);
        assertEquals(K, count(t.cls(), 1f));
    }

    /**
     * The loss of those predictions, by hand: coordinates exact (0), confidence ½ against 1
     * (¼), seven other confidences ½ against 0 with λnoobj (7 · ½ · ¼ = 0.875), class
     * probabilities ½ against (0, 0, 1) (¾).
     */
    @Test
    void lossTermsByHand() {
        YoloSpec spec = new YoloSpec("yolov1", "n", K, SIZE, 16, B);
        Map<String, Tensor> l = YoloV1Loss.compute(spec, Tensor.of(predictions(), 1, GRID * GRID * PER), List.of(GT), List.of(new int[] {2}));
        assertEquals(0.0, l.get("loss_coord").item(), 1e-6);
        assertEquals(0.25, l.get("loss_obj").item(), 1e-6);
        assertEquals(0.875, l.get("loss_noobj").item(), 1e-6);
        assertEquals(0.75, l.get("loss_cls").item(), 1e-6);
    }

    @Test
    void decodesTheResponsiblePredictorsBox() {
        YoloSpec spec = new YoloSpec("yolov1", "n", K, SIZE, 16, B);
        // score of each predictor for class c: confidence ½ × class probability ½ = ¼
        var found = YoloDecoder.grid(spec, Tensor.of(predictions(), 1, GRID * GRID * PER), 0.2f, 0.5f, 100).get(0);
        boolean seen = false;
        for (int k = 0; k < found.count(); k++) {
            assertEquals(0.25f, found.scores()[k], 1e-6);
            if (found.boxes()[4 * k] == 40 && found.boxes()[4 * k + 1] == 8 && found.boxes()[4 * k + 2] == 56 && found.boxes()[4 * k + 3] == 24) seen = true;
        }
        assertEquals(true, seen, "the 16×16 box at (48, 16) is among the detections");
    }

    private static int count(float[] a, float v) {
        int n = 0;
        for (float x : a) if (x == v) n++;
        return n;
    }
}
