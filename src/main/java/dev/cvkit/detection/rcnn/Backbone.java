package dev.cvkit.detection.rcnn;

import dev.cvkit.nn.Module;
import dev.cvkit.tensor.Tensor;
import java.util.List;

/** A detector's feature extractor: images [N, 3, H, W] → feature levels, finest first. */
public abstract class Backbone extends Module {
    /** The levels (each [N, channels()[l], H_l, W_l]). */
    public abstract List<Tensor> levels(Tensor images);

    /** Channels of each level, finest first. */
    public abstract int[] channels();

    @Override
    protected final Tensor compute(Tensor x) {
        throw new UnsupportedOperationException("a backbone returns several levels: use levels()");
    }
}
