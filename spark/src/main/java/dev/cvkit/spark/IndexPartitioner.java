package dev.cvkit.spark;

import org.apache.spark.Partitioner;

/** Contiguous ranges of input positions, so the part files, read in name order, keep the inputs' order. */
final class IndexPartitioner extends Partitioner {
    private final int partitions;
    private final long span;

    /** {@code span}: one more than the largest position. */
    IndexPartitioner(int partitions, long span) {
        this.partitions = partitions;
        this.span = Math.max(1, span);
    }

    @Override
    public int numPartitions() {
        return partitions;
    }

    @Override
    public int getPartition(Object key) {
        long i = (Long) key;
        return (int) Math.min(partitions - 1, i * partitions / span);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IndexPartitioner p && p.partitions == partitions && p.span == span;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(span) * 31 + partitions;
    }
}
