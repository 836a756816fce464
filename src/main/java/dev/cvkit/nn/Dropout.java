package dev.cvkit.nn;

import dev.cvkit.tensor.Tensor;
import java.util.Random;
import java.util.SplittableRandom;

/** Zeroes each value with probability p in training and scales the rest by 1/(1−p); identity in eval. */
public final class Dropout extends Module {
    private final float p;
    private final Random rng;

    public Dropout(float p) {
        this.p = p;
        this.rng = new Random(Init.rng().nextLong());
    }

    @Override
    protected Tensor compute(Tensor x) { return Functional.dropout(x, p, isTraining(), rng); }

    /**
     * Restarts every Dropout's mask generator under {@code root}: the k-th one met (children in
     * order, depth first) from the k-th draw of a SplittableRandom(seed). Training loops call this before each step with
     * a seed derived from (run seed, epoch, batch), so the masks depend on the position in the run
     * only — a run resumed from a checkpoint draws the same masks as one that never stopped.
     */
    public static void reseedAll(Module root, long seed) {
        reseed(root, new SplittableRandom(seed));
    }

    private static void reseed(Module m, SplittableRandom seeds) {
        if (m instanceof Dropout d) d.rng.setSeed(seeds.nextLong());
        for (Module c : m.children().values()) reseed(c, seeds);
    }
}
