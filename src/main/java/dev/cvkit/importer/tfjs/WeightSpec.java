package dev.cvkit.importer.tfjs;

import java.util.Arrays;

/**
 * One entry of a weight group: a tensor's name, shape (TensorFlow layout, {@code []} = scalar),
 * dtype ({@code float32} or {@code int32}) and optional quantisation. Entries are stored back to
 * back in manifest order, with no header, padding or alignment.
 */
public record WeightSpec(String name, int[] shape, Dtype dtype, Quantization quantization) {
    /** The dtypes cvkit reads (TF.js also knows bool, string and complex64; no detector uses them). */
    public enum Dtype { FLOAT32, INT32 }

    public WeightSpec {
        shape = shape.clone();
    }

    @Override
    public int[] shape() { return shape.clone(); }

    /** Number of elements (1 for a scalar). Shapes are validated non-negative and bounded on parse. */
    public long elements() {
        long n = 1;
        for (int d : shape) {
            n = Math.multiplyExact(n, (long) d);
        }
        return n;
    }

    /** Bytes this entry occupies in the shard buffer. */
    public long storedBytes() {
        int per = quantization == null ? 4 : quantization.kind().bytes();
        return Math.multiplyExact(elements(), (long) per);
    }

    @Override
    public String toString() {
        return name + " " + Arrays.toString(shape) + " " + dtype.name().toLowerCase(java.util.Locale.ROOT)
                + (quantization == null ? "" : " q=" + quantization.kind().name().toLowerCase(java.util.Locale.ROOT));
    }
}
