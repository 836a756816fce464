package dev.cvkit.nn;

import dev.cvkit.tensor.Tensor;
import java.util.Random;

/** Zeroes values with probability p in training (scaling the rest by 1/(1−p)); identity in eval. */
public final class Dropout extends Module {
    private final float p;
    private final Random rng;

    public Dropout(float p) {
        this.p = p;
        this.rng = new Random(Init.rng().nextLong());
    }

    @Override
    protected Tensor compute(Tensor x) { return Functional.dropout(x, p, isTraining(), rng); }
}
