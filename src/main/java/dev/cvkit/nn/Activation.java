package dev.cvkit.nn;

import dev.cvkit.tensor.Tensor;

/** Parameter-free elementwise layers (ReLU, ReLU6, LeakyReLU, Sigmoid, Tanh, Hardswish, Hardsigmoid, Identity); shape unchanged. */
public final class Activation extends Module {
    /** The function applied. */
    public enum Kind { RELU, RELU6, LEAKY_RELU, SIGMOID, TANH, HARDSWISH, HARDSIGMOID, IDENTITY }

    private final Kind kind;
    private final float slope;

    public Activation(Kind kind) { this(kind, 0.01f); }

    public Activation(Kind kind, float slope) {
        this.kind = kind;
        this.slope = slope;
    }

    public static Activation relu() { return new Activation(Kind.RELU); }

    public static Activation relu6() { return new Activation(Kind.RELU6); }

    public static Activation hardswish() { return new Activation(Kind.HARDSWISH); }

    /** The function applied. */
    public Kind kind() { return kind; }

    @Override
    protected Tensor compute(Tensor x) {
        return switch (kind) {
            case RELU -> Functional.relu(x);
            case RELU6 -> Functional.relu6(x);
            case LEAKY_RELU -> Functional.leakyRelu(x, slope);
            case SIGMOID -> Functional.sigmoid(x);
            case TANH -> Functional.tanh(x);
            case HARDSWISH -> Functional.hardswish(x);
            case HARDSIGMOID -> Functional.hardsigmoid(x);
            case IDENTITY -> x;
        };
    }

    /** The clamp range [lo, hi] this activation equals, or null if it is not a clamp. */
    float[] clampRange() {
        return switch (kind) {
            case RELU -> new float[] {0f, Float.POSITIVE_INFINITY};
            case RELU6 -> new float[] {0f, 6f};
            case IDENTITY -> new float[] {Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY};
            default -> null;
        };
    }

    @Override
    public String typeName() {
        return switch (kind) {
            case RELU -> "ReLU";
            case RELU6 -> "ReLU6";
            case LEAKY_RELU -> "LeakyReLU";
            case SIGMOID -> "Sigmoid";
            case TANH -> "Tanh";
            case HARDSWISH -> "Hardswish";
            case HARDSIGMOID -> "Hardsigmoid";
            case IDENTITY -> "Identity";
        };
    }
}
