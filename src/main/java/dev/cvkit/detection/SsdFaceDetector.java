package dev.cvkit.detection;

import dev.cvkit.image.RgbImage;
import dev.cvkit.timing.Lap;
import dev.cvkit.timing.Stage;

import dev.cvkit.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * face-api's SSD-MobileNetV1 face detection end to end: preprocessing, network, box decoding,
 * face-api's NMS and its mapping back to image pixels (clamp to the padded square, undo the
 * bottom/right padding, scale to the image).
 */
public final class SsdFaceDetector implements Detector {
    private final SsdMobileNetV1Face net;
    private final DetectParams defaults;
    private final List<String> classes;
    private final List<Integer> categoryIds;

    public SsdFaceDetector(SsdMobileNetV1Face net, DetectParams defaults, List<String> classes, List<Integer> categoryIds) {
        this.net = net;
        this.defaults = defaults;
        this.classes = List.copyOf(classes);
        this.categoryIds = List.copyOf(categoryIds);
    }

    /** Boxes and scores of all 5118 anchors before NMS (for exactness tests). */
    SsdMobileNetV1Face.Decoded decodedAnchors(RgbImage image) {
        try (var g = Tensor.noGrad()) {
            return net.decode(net.forward(SsdMobileNetV1Face.preprocess(image)));
        }
    }

    @Override
    public List<Detection> detect(RgbImage image, DetectParams p, Lap lap) {
        SsdMobileNetV1Face.Decoded d;
        try (var g = Tensor.noGrad()) {
            Tensor in = SsdMobileNetV1Face.preprocess(image);
            lap.end(Stage.PREPROCESS);
            Tensor raw = net.forward(in);
            lap.end(Stage.INFERENCE);
            d = net.decode(raw);
        }
        List<Integer> keep = Nms.faceApiSsd(d.boxes(), d.scores(), p.maxDet(), p.iou(), p.conf());
        int w = image.width(), h = image.height();
        double scale = (double) SsdMobileNetV1Face.INPUT / Math.max(w, h);
        double padX = (double) SsdMobileNetV1Face.INPUT / TfOps.jsRound(w * scale);
        double padY = (double) SsdMobileNetV1Face.INPUT / TfOps.jsRound(h * scale);
        float[] b = d.boxes();
        List<Detection> out = new ArrayList<>();
        for (int i : keep) {
            double top = Math.max(0, b[i * 4]) * padY, bottom = Math.min(1.0, b[i * 4 + 2]) * padY;
            double left = Math.max(0, b[i * 4 + 1]) * padX, right = Math.min(1.0, b[i * 4 + 3]) * padX;
            out.add(new Detection((float) (left * w), (float) (top * h), (float) ((right - left) * w),
                    (float) ((bottom - top) * h), d.scores()[i], 0, classes.get(0)));
        }
        lap.end(Stage.POSTPROCESS);
        return out;
    }

    @Override
    public DetectParams defaults() { return defaults; }

    @Override
    public List<String> classes() { return classes; }

    @Override
    public List<Integer> categoryIds() { return categoryIds; }

    @Override
    public String architecture() { return "ssd-mobilenetv1-face"; }
}
