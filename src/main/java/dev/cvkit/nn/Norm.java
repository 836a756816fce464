package dev.cvkit.nn;

import dev.cvkit.tensor.Tensor;

/**
 * Per-sample normalisations: LayerNorm (over the last dims), GroupNorm, InstanceNorm2d, and
 * LocalResponseNorm (across channels, AlexNet). Affine {@code weight}/{@code bias} as PyTorch.
 */
public final class Norm extends Module {
    /** Which normalisation. */
    public enum Kind { LAYER, GROUP, INSTANCE, LOCAL_RESPONSE }

    private final Kind kind;
    private final int size;
    private final int groups;
    private final float eps, alpha, beta, k;
    private final Tensor weight, bias;

    private Norm(Kind kind, int size, int groups, boolean affine, float eps, float alpha, float beta, float k) {
        this.kind = kind;
        this.size = size;
        this.groups = groups;
        this.eps = eps;
        this.alpha = alpha;
        this.beta = beta;
        this.k = k;
        this.weight = affine ? param("weight", Tensor.full(1f, size)) : null;
        this.bias = affine ? param("bias", Tensor.zeros(size)) : null;
    }

    /** LayerNorm over the last dims holding {@code normalizedNumel} values. */
    public static Norm layerNorm(int normalizedNumel) {
        return new Norm(Kind.LAYER, normalizedNumel, 0, true, 1e-5f, 0, 0, 0);
    }

    public static Norm groupNorm(int groups, int channels) {
        return new Norm(Kind.GROUP, channels, groups, true, 1e-5f, 0, 0, 0);
    }

    /** InstanceNorm2d (PyTorch's default: no affine, no running statistics). */
    public static Norm instanceNorm(int channels, boolean affine) {
        return new Norm(Kind.INSTANCE, channels, channels, affine, 1e-5f, 0, 0, 0);
    }

    public static Norm localResponse(int size, float alpha, float beta, float k) {
        return new Norm(Kind.LOCAL_RESPONSE, size, 0, false, 0, alpha, beta, k);
    }

    @Override
    protected Tensor compute(Tensor x) {
        return switch (kind) {
            case LAYER -> Functional.layerNorm(x, size, weight, bias, eps);
            case GROUP -> Functional.groupNorm(x, groups, weight, bias, eps);
            case INSTANCE -> Functional.groupNorm(x, x.size(1), weight, bias, eps);
            case LOCAL_RESPONSE -> Functional.localResponseNorm(x, size, alpha, beta, k);
        };
    }

    @Override
    public String typeName() {
        return switch (kind) {
            case LAYER -> "LayerNorm";
            case GROUP -> "GroupNorm";
            case INSTANCE -> "InstanceNorm2d";
            case LOCAL_RESPONSE -> "LocalResponseNorm";
        };
    }
}
