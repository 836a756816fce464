package dev.cvkit.detection.rcnn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cvkit.nn.Activation;
import dev.cvkit.nn.Conv2d;
import dev.cvkit.nn.Init;
import dev.cvkit.nn.Sequential;
import dev.cvkit.optim.Sgd;
import dev.cvkit.structures.BoxOps;
import dev.cvkit.structures.ScoredBoxes;
import dev.cvkit.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The pieces of Faster R-CNN compose into a detector that learns: a tiny backbone + FPN + RPN +
 * box head trained from scratch on synthetic images (one bright square on noise, images of two
 * sizes in each batch) with the sum of the four losses, 400 SGD steps. The summed loss must
 * fall by more than half (it went 1.33 → 0.11), and on 4 fresh images the best detection must
 * find the square (IoU ≥ 0.5) in at least 3 (it found all 4, IoU 0.72–0.94).
 */
class FasterRcnnTrainingTest {
    /** Three levels at strides 4, 8 and 16. */
    static final class TinyBackbone extends Backbone {
        private final Sequential stem, l1, l2;

        TinyBackbone() {
            stem = child("stem", new Sequential(new Conv2d(3, 8, 3, 2, 1), Activation.relu(), new Conv2d(8, 16, 3, 2, 1),
                    Activation.relu()));
            l1 = child("l1", new Sequential(new Conv2d(16, 16, 3, 2, 1), Activation.relu()));
            l2 = child("l2", new Sequential(new Conv2d(16, 16, 3, 2, 1), Activation.relu()));
        }

        @Override
        public List<Tensor> levels(Tensor images) {
            Tensor a = stem.forward(images), b = l1.forward(a), c = l2.forward(b);
            return List.of(a, b, c);
        }

        @Override
        public int[] channels() { return new int[] {16, 16, 16}; }
    }

    /** A batch of n 64×64 images, image i of size sizes[i], each with one square; boxes filled in. */
    private static Tensor batch(Random r, int n, int[][] sizes, List<float[]> boxes) {
        float[] x = new float[n * 3 * 64 * 64];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian() * 0.1f;
        for (int i = 0; i < n; i++) {
            int h = sizes[i][0], w = sizes[i][1];
            int s = 12 + r.nextInt(17), x0 = r.nextInt(w - s), y0 = r.nextInt(h - s);
            for (int c = 0; c < 3; c++) {
                for (int y = y0; y < y0 + s; y++) {
                    for (int xx = x0; xx < x0 + s; xx++) x[((i * 3 + c) * 64 + y) * 64 + xx] = 1f;
                }
            }
            boxes.add(new float[] {x0, y0, x0 + s, y0 + s});
        }
        return Tensor.of(x, n, 3, 64, 64);
    }

