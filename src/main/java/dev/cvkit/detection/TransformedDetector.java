package dev.cvkit.detection;

import dev.cvkit.detection.rcnn.RcnnTransform;
import dev.cvkit.image.RgbImage;
import dev.cvkit.structures.ScoredBoxes;
import dev.cvkit.tensor.Tensor;
import dev.cvkit.timing.Lap;
import dev.cvkit.timing.Stage;
import java.util.ArrayList;
import java.util.List;

/**
 * A detection network behind the {@link Detector} interface that {@code detect} and
 * {@code eval} drive, for any network fed through {@link RcnnTransform} (the detectors cvkit
 * trains): RGB bytes → [0, 1] floats → resize, normalise and pad as one batch → the network →
 * boxes mapped back to the original pixels. The call's {@link DetectParams} go to the network,
 * so every call may use its own thresholds.
 */
public final class TransformedDetector implements BatchDetector {
    /** The network's part: a transformed batch → detections per image in batch coordinates, with the network's labels. */
    @FunctionalInterface
    public interface Network {
        /** @param originals the images before the transform (for networks that also read pixels, e.g. selective search) */
        List<ScoredBoxes> detect(RcnnTransform.Batch batch, List<RgbImage> originals, DetectParams params);
    }

    private final String architecture;
    private final Network net;
    private final RcnnTransform transform;
    private final int firstLabel;
    private final DetectParams defaults;
    private final List<String> classes;
    private final List<Integer> categoryIds;

    /** @param firstLabel the network's label of class 0: 1 when label 0 is background, else 0 */
    public TransformedDetector(String architecture, Network net, RcnnTransform transform, int firstLabel, DetectParams defaults,
                               List<String> classes, List<Integer> categoryIds) {
        if (classes.size() != categoryIds.size()) throw new IllegalArgumentException(classes.size() + " classes, " + categoryIds.size() + " ids");
        this.architecture = architecture;
        this.net = net;
        this.transform = transform;
        this.firstLabel = firstLabel;
        this.defaults = defaults;
        this.classes = List.copyOf(classes);
        this.categoryIds = List.copyOf(categoryIds);
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
        lap.end(Stage.PREPROCESS);
        List<ScoredBoxes> found = net.detect(b, images, params);
        lap.end(Stage.INFERENCE);
        List<List<Detection>> out = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            RgbImage im = images.get(i);
            ScoredBoxes d = found.get(i);
            float[] boxes = RcnnTransform.resizeBoxes(d.boxes(), b.sizes()[i], new int[] {im.height(), im.width()});
            List<Detection> dets = new ArrayList<>();
            for (int k = 0; k < d.count(); k++) {
                float x1 = boxes[4 * k], y1 = boxes[4 * k + 1], x2 = boxes[4 * k + 2], y2 = boxes[4 * k + 3];
                int c = d.labels()[k] - firstLabel;
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

    @Override
    public DetectParams defaults() { return defaults; }

    /** 0.001, as torchvision's detection references (and cvkit's validation AP). */
    @Override
    public float evalConf() { return 0.001f; }

    @Override
    public List<String> classes() { return classes; }

    @Override
    public List<Integer> categoryIds() { return categoryIds; }

    @Override
    public String architecture() { return architecture; }
}
