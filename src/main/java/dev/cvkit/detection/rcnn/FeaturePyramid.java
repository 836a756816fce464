package dev.cvkit.detection.rcnn;

import dev.cvkit.nn.Container;
import dev.cvkit.nn.Conv2d;
import dev.cvkit.nn.Functional;
import dev.cvkit.nn.Init;
import dev.cvkit.nn.Module;
import dev.cvkit.nn.Sequential;
import dev.cvkit.tensor.BufferPool;
import dev.cvkit.tensor.Parallel;
import dev.cvkit.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Feature pyramid network (Lin et al. 2017), as {@code torchvision.ops.FeaturePyramidNetwork}
 * with {@code LastLevelMaxPool}: a 1×1 lateral convolution per input level, a top-down path that
 * adds each coarser result resized by nearest neighbour to the next finer lateral, a 3×3
 * convolution per level, and extra levels: one max-pooled (1×1, stride 2) from the coarsest
 * output ({@code LastLevelMaxPool}, Faster R-CNN) or P6 and P7 ({@code LastLevelP6P7},
 * RetinaNet). Parameter names are torchvision's ({@code inner_blocks.i.0.weight},
 * {@code layer_blocks.i.0.weight}, {@code extra_blocks.p6.weight}), so its state dicts load.
 */
public final class FeaturePyramid extends Container {
    private final Sequential inner = new Sequential(), layer = new Sequential();
    private final boolean extraPool;
    private final P6P7 p6p7;

    /** The extra levels after the coarsest: none, a max-pooled one (Faster R-CNN), or P6 and P7 (RetinaNet). */
    public enum Extra { NONE, MAX_POOL, P6P7 }

    /** @param inChannels channels of the input levels, finest first */
    public FeaturePyramid(int[] inChannels, int outChannels, boolean lastLevelMaxPool) {
        this(inChannels, outChannels, lastLevelMaxPool ? Extra.MAX_POOL : Extra.NONE, 0);
    }

    /**
     * @param p6In for {@link Extra#P6P7}: channels P6 is computed from — outChannels to read the
     *     coarsest output P5 (torchvision's RetinaNet), or the coarsest input's channels to read C5
     */
    public FeaturePyramid(int[] inChannels, int outChannels, Extra extra, int p6In) {
        if (inChannels.length == 0 || outChannels <= 0) {
            throw new IllegalArgumentException("FPN: " + inChannels.length + " levels of " + outChannels + " channels");
        }
        for (int c : inChannels) {
            if (c <= 0) throw new IllegalArgumentException("FPN: input channels must be positive: " + c);
            Conv2d lateral = new Conv2d(c, outChannels, 1, 1, 0, 1, 1, true);
            Conv2d output = new Conv2d(outChannels, outChannels, 3, 1, 1, 1, 1, true);
            for (Conv2d conv : new Conv2d[] {lateral, output}) {
                // torchvision: kaiming_uniform_(a=1), bias 0
                Init.kaimingUniform(conv.namedParameters().get("weight"), 1f, false);
                Init.constant(conv.namedParameters().get("bias"), 0f);
            }
            inner.add(new Sequential(lateral));
            layer.add(new Sequential(output));
        }
        child("inner_blocks", inner);
        child("layer_blocks", layer);
        this.extraPool = extra == Extra.MAX_POOL;
        if (extra == Extra.P6P7 && p6In != outChannels && p6In != inChannels[inChannels.length - 1]) {
            throw new IllegalArgumentException("FPN: P6 reads " + p6In + " channels; P5 has " + outChannels
                    + ", C5 " + inChannels[inChannels.length - 1]);
        }
        this.p6p7 = extra == Extra.P6P7 ? child("extra_blocks", new P6P7(p6In, outChannels)) : null;
    }

    /** torchvision's LastLevelP6P7: P6 = 3×3/2 conv of P5 (or C5), P7 = 3×3/2 conv of relu(P6). */
    static final class P6P7 extends Container {
        final Conv2d p6, p7;
        final boolean usesP5;

