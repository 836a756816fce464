package dev.cvkit.detection.yolo;

import dev.cvkit.detection.DetectParams;
import dev.cvkit.image.RgbImage;
import dev.cvkit.nn.Container;
import dev.cvkit.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A YOLO network of either form with what training needs: its losses on a batch of images and
 * boxes (in their own pixels; the images are stretched to the square input and the boxes with
 * them), and the detector that runs it.
 */
public final class YoloModel {
    private final YoloSpec spec;
    private final Container net;
    private final YoloLoss loss;

    public YoloModel(YoloSpec spec) {
        this.spec = spec;
        this.net = spec.build();
        this.loss = YoloSpec.YOLO.equals(spec.arch()) ? new YoloLoss(spec) : null;
    }

    public YoloSpec spec() { return spec; }

    public Container network() { return net; }

    /** The training losses by name (their sum is the objective), with autograd. */
    public Map<String, Tensor> losses(List<RgbImage> images, List<float[]> boxes, List<int[]> labels) {
        Tensor x = YoloInput.batch(images, spec.imgsz());
        List<float[]> scaled = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            scaled.add(YoloInput.toInput(boxes.get(i), images.get(i).width(), images.get(i).height(), spec.imgsz()));
        }
        if (net instanceof YoloNet y) return loss.compute(y.forwardLevels(x), scaled, labels);
        return YoloV1Loss.compute(spec, ((YoloV1Net) net).forwardGrid(x), scaled, labels);
    }

    /** The network as a detector (sharing its weights; switches it to eval mode). */
    public YoloDetector detector(DetectParams defaults, List<String> classes, List<Integer> ids) {
        return new YoloDetector(net, spec, defaults, classes, ids);
    }
}
