package dev.cvkit.detection.rcnn;

import dev.cvkit.nn.Conv2d;
import dev.cvkit.nn.Functional;
import dev.cvkit.nn.Init;
import dev.cvkit.nn.Module;
import dev.cvkit.nn.Sequential;
import dev.cvkit.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Feature pyramid network (Lin et al. 2017), as {@code torchvision.ops.FeaturePyramidNetwork}
 * with {@code LastLevelMaxPool}: a 1×1 lateral convolution per input level, a top-down path that
 * adds each coarser result resized by nearest neighbour to the next finer lateral, a 3×3
 * convolution per level, and an extra level max-pooled (1×1, stride 2) from the coarsest
 * output. Parameter names are torchvision's ({@code inner_blocks.i.0.weight},
 * {@code layer_blocks.i.0.weight}), so its state dicts load.
 */
public final class FeaturePyramid extends Module {
    private final Sequential inner = new Sequential(), layer = new Sequential();
    private final boolean extraPool;

    /** @param inChannels channels of the input levels, finest first; 0 skips a level as torchvision does */
    public FeaturePyramid(int[] inChannels, int outChannels, boolean lastLevelMaxPool) {
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
        this.extraPool = lastLevelMaxPool;
    }

    /** Levels [N, C_l, H_l, W_l], finest first → [N, out, H_l, W_l] per level (+ the pooled extra level). */
    public List<Tensor> forwardLevels(List<Tensor> x) {
        int levels = inner.children().size();
        if (x.size() != levels) throw new IllegalArgumentException("FPN: " + x.size() + " inputs for " + levels + " levels");
        Tensor[] out = new Tensor[levels];
        Tensor last = block(inner, levels - 1).forward(x.get(levels - 1));
        out[levels - 1] = block(layer, levels - 1).forward(last);
        for (int i = levels - 2; i >= 0; i--) {
            Tensor lateral = block(inner, i).forward(x.get(i));
            Tensor topDown = Functional.upsampleNearest(last, lateral.size(2), lateral.size(3));
            last = lateral.add(topDown);
            out[i] = block(layer, i).forward(last);
        }
        List<Tensor> result = new ArrayList<>(List.of(out));
        if (extraPool) result.add(Functional.maxPool2d(out[levels - 1], 1, 1, 2, 2, 0, 0, false).output());
        return result;
    }

    private static Module block(Sequential s, int i) {
        return s.children().get(Integer.toString(i));
    }

    @Override
    protected Tensor compute(Tensor x) {
        throw new UnsupportedOperationException("FPN takes a list of levels: use forwardLevels");
    }
}