        P6P7(int in, int out) {
            p6 = child("p6", new Conv2d(in, out, 3, 2, 1));
            p7 = child("p7", new Conv2d(out, out, 3, 2, 1));
            for (Conv2d conv : new Conv2d[] {p6, p7}) {
                Init.kaimingUniform(conv.namedParameters().get("weight"), 1f, false);
                Init.constant(conv.namedParameters().get("bias"), 0f);
            }
            usesP5 = in == out;
        }
    }

    /** Levels [N, C_l, H_l, W_l], finest first → [N, out, H_l, W_l] per level (+ the pooled extra level). */
    public List<Tensor> forwardLevels(List<Tensor> x) {
        int levels = inner.children().size();
        if (x.size() != levels) throw new IllegalArgumentException("FPN: " + x.size() + " inputs for " + levels + " levels");
        Tensor[] out = new Tensor[levels];
        Tensor last = block(inner, levels - 1).forward(x.get(levels - 1));
        out[levels - 1] = block(layer, levels - 1).forward(last);
        boolean inference = fusedInference();
        for (int i = levels - 2; i >= 0; i--) {
            Tensor lateral = block(inner, i).forward(x.get(i));
            if (inference) {
                // the lateral is this call's own (pooled) array: add the resized coarser level into it
                // in one pass, then recycle that level (the upsampled copy and the sum were two
                // more arrays and passes per level)
                addNearestInto(lateral, last);
                BufferPool.give(last.data());
                last = lateral;
            } else {
                Tensor topDown = Functional.upsampleNearest(last, lateral.size(2), lateral.size(3));
                last = lateral.add(topDown);
            }
            out[i] = block(layer, i).forward(last);
        }
        if (inference) BufferPool.give(last.data());
        List<Tensor> result = new ArrayList<>(List.of(out));
        if (extraPool) result.add(Functional.maxPool2d(out[levels - 1], 1, 1, 2, 2, 0, 0, false).output());
        if (p6p7 != null) {
            Tensor p6 = p6p7.p6.forward(p6p7.usesP5 ? out[levels - 1] : x.get(levels - 1));
            result.add(p6);
            result.add(p6p7.p7.forward(Functional.relu(p6)));
        }
        return result;
    }

    /**
     * y += nearest(src) resized to y's size, as {@code lateral.add(upsampleNearest(src, …))} computes
     * it for finite values (source row ⌊i·h/oh⌋ in float, as Functional.upsampleNearest), one
     * task per plane.
     */
    static void addNearestInto(Tensor y, Tensor src) {
        int planes = y.size(0) * y.size(1), oh = y.size(2), ow = y.size(3), h = src.size(2), w = src.size(3);
        if (src.size(0) * src.size(1) != planes) throw new IllegalArgumentException("FPN: " + src + " does not resize to " + y);
        int[] sy = new int[oh], sx = new int[ow];
        float scy = (float) h / oh, scx = (float) w / ow;
        for (int i = 0; i < oh; i++) sy[i] = Math.min((int) Math.floor(i * scy), h - 1);
        for (int i = 0; i < ow; i++) sx[i] = Math.min((int) Math.floor(i * scx), w - 1);
        float[] yd = y.data(), sd = src.data();
        Parallel.forEach(planes, pl -> {
            float[] row = new float[ow];
            int yo = pl * oh * ow, so = pl * h * w;
            for (int oy = 0; oy < oh; oy++) {
                int r = so + sy[oy] * w, o = yo + oy * ow;
                for (int ox = 0; ox < ow; ox++) row[ox] = sd[r + sx[ox]];
                for (int ox = 0; ox < ow; ox++) yd[o + ox] += row[ox];
            }
        });
    }

    private static Module block(Sequential s, int i) {
        return s.children().get(Integer.toString(i));
    }
}
