package dev.cvkit.nn;

import dev.cvkit.tensor.Tensor;

/** [N, ...] → [N, rest]. */
public final class Flatten extends Module {
    @Override
    protected Tensor compute(Tensor x) { return x.flatten(); }
}
