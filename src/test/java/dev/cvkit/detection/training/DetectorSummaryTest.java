package dev.cvkit.detection.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cvkit.image.RgbImage;
import dev.cvkit.models.Summary;
import dev.cvkit.nn.Module;
import dev.cvkit.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DetectorSummaryTest {
    /**
     * Every family's table against the network itself: the parameter total is the sum of its
     * trainable tensors' sizes, every one of them is in a traced layer (except Fast R-CNN's RPN,
     * which its inference does not run), and the head's rows, level by level, have exactly the
     * shapes a training forward pass (losses on one image with one box) produces.
     */
    @ParameterizedTest
    @CsvSource({"retinanet, , head.", "ssd, , head.", "ssd, mobilenet_v2, head.", "ssdlite, , head.", "ssdlite, mobilenet_v2, head.", "faster-rcnn, , rpn.head.", "fast-rcnn, , roi_heads.",
        "yolo, , box_head.", "yolov1, , head."})
    void tableMatchesTheNetworkAndATrainingForward(String arch, String backbone, String headPrefix) {
        int side = 64, classes = 3;
        TrainableDetector det = DetectorSummary.create(arch, backbone, null, classes, side);
        Summary.Result s = DetectorSummary.of(arch, det, side, side);

        long sum = 0;
        for (Tensor t : det.network().namedParameters().values()) sum += t.numel();
        assertEquals(sum, s.params());
        long traced = s.layers().stream().mapToLong(Summary.Layer::params).sum();
        if (arch.equals("fast-rcnn")) {
            long rpn = det.network().namedParameters().entrySet().stream().filter(e -> e.getKey().startsWith("rpn."))
                    .mapToLong(e -> e.getValue().numel()).sum();
            assertEquals(sum - rpn, traced);
        } else {
            assertEquals(sum, traced);
        }
        assertTrue(s.macs() > 0);

        List<String> summarised = headRows(s.layers().stream().map(l -> l.name() + " " + Arrays.toString(l.output())).toList(), headPrefix);
        List<String> trained = headRows(trainingForward(det), headPrefix);
        assertTrue(!summarised.isEmpty());
        assertEquals(trained, summarised);
    }

    /**
     * Hand-computed head shapes at 160² with 5 classes: RetinaNet's shared head runs on P3–P7
     * (20², 10², 5², 3², 2²) with 9 anchors, so 45 logits and 36 deltas per position; SSD's maps
     * are the same sizes with 4, 6, 6, 4, 4 default boxes (ratios {2}, {2, 3}, {2, 3}, {2}, {2}),
     * and 6 scores per box (background included).
     */
    @ParameterizedTest
    @CsvSource({"retinanet", "ssd"})
    void headShapesAtTheTrainingSize(String arch) {
        Summary.Result s = DetectorSummary.of(arch, DetectorSummary.create(arch, null, null, 5, 160), 160, 160);
        int[] sides = {20, 10, 5, 3, 2};
        int[] boxes = arch.equals("ssd") ? new int[] {4, 6, 6, 4, 4} : new int[] {9, 9, 9, 9, 9};
        int scores = arch.equals("ssd") ? 6 : 5;
        List<String> cls = new ArrayList<>(), reg = new ArrayList<>();
        for (Summary.Layer l : s.layers()) {
            if (l.name().startsWith("head.classification_head.module_list.") || l.name().equals("head.classification_head.cls_logits")) {
                cls.add(Arrays.toString(l.output()));
            }
            if (l.name().startsWith("head.regression_head.module_list.") || l.name().equals("head.regression_head.bbox_reg")) {
                reg.add(Arrays.toString(l.output()));
            }
        }
        List<String> wantCls = new ArrayList<>(), wantReg = new ArrayList<>();
        for (int k = 0; k < 5; k++) {
            wantCls.add(Arrays.toString(new int[] {boxes[k] * scores, sides[k], sides[k]}));
            wantReg.add(Arrays.toString(new int[] {boxes[k] * 4, sides[k], sides[k]}));
        }
        assertEquals(wantCls, cls);
        assertEquals(wantReg, reg);
    }

    private static List<String> headRows(List<String> rows, String prefix) {
        return rows.stream().filter(r -> r.startsWith(prefix)).toList();
    }

    /** "name [shape]" of every leaf layer a training step's losses run, on one grey image with one box. */
    private static List<String> trainingForward(TrainableDetector det) {
        Module net = det.network();
        Map<Module, String> names = new IdentityHashMap<>();
        index(net, "", names);
        List<String> rows = new ArrayList<>();
        byte[] px = new byte[3 * 64 * 64];
        Arrays.fill(px, (byte) 90);
        float[] box = {10, 12, 40, 50};
        TrainableDetector.Batch b = new TrainableDetector.Batch(List.of(new RgbImage(64, 64, px)), List.of(box), List.of(new int[] {2}),
                List.of(box.clone()));
        net.train(true);
        Module.trace((m, y) -> {
            if (m.children().isEmpty()) rows.add(names.get(m) + " " + Arrays.toString(Arrays.copyOfRange(y.shape(), 1, y.shape().length)));
        }, () -> det.losses(b, new SplittableRandom(1)));
        return rows;
    }

    private static void index(Module m, String prefix, Map<Module, String> names) {
        for (Map.Entry<String, Module> e : m.children().entrySet()) {
            String n = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            names.putIfAbsent(e.getValue(), n);
            index(e.getValue(), n, names);
        }
    }
}
