package dev.cvkit.importer.tfjs;

import java.util.List;

/**
 * One group of a TF.js weights manifest: shard files (relative to the manifest's folder,
 * concatenated in this order into one buffer) and the entries laid out in that buffer.
 */
public record WeightGroup(List<String> paths, List<WeightSpec> weights) {
    public WeightGroup {
        paths = List.copyOf(paths);
        weights = List.copyOf(weights);
    }

    /** Bytes the entries occupy: must equal the concatenated shard size. */
    public long storedBytes() {
        long n = 0;
        for (WeightSpec w : weights) {
            n = Math.addExact(n, w.storedBytes());
        }
        return n;
    }
}
