package dev.cvkit.detection.yolo;

import dev.cvkit.detection.BatchDetector;
import dev.cvkit.detection.DetectParams;
import dev.cvkit.detection.Detection;
import dev.cvkit.image.RgbImage;
import dev.cvkit.nn.Container;
import dev.cvkit.structures.ScoredBoxes;
import dev.cvkit.tensor.Tensor;
import dev.cvkit.timing.Lap;
import dev.cvkit.timing.Stage;
import java.util.ArrayList;
import java.util.List;

/**
 * A YOLO network (either form) behind the detector interface that {@code detect} and
 * {@code eval} drive: images stretched to the network's square input ({@link YoloInput}), one
 * batched forward pass, decoding and per-class NMS with the call's thresholds, boxes scaled back
 * to each image's pixels.
 */
public final class YoloDetector implements BatchDetector {
    private final Container net;
    private final YoloSpec spec;
    private final YoloDecoder decoder;
    private final DetectParams defaults;
    private final List<String> classes;
    private final List<Integer> categoryIds;

    public YoloDetector(Container net, YoloSpec spec, DetectParams defaults, List<String> classes, List<Integer> categoryIds) {
        if (classes.size() != spec.classes() || categoryIds.size() != classes.size()) {
            throw new IllegalArgumentException(spec.classes() + " classes in the network, " + classes.size() + " names, " + categoryIds.size() + " ids");
        }
        this.net = net;
        this.spec = spec;
        this.decoder = new YoloDecoder(spec);
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
        Tensor x = YoloInput.batch(images, spec.imgsz());
        lap.end(Stage.PREPROCESS);
        List<ScoredBoxes> found;
        try (var g = Tensor.noGrad()) {
            found = net instanceof YoloNet y ? decoder.detect(y.forwardLevels(x), params.conf(), params.iou(), params.maxDet())
                    : YoloDecoder.grid(spec, ((YoloV1Net) net).forwardGrid(x), params.conf(), params.iou(), params.maxDet());
        }
        lap.end(Stage.INFERENCE);
        List<List<Detection>> out = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            RgbImage im = images.get(i);
            float fx = im.width() / (float) spec.imgsz(), fy = im.height() / (float) spec.imgsz();
            ScoredBoxes d = found.get(i);
            List<Detection> dets = new ArrayList<>();
            for (int k = 0; k < d.count(); k++) {
                float x1 = d.boxes()[4 * k] * fx, y1 = d.boxes()[4 * k + 1] * fy, x2 = d.boxes()[4 * k + 2] * fx, y2 = d.boxes()[4 * k + 3] * fy;
                int c = d.labels()[k];
                dets.add(new Detection(x1, y1, x2 - x1, y2 - y1, d.scores()[k], c, classes.get(c)));
            }
            out.add(dets);
        }
        lap.end(Stage.POSTPROCESS);
        return out;
    }

    public Container network() { return net; }

    public YoloSpec spec() { return spec; }

    @Override
    public DetectParams defaults() { return defaults; }

    @Override
    public float evalConf() { return 0.001f; }

    @Override
    public List<String> classes() { return classes; }

    @Override
    public List<Integer> categoryIds() { return categoryIds; }

    @Override
    public String architecture() { return spec.arch(); }
}
