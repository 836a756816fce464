package dev.cvkit.graph;

import java.util.Arrays;

/** A float tensor in TensorFlow's layout: row-major over {@code shape} (NHWC for images). */
public record Value(float[] data, int[] shape) {
    public Value {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            }
            n *= d;
        }
        if (n != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + n + " values, not " + data.length);
        }
    }

    public int rank() { return shape.length; }

    /** Dimension {@code i}; negative counts from the end. */
    public int dim(int i) { return shape[i < 0 ? shape.length + i : i]; }

    @Override
    public String toString() { return "Value" + Arrays.toString(shape); }
}