    /**
     * Head outputs are flattened as torchvision's permute_and_flatten + cat: per image, levels in
     * turn, [N, A, k, H, W] → [N, H, W, A, k]; and gradients flow back to the right elements.
     */
    @Test
    void flattenFollowsTorchvisionsOrder() {
        Random r = new Random(1);
        Tensor l0 = Tensor.randn(r, 2, 3 * 4, 3, 5).requiresGrad(true), l1 = Tensor.randn(r, 2, 3 * 4, 2, 2).requiresGrad(true);
        Tensor f = dev.cvkit.detection.targets.AnchorOrder.flatten(List.of(l0, l1), 4);
        float[] want = new float[f.numel()];
        int o = 0;
        for (int i = 0; i < 2; i++) {
            for (Tensor t : List.of(l0, l1)) {
                int h = t.size(2), w = t.size(3);
                for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) for (int a = 0; a < 3; a++) for (int c = 0; c < 4; c++) {
                    want[o++] = t.data()[(((i * 3 + a) * 4 + c) * h + y) * w + x];
                }
            }
        }
        org.junit.jupiter.api.Assertions.assertArrayEquals(want, f.data());
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {2 * (15 + 4) * 3, 4}, f.shape());
        f.sum().backward();
        for (float g : l0.grad()) org.junit.jupiter.api.Assertions.assertEquals(1f, g);
        for (float g : l1.grad()) org.junit.jupiter.api.Assertions.assertEquals(1f, g);
    }

    @Test
    void learnsToFindASquare() {
        Init.seed(3);
        FasterRcnn model = new FasterRcnn(new TinyBackbone(), 16, new float[] {8, 16, 32, 64}, 2,
                new FasterRcnn.Settings(200, 100, 100, 50, 64, 64, 32));
        int[][] sizes = {{64, 64}, {56, 60}, {64, 64}, {56, 60}};
        double[] loss = train(model, sizes, false, new Random(4), new SplittableRandom(5), null);
        double first = loss[0], last = loss[1];
        assertTrue(last < 0.5 * first, "summed loss " + first + " → " + last);
        List<float[]> boxes = new ArrayList<>();
        Tensor x = batch(new Random(99), 4, sizes, boxes);
        List<ScoredBoxes> dets = model.detect(x, sizes);
        int found = 0;
        for (int i = 0; i < 4; i++) {
            ScoredBoxes d = dets.get(i);
            if (d.count() == 0) continue;
            float[] b = d.boxes(), g = boxes.get(i);
            double iou = BoxOps.iou(b[0], b[1], b[2] - b[0], b[3] - b[1], g[0], g[1], g[2] - g[0], g[3] - g[1]);
            if (iou >= 0.5 && d.labels()[0] == 1) found++;
        }
        assertTrue(found >= 3, "squares found in " + found + " of 4 fresh images");
    }

    /**
     * With a mask branch (Mask R-CNN) the five losses train together (400 steps): the mask loss
     * must fall by more than half (it went 0.40 → 0.09), and on 4 fresh images the best
     * detection's mask, thresholded at 0.5, must cover the square (mask IoU ≥ 0.5) in at least 3
     * (all 4 did, mask IoU 0.89–0.91).
     */
    @Test
    void learnsToSegmentASquare() {
        Init.seed(4);
        MaskHead masks = new MaskHead(16, new int[] {16, 16}, 7, 16, 2);
        FasterRcnn model = new FasterRcnn(new TinyBackbone(), 16, new float[] {8, 16, 32, 64}, 2,
                new FasterRcnn.Settings(200, 100, 100, 50, 64, 64, 32), masks);
        assertTrue(model.stateDict().containsKey("roi_heads.mask_predictor.mask_fcn_logits.weight"), "torchvision's names");
        int[][] sizes = {{64, 64}, {56, 60}, {64, 64}, {56, 60}};
        double[] loss = train(model, sizes, true, new Random(6), new SplittableRandom(7), "loss_mask");
        double first = loss[0], last = loss[1];
        assertTrue(last < 0.5 * first, "mask loss " + first + " → " + last);
        List<float[]> boxes = new ArrayList<>();
        Tensor x = batch(new Random(98), 4, sizes, boxes);
        List<FasterRcnn.Instances> out = model.detectInstances(x, sizes);
        int found = 0;
        for (int i = 0; i < 4; i++) {
            FasterRcnn.Instances in = out.get(i);
            if (in.detections().count() == 0) continue;
            float[] want = squareMask(boxes.get(i), sizes[i]).data(), got = in.masks()[0];
            int inter = 0, union = 0;
            for (int q = 0; q < want.length; q++) {
                boolean a = want[q] > 0.5f, b = got[q] > 0.5f;
                if (a && b) inter++;
                if (a || b) union++;
            }
            if (union > 0 && inter >= 0.5 * union) found++;
        }
        assertTrue(found >= 3, "masks found in " + found + " of 4 fresh images");
    }

    /**
     * 400 SGD steps on fresh batches of 4 squares with the summed losses; returns the mean of
     * {@code watch} (null: the sum) over the first and the last 10 steps. About 10 s on 2 cores.
     */
    private static double[] train(FasterRcnn model, int[][] sizes, boolean masks, Random data, SplittableRandom rng, String watch) {
        model.train(true);
        Sgd opt = new Sgd(model.parameters(), 0.02f, 0.9f, 1e-4f, false);
        int steps = 400;
        double first = 0, last = 0;
        for (int step = 0; step < steps; step++) {
            List<float[]> boxes = new ArrayList<>();
            Tensor x = batch(data, 4, sizes, boxes);
            List<Tensor> gtMasks = null;
            if (masks) {
                gtMasks = new ArrayList<>();
                for (int i = 0; i < 4; i++) gtMasks.add(squareMask(boxes.get(i), sizes[i]));
            }
            List<int[]> cls = List.of(new int[] {1}, new int[] {1}, new int[] {1}, new int[] {1});
            opt.zeroGrad();
            Map<String, Tensor> losses = model.losses(x, sizes, boxes, cls, gtMasks, rng);
            Tensor total = null;
            for (Tensor l : losses.values()) total = total == null ? l : total.add(l);
            total.backward();
            opt.step();
            double v = (watch == null ? total : losses.get(watch)).data()[0];
            if (step < 10) first += v / 10;
            if (step >= steps - 10) last += v / 10;
        }
        model.eval();
        return new double[] {first, last};
    }

    /** The square's mask [1, h, w]: 1 inside the box. */
    private static Tensor squareMask(float[] box, int[] size) {
        float[] m = new float[size[0] * size[1]];
        for (int y = (int) box[1]; y < (int) box[3]; y++) {
            for (int x = (int) box[0]; x < (int) box[2]; x++) m[y * size[1] + x] = 1f;
        }
        return Tensor.of(m, 1, size[0], size[1]);
    }
}
