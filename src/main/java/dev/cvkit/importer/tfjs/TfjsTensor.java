package dev.cvkit.importer.tfjs;

import java.util.Arrays;

/**
 * A decoded TF.js weight in its original (TensorFlow) layout: float32 values in {@code floats}
 * or int32 values in {@code ints} (the other is null), row-major over {@code shape}, and how the
 * source stored them ({@code quantization}, null for plain float32/int32).
 */
public record TfjsTensor(String name, int[] shape, float[] floats, int[] ints, Quantization quantization) {
    public TfjsTensor {
        shape = shape.clone();
    }

    @Override
    public int[] shape() { return shape.clone(); }

    public boolean isFloat() { return floats != null; }

    /** The float values; an int32 weight is a mistake here (the caller expected a float). */
    public float[] requireFloats() {
        if (floats == null) {
            throw new IllegalStateException(name + " is int32, expected float32");
        }
        return floats;
    }

    /** Shape as text, e.g. {@code [3, 3, 32, 1]}. */
    public String shapeText() { return Arrays.toString(shape); }
}
