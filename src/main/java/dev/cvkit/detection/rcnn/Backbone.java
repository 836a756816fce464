package dev.cvkit.detection.rcnn;

import dev.cvkit.nn.Container;
import dev.cvkit.tensor.Tensor;
import java.util.List;

/** A detector's feature extractor: images [N, 3, H, W] → feature levels, finest first. */
public abstract class Backbone extends Container {
    /** The levels (each [N, channels()[l], H_l, W_l]). */
    public abstract List<Tensor> levels(Tensor images);

    /** Channels of each level, finest first. */
    public abstract int[] channels();
}
