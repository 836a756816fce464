package dev.cvkit.nn;

import dev.cvkit.tensor.Tensor;
import java.util.Random;

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
     * order, depth first) from a mix of (seed, k). Training loops call this before each step with
     * a seed derived from (run seed, epoch, batch), so the masks depend on the position in the run
     * only — a run resumed from a checkpoint draws the same masks as one that never stopped.
     */
    public static void reseedAll(Module root, long seed) {
        reseed(root, seed, new int[1]);
    }

    private static void reseed(Module m, long seed, int[] index) {
        if (m instanceof Dropout d) {
            d.rng.setSeed(mix(seed + 0x9E37_79B9_7F4A_7C15L * ++index[0]));
        }
        for (Module c : m.children().values()) reseed(c, seed, index);
    }

    /** SplitMix64's finaliser: neighbouring seeds give unrelated generator states. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return z ^ (z >>> 31);
    }
}
