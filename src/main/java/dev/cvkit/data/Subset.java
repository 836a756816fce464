package dev.cvkit.data;

import dev.cvkit.image.Pixels;
import java.util.List;
import java.util.SplittableRandom;

/** A view of some samples of another dataset, in the given order. */
public final class Subset implements Dataset {
    private final Dataset base;
    private final int[] indices;
    private final String what;

    public Subset(Dataset base, int[] indices, String what) {
        for (int i : indices) {
            if (i < 0 || i >= base.size()) {
                throw new IndexOutOfBoundsException(i);
            }
        }
        this.base = base;
        this.indices = indices.clone();
        this.what = what;
    }

    /**
     * Splits off a validation part: a seeded shuffle of all indices, the first
     * {@code round(fraction × size)} (at least 1) become validation, the rest training; both keep
     * ascending order. Returns {training, validation}.
     */
    public static Subset[] split(Dataset data, double fraction, long seed) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("fraction must be in (0, 1): " + fraction);
        }
        int n = data.size();
        int nVal = (int) Math.max(1, Math.min(n - 1, Math.round(fraction * n)));
        int[] perm = permutation(n, new SplittableRandom(Seeds.mix(seed, Seeds.SPLIT, 0, 0)));
        boolean[] isVal = new boolean[n];
        for (int i = 0; i < nVal; i++) {
            isVal[perm[i]] = true;
        }
        int[] train = new int[n - nVal];
        int[] val = new int[nVal];
        int t = 0;
        int v = 0;
        for (int i = 0; i < n; i++) {
            if (isVal[i]) {
                val[v++] = i;
            } else {
                train[t++] = i;
            }
        }
        return new Subset[] {new Subset(data, train, "training part"), new Subset(data, val, "validation part")};
    }

    /** A uniformly random permutation of 0..n-1 (Fisher–Yates). */
    static int[] permutation(int n, SplittableRandom rng) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int tmp = p[i];
            p[i] = p[j];
            p[j] = tmp;
        }
        return p;
    }

    /** What the underlying dataset is. */
    public String baseDescribe() { return base.describe(); }

    /** Index in the underlying dataset of sample i. */
    public int baseIndex(int i) { return indices[i]; }

    @Override
    public int size() { return indices.length; }

    @Override
    public List<String> classes() { return base.classes(); }

    @Override
    public int label(int i) { return base.label(indices[i]); }

    @Override
    public Pixels image(int i) { return base.image(indices[i]); }

    @Override
    public String name(int i) { return base.name(indices[i]); }

    @Override
    public String describe() {
        return indices.length + " images (" + what + " of " + base.describe() + ")";
    }
}
