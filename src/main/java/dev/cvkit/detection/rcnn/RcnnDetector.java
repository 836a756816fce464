package dev.cvkit.detection.rcnn;

import dev.cvkit.detection.DetectParams;
import dev.cvkit.detection.Detection;
import dev.cvkit.detection.BatchDetector;
import dev.cvkit.image.RgbImage;
import dev.cvkit.structures.ScoredBoxes;
import dev.cvkit.tensor.Tensor;
import dev.cvkit.timing.Lap;
import dev.cvkit.timing.Stage;
import java.util.ArrayList;
import java.util.List;

/**
 * A trained Faster R-CNN behind the {@link Detector} interface that {@code detect} and
 * {@code eval} drive: RGB bytes → [0, 1] floats → {@link RcnnTransform} → network → boxes mapped
 * back to the original pixels. Label k of the network (k ≥ 1) is class k − 1. The call's
 * {@link DetectParams} are the box head's score threshold, per-class NMS threshold and
 * detection count, so every call may use its own.
 */
public final class RcnnDetector implements BatchDetector {
    private final FasterRcnn net;
    private final RcnnTransform transform;
    private final DetectParams defaults;
    private final List<String> classes;
    private final List<Integer> categoryIds;
    private final SelectiveSearchProposals proposals;

    public RcnnDetector(FasterRcnn net, RcnnTransform transform, DetectParams defaults, List<String> classes, List<Integer> categoryIds) {
        this(net, transform, defaults, classes, categoryIds, null);
    }

    /**
     * @param proposals null: Faster R-CNN (the RPN proposes); else Fast R-CNN on these
     *                  selective-search proposals
     */
    public RcnnDetector(FasterRcnn net, RcnnTransform transform, DetectParams defaults, List<String> classes, List<Integer> categoryIds,
                        SelectiveSearchProposals proposals) {
        this.proposals = proposals;
        if (classes.size() != categoryIds.size()) throw new IllegalArgumentException(classes.size() + " classes, " + categoryIds.size() + " ids");
        this.net = net;
        this.transform = transform;
        this.defaults = defaults;
        this.classes = List.copyOf(classes);
        this.categoryIds = List.copyOf(categoryIds);
        net.eval();
    }

    @Override
    public List<Detection> detect(RgbImage image, DetectParams params, Lap lap) {
        return detectAll(List.of(image), params, lap).get(0);
    }

    @Override
    public List<List<Detection>> detectAll(List<RgbImage> images, DetectParams params, Lap lap) {
        List<Tensor> xs = new ArrayList<>();
        for (RgbImage im : images) xs.add(toTensor(im));
        RcnnTransform.Batch b = transform.apply(xs, null);
        List<float[]> props = null;
        if (proposals != null) {
            props = new ArrayList<>();
            for (int i = 0; i < images.size(); i++) {
                RgbImage im = images.get(i);
                props.add(RcnnTransform.resizeBoxes(proposals.propose(im), new int[] {im.height(), im.width()}, b.sizes()[i]));
            }
        }
        lap.end(Stage.PREPROCESS);
        List<ScoredBoxes> found = props == null ? net.detect(b.images(), b.sizes(), params.conf(), params.iou(), params.maxDet())
                : net.detectOnProposals(b.images(), b.sizes(), props, params.conf(), params.iou(), params.maxDet());
        lap.end(Stage.INFERENCE);
        List<List<Detection>> out = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            RgbImage im = images.get(i);
            ScoredBoxes d = found.get(i);
            float[] boxes = RcnnTransform.resizeBoxes(d.boxes(), b.sizes()[i], new int[] {im.height(), im.width()});
            List<Detection> dets = new ArrayList<>();
            for (int k = 0; k < d.count(); k++) {
                float x1 = boxes[4 * k], y1 = boxes[4 * k + 1], x2 = boxes[4 * k + 2], y2 = boxes[4 * k + 3];
                int c = d.labels()[k] - 1;
                dets.add(new Detection(x1, y1, x2 - x1, y2 - y1, d.scores()[k], c, classes.get(c)));
            }
            out.add(dets);
        }
        lap.end(Stage.POSTPROCESS);
        return out;
    }

    /** HWC RGB bytes as a [3, H, W] tensor in [0, 1] (torchvision's to_tensor). */
    public static Tensor toTensor(RgbImage im) {
        int hw = im.width() * im.height();
        byte[] p = im.rgb();
        float[] x = new float[3 * hw];
        for (int q = 0; q < hw; q++) {
            for (int c = 0; c < 3; c++) x[c * hw + q] = (p[3 * q + c] & 0xff) / 255f;
        }
        return Tensor.of(x, 3, im.height(), im.width());
    }

    public FasterRcnn network() { return net; }

    @Override
    public DetectParams defaults() { return defaults; }

    @Override
    public float evalConf() { return 0.001f; }

    @Override
    public List<String> classes() { return classes; }

    @Override
    public List<Integer> categoryIds() { return categoryIds; }

    @Override
    public String architecture() { return proposals == null ? FasterRcnnSpec.ARCHITECTURE : RcnnModelFile.FAST; }
}
