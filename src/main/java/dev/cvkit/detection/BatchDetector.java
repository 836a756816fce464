package dev.cvkit.detection;

import dev.cvkit.image.RgbImage;
import dev.cvkit.timing.Lap;
import java.util.List;

/** A detector that runs several images in one forward pass (padded to one size), faster than one by one. */
public interface BatchDetector extends Detector {
    /** Detections per image, in the order given. */
    List<List<Detection>> detectAll(List<RgbImage> images, DetectParams params, Lap lap);

    /** Images per batch that keep memory modest and the GEMMs large. */
    default int batchSize() { return 8; }
}
