package dev.cvkit.nn;

import dev.cvkit.tensor.Tensor;

/** Resize [N,C,H,W] by an integer factor (or to a fixed size): nearest or bilinear (align_corners either way). */
public final class Upsample extends Module {
    private final int factor, outH, outW;
    private final boolean bilinear, alignCorners;

    private Upsample(int factor, int outH, int outW, boolean bilinear, boolean alignCorners) {
        this.factor = factor;
        this.outH = outH;
        this.outW = outW;
        this.bilinear = bilinear;
        this.alignCorners = alignCorners;
    }

    public static Upsample nearest(int factor) { return new Upsample(factor, 0, 0, false, false); }

    public static Upsample bilinear(int factor, boolean alignCorners) {
        return new Upsample(factor, 0, 0, true, alignCorners);
    }

    public static Upsample toSize(int h, int w, boolean bilinear, boolean alignCorners) {
        return new Upsample(0, h, w, bilinear, alignCorners);
    }

    @Override
    protected Tensor compute(Tensor x) {
        int h = factor > 0 ? x.size(2) * factor : outH, w = factor > 0 ? x.size(3) * factor : outW;
        return bilinear ? Functional.upsampleBilinear(x, h, w, alignCorners) : Functional.upsampleNearest(x, h, w);
    }
}
