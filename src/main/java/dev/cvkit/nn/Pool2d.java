package dev.cvkit.nn;

import dev.cvkit.tensor.Tensor;

/**
 * Max or average pooling over k×k windows, [N,C,H,W] → [N,C,Ho,Wo]; or adaptive average pooling
 * to a fixed output size. {@link #lastIndices()} keeps max pooling's argmax indices for
 * unpooling.
 */
public final class Pool2d extends Module {
    /** Which pooling. */
    public enum Kind { MAX, AVG, ADAPTIVE_AVG }

    private final Kind kind;
    private final int k, stride, padding;
    private final boolean ceil;
    private final int outH, outW;
    private int[] lastIndices;

    private Pool2d(Kind kind, int k, int stride, int padding, boolean ceil, int outH, int outW) {
        this.kind = kind;
        this.k = k;
        this.stride = stride;
        this.padding = padding;
        this.ceil = ceil;
        this.outH = outH;
        this.outW = outW;
    }

    public static Pool2d max(int k, int stride) { return new Pool2d(Kind.MAX, k, stride, 0, false, 0, 0); }

    public static Pool2d max(int k, int stride, int padding, boolean ceil) {
        return new Pool2d(Kind.MAX, k, stride, padding, ceil, 0, 0);
    }

    public static Pool2d avg(int k, int stride) { return new Pool2d(Kind.AVG, k, stride, 0, false, 0, 0); }

    public static Pool2d avg(int k, int stride, int padding, boolean ceil) {
        return new Pool2d(Kind.AVG, k, stride, padding, ceil, 0, 0);
    }

    public static Pool2d adaptiveAvg(int outH, int outW) {
        return new Pool2d(Kind.ADAPTIVE_AVG, 0, 0, 0, false, outH, outW);
    }

    @Override
    protected Tensor compute(Tensor x) {
        switch (kind) {
            case MAX -> {
                Functional.Pooled p = Functional.maxPool2d(x, k, k, stride, stride, padding, padding, ceil, !fusedInference());
                lastIndices = p.indices();
                return p.output();
            }
            case AVG -> {
                return Functional.avgPool2d(x, k, k, stride, stride, padding, padding, ceil, true);
            }
            default -> {
                return Functional.adaptiveAvgPool2d(x, outH, outW);
            }
        }
    }

    /** Argmax indices (flat within each H·W plane) of the last max-pooling forward; null after a fused-inference forward. */
    public int[] lastIndices() { return lastIndices; }

    @Override
    public String typeName() {
        return switch (kind) {
            case MAX -> "MaxPool2d";
            case AVG -> "AvgPool2d";
            case ADAPTIVE_AVG -> "AdaptiveAvgPool2d";
        };
    }
}
