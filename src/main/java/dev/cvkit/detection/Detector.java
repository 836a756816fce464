package dev.cvkit.detection;

import dev.cvkit.image.RgbImage;
import dev.cvkit.timing.Lap;

import java.util.List;

/**
 * A pretrained object detector: an RGB image in, detections in original pixels out (sorted by
 * descending score). Implementations are safe to call from several threads at once.
 */
public interface Detector {
    /** Runs the network and its post-processing. */
    default List<Detection> detect(RgbImage image, DetectParams params) {
        return detect(image, params, Lap.NONE);
    }

    /** As {@link #detect(RgbImage, DetectParams)}, ending each {@link dev.cvkit.timing.Stage} on {@code lap} as it is done. */
    List<Detection> detect(RgbImage image, DetectParams params, Lap lap);

    /** Whether the network runs at other input sizes ({@link DetectParams#imgsz()}); else that is ignored. */
    default boolean resizable() { return false; }

    /** The defaults this model was published with. */
    DetectParams defaults();

    /**
     * The score threshold for COCO evaluation: 0.05, as NanoDet's COCO evaluation; models trained
     * by cvkit say 0.001, as torchvision's detection references (and their validation AP).
     */
    default float evalConf() { return 0.05f; }

    /** Class names, indexed by {@link Detection#classIndex()}. */
    List<String> classes();

    /** COCO category id of each class (e.g. 1 = person), same indexing as {@link #classes()}. */
    List<Integer> categoryIds();

    /** Architecture name as in the model file (e.g. {@code nanodet}). */
    String architecture();
}
