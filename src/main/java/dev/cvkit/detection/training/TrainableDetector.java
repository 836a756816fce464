package dev.cvkit.detection.training;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.detection.BatchDetector;
import dev.cvkit.detection.DetectParams;
import dev.cvkit.image.RgbImage;
import dev.cvkit.nn.Module;
import dev.cvkit.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A detector network as {@link DetectionTask} trains it, whatever its family: the losses of an
 * augmented batch, the network as a {@link BatchDetector} (sharing its weights), and the config
 * that rebuilds it ({@link DetectorFamilies.Family#fromConfig}). The trainer owns data,
 * augmentation, optimisation, validation and files; a family owns its input transform, targets
 * and decoding.
 */
public interface TrainableDetector {
    /**
     * A training batch after augmentation, in the images' own pixels: per image the boxes
     * (x1, y1, x2, y2), their labels 1 … K (0 is background, never given), and — for a family
     * whose {@link #proposals} are not null — its proposals moved with the image (else null).
     */
    record Batch(List<RgbImage> images, List<float[]> boxes, List<int[]> labels, List<float[]> proposals) {
        /** The images as [3, H, W] tensors in [0, 1]. */
        public List<Tensor> tensors() {
            List<Tensor> out = new java.util.ArrayList<>();
            for (RgbImage im : images) out.add(dev.cvkit.detection.TransformedDetector.toTensor(im));
            return out;
        }
    }

    /** The config's {@code "architecture"}, e.g. {@code faster-rcnn}. */
    String architecture();

    /** The module whose parameters are trained and saved (names as in the model file). */
    Module network();

    /** Object classes K (background not counted). */
    int classes();

    /** The training losses by name, with autograd; their sum is the objective (the loop adds the total "loss"). */
    Map<String, Tensor> losses(Batch batch, SplittableRandom rng);

    /** The network as a detector of these classes (label k ↔ classes[k − 1]), in inference mode. */
    BatchDetector detector(DetectParams defaults, List<String> classes, List<Integer> categoryIds);

    /** {@code "architecture"} and every constructor parameter, as written into the model file's config. */
    ObjectNode config();

    /**
     * Boxes this family trains on besides the ground truth, computed once per training image in
     * its pixels (Fast R-CNN's selective-search proposals); null (the default): none.
     */
    default float[] proposals(RgbImage image) { return null; }

    /** The prefix of the backbone's tensors, which {@code --init FILE} fills from a classifier. */
    default String backbonePrefix() { return "backbone.body."; }
}
