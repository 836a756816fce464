package dev.cvkit.detection.retina;

import dev.cvkit.nn.Activation;
import dev.cvkit.nn.Container;
import dev.cvkit.nn.Conv2d;
import dev.cvkit.nn.Init;
import dev.cvkit.nn.Module;
import dev.cvkit.nn.Norm;
import dev.cvkit.nn.Sequential;
import dev.cvkit.tensor.BufferPool;
import dev.cvkit.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * RetinaNet's two subnets, shared by every pyramid level, as torchvision's RetinaNetHead: four
 * 3×3 convolutions with ReLU, then a 3×3 convolution to K class logits per anchor (bias
 * −ln((1 − π)/π) with prior π = 0.01, so training starts with every anchor background) or to 4
 * box deltas per anchor. Weights N(0, 0.01²). Parameter names as torchvision's
 * ({@code classification_head.conv.0.0.weight}, {@code classification_head.cls_logits.weight},
 * {@code regression_head.bbox_reg.weight}, …). With {@code groupNorm} the four convolutions
 * are torchvision's v2 head (retinanet_resnet50_fpn_v2): no bias, GroupNorm of 32 groups before
 * each ReLU, which trains from scratch where the plain head's activations start too small.
 */
public final class RetinaHead extends Container {
    private final Subnet cls, reg;
    private final int classes;

    public RetinaHead(int channels, int anchorsPerPosition, int classes) {
        this(channels, anchorsPerPosition, classes, false);
    }

    /** @param groupNorm the v2 head (GroupNorm(32) in the four convolutions; channels a multiple of 32) */
    public RetinaHead(int channels, int anchorsPerPosition, int classes, boolean groupNorm) {
        if (channels <= 0 || anchorsPerPosition <= 0 || classes <= 0 || (groupNorm && channels % 32 != 0)) {
            throw new IllegalArgumentException("RetinaNet head: " + channels + " channels, " + anchorsPerPosition
                    + " anchors, " + classes + " classes" + (groupNorm ? ", GroupNorm(32)" : ""));
        }
        this.classes = classes;
        cls = child("classification_head", new Subnet(channels, anchorsPerPosition * classes, "cls_logits",
                (float) -Math.log((1 - 0.01) / 0.01), groupNorm));
        reg = child("regression_head", new Subnet(channels, anchorsPerPosition * 4, "bbox_reg", 0f, groupNorm));
    }

    public int classes() { return classes; }

    /** Four conv + ReLU, then the output convolution. */
    static final class Subnet extends Module {
        private final Sequential conv = new Sequential();
        private final Conv2d out;

        Subnet(int channels, int outputs, String outName, float outBias, boolean groupNorm) {
            for (int i = 0; i < 4; i++) {
                Conv2d c = new Conv2d(channels, channels, 3, 1, 1, 1, 1, !groupNorm);
                Init.normal(c.namedParameters().get("weight"), 0f, 0.01f);
                if (groupNorm) {
                    conv.add(new Sequential(c, Norm.groupNorm(32, channels), Activation.relu()));
                } else {
                    Init.constant(c.namedParameters().get("bias"), 0f);
                    conv.add(new Sequential(c, Activation.relu()));
                }
            }
            child("conv", conv);
            out = child(outName, new Conv2d(channels, outputs, 3, 1, 1));
            Init.normal(out.namedParameters().get("weight"), 0f, 0.01f);
            Init.constant(out.namedParameters().get("bias"), outBias);
        }

        @Override
        protected Tensor compute(Tensor x) {
            Tensor h = conv.forward(x);
            if (!fusedInference()) return out.forward(h);
            // inference: the output convolution through the fused kernel (bias as its epilogue, the
            // same values), and the four convolutions' output back to the pool for the next level
            Tensor y = out.forwardFused(h, null, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
            if (h != x) BufferPool.release(h, y);
            return y;
        }
    }

    /** Per level: class logits [N, A·K, H, W] and box deltas [N, A·4, H, W]. */
    public record Output(List<Tensor> classLogits, List<Tensor> boxDeltas) {}

    public Output forwardLevels(List<Tensor> features) {
        List<Tensor> c = new ArrayList<>(), r = new ArrayList<>();
        for (Tensor f : features) {
            c.add(cls.forward(f));
            r.add(reg.forward(f));
        }
        return new Output(c, r);
    }
}
