package dev.cvkit.models;

import dev.cvkit.nn.Activation;
import dev.cvkit.nn.BatchNorm;
import dev.cvkit.nn.Conv2d;
import dev.cvkit.nn.Functional;
import dev.cvkit.nn.Module;
import dev.cvkit.nn.Pool2d;
import dev.cvkit.nn.Sequential;
import dev.cvkit.tensor.BufferPool;
import dev.cvkit.tensor.Parallel;
import dev.cvkit.tensor.Tensor;

/**
 * The building blocks of the architectures, named as torchvision names them: ResNet's
 * BasicBlock and Bottleneck (optionally with squeeze-excitation), GoogLeNet's Inception module
 * with 1×1 reductions, MobileNet's depthwise-separable and inverted-residual blocks.
 */
public final class Blocks {
    private Blocks() {}

    /** conv → BN → activation as torchvision's Conv2dNormActivation: children 0, 1, 2. */
    public static Sequential convBnAct(int in, int out, int k, int stride, int groups, Activation act) {
        Sequential s = new Sequential(new Conv2d(in, out, k, stride, (k - 1) / 2, 1, groups, false), BatchNorm.bn2d(out));
        if (act != null) s.add(act);
        return s;
    }

    /**
     * Inference: the block's shortcut, x itself or the downsampled x (a temporary the block gives
     * back to the pool once the block's last convolution has added it in).
     */
    static Tensor shortcut(Tensor x, Module downsample) {
        return downsample == null ? x : downsample.forward(x);
    }

    /** ResNet basic block: two 3×3 convs (conv1/bn1, conv2/bn2), identity or downsample shortcut. */
    public static final class BasicBlock extends Module {
        public static final int EXPANSION = 1;
        final Conv2d conv1, conv2;
        final BatchNorm bn1, bn2;
        final Module relu;
        final SqueezeExcitation se;
        final Sequential downsample;

        public BasicBlock(int in, int planes, int stride, boolean seBlock) {
            this(in, planes, stride, 1, seBlock);
        }

        /**
         * With both 3×3 convolutions dilated (padding = dilation), as DeepLab dilates ResNet-18/34
         * (torchvision's BasicBlock refuses dilation; the layout and names stay torchvision's).
         */
        public BasicBlock(int in, int planes, int stride, int dilation, boolean seBlock) {
            conv1 = child("conv1", new Conv2d(in, planes, 3, stride, dilation, dilation, 1, false));
            bn1 = child("bn1", BatchNorm.bn2d(planes));
            relu = child("relu", Activation.relu());
            conv2 = child("conv2", new Conv2d(planes, planes, 3, 1, dilation, dilation, 1, false));
            bn2 = child("bn2", BatchNorm.bn2d(planes));
            se = seBlock ? child("se", new SqueezeExcitation(planes, planes / 16)) : null;
            downsample = stride != 1 || in != planes
                    ? child("downsample", new Sequential(new Conv2d(in, planes, 1, stride, 0, 1, 1, false), BatchNorm.bn2d(planes)))
                    : null;
        }

        @Override
        protected Tensor compute(Tensor x) {
            if (fusedInference() && se == null) {
                Tensor o1 = conv1.forwardFused(x, bn1, 0f, Float.POSITIVE_INFINITY);
                Tensor s = shortcut(x, downsample);
                Tensor o = conv2.forwardFused(o1, bn2, s, 0f, Float.POSITIVE_INFINITY);
                BufferPool.give(o1.data());
                if (s != x) BufferPool.release(s, o);
                return o;
            }
            if (se == null && unobserved()) {
                // BatchNorm with its ReLU, and bn2 with the shortcut and ReLU, as one op each
                Tensor o = bn1.forwardAct(conv1.forward(x), null, 0f, Float.POSITIVE_INFINITY);
                o = conv2.forward(o);
                return bn2.forwardAct(o, downsample == null ? x : downsample.forward(x), 0f, Float.POSITIVE_INFINITY);
            }
            Tensor o = relu.forward(bn1.forward(conv1.forward(x)));
            o = bn2.forward(conv2.forward(o));
            if (se != null) o = se.forward(o);
            return relu.forward(o.add(downsample == null ? x : downsample.forward(x)));
        }
    }

    /** ResNet bottleneck: 1×1 reduce, 3×3 (stride here, as torchvision v1.5), 1×1 expand ×4. */
    public static final class Bottleneck extends Module {
        public static final int EXPANSION = 4;
        final Conv2d conv1, conv2, conv3;
        final BatchNorm bn1, bn2, bn3;
        final Module relu;
        final SqueezeExcitation se;
        final Sequential downsample;

        public Bottleneck(int in, int planes, int stride, boolean seBlock) {
            this(in, planes, stride, 1, seBlock);
        }

        /** With the 3×3 convolution dilated (padding = dilation), as torchvision's replace_stride_with_dilation. */
        public Bottleneck(int in, int planes, int stride, int dilation, boolean seBlock) {
            int out = planes * EXPANSION;
            conv1 = child("conv1", new Conv2d(in, planes, 1, 1, 0, 1, 1, false));
            bn1 = child("bn1", BatchNorm.bn2d(planes));
            conv2 = child("conv2", new Conv2d(planes, planes, 3, stride, dilation, dilation, 1, false));
            bn2 = child("bn2", BatchNorm.bn2d(planes));
            conv3 = child("conv3", new Conv2d(planes, out, 1, 1, 0, 1, 1, false));
            bn3 = child("bn3", BatchNorm.bn2d(out));
            relu = child("relu", Activation.relu());
            se = seBlock ? child("se", new SqueezeExcitation(out, out / 16)) : null;
            downsample = stride != 1 || in != out
                    ? child("downsample", new Sequential(new Conv2d(in, out, 1, stride, 0, 1, 1, false), BatchNorm.bn2d(out)))
                    : null;
        }

        @Override
        protected Tensor compute(Tensor x) {
            if (fusedInference() && se == null) {
                Tensor o1 = conv1.forwardFused(x, bn1, 0f, Float.POSITIVE_INFINITY);
                Tensor o2 = conv2.forwardFused(o1, bn2, 0f, Float.POSITIVE_INFINITY);
                BufferPool.give(o1.data());
                Tensor s = shortcut(x, downsample);
                Tensor o = conv3.forwardFused(o2, bn3, s, 0f, Float.POSITIVE_INFINITY);
                BufferPool.give(o2.data());
                if (s != x) BufferPool.release(s, o);
                return o;
            }
            if (se == null && unobserved()) {
                Tensor o = bn1.forwardAct(conv1.forward(x), null, 0f, Float.POSITIVE_INFINITY);
                o = bn2.forwardAct(conv2.forward(o), null, 0f, Float.POSITIVE_INFINITY);
                o = conv3.forward(o);
                return bn3.forwardAct(o, downsample == null ? x : downsample.forward(x), 0f, Float.POSITIVE_INFINITY);
            }
            Tensor o = relu.forward(bn1.forward(conv1.forward(x)));
            o = relu.forward(bn2.forward(conv2.forward(o)));
            o = bn3.forward(conv3.forward(o));
            if (se != null) o = se.forward(o);
            return relu.forward(o.add(downsample == null ? x : downsample.forward(x)));
        }
    }

    /**
     * Squeeze-and-excitation (Hu et al.; torchvision's SqueezeExcitation names): global average
     * pool → fc1 (1×1 conv, C→r) → ReLU → fc2 (r→C) → sigmoid → rescale the channels.
     */
    public static final class SqueezeExcitation extends Module {
        final Module avgpool, fc1, fc2, act, scale;

        public SqueezeExcitation(int channels, int squeeze) {
            this(channels, squeeze, Activation.Kind.SIGMOID);
        }

        /** @param scale the gate: SIGMOID (SE-ResNet) or HARDSIGMOID (MobileNet v3) */
        public SqueezeExcitation(int channels, int squeeze, Activation.Kind scale) {
            avgpool = child("avgpool", Pool2d.adaptiveAvg(1, 1));
            fc1 = child("fc1", new Conv2d(channels, squeeze, 1));
            act = child("activation", Activation.relu());
            fc2 = child("fc2", new Conv2d(squeeze, channels, 1));
            this.scale = child("scale_activation", new Activation(scale));
        }

        @Override
        protected Tensor compute(Tensor x) {
            if (fusedInference()) {
                float[] y = BufferPool.take(x.numel());
                System.arraycopy(x.data(), 0, y, 0, y.length);
                Tensor out = Tensor.of(y, x.shape());
                scaleInPlace(out);
                return out;
            }
            Tensor s = scale.forward(fc2.forward(act.forward(fc1.forward(avgpool.forward(x)))));
            return Functional.scaleChannels(x, s);
        }

        /**
         * Inference: x [N, C, H, W] times its gate, in place (x must be a temporary nothing else
         * reads): the global average pool in one pass per plane, the two 1×1 convolutions with
         * their activations fused, the scaling in a second pass. Values as {@link #compute}'s
         * separate layers give them up to the pool's summation order ({@link #planeSum}).
         */
        public void scaleInPlace(Tensor x) {
            int n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3), p = h * w;
            float[] d = x.data(), pooled = new float[n * c];
            float area = (float) h * (float) w;
            Parallel.forEach(n * c, pl -> pooled[pl] = planeSum(d, pl * p, p) / area);
            Tensor g = ((Conv2d) fc1).forwardFused(Tensor.of(pooled, n, c, 1, 1), null, null, (Activation) act);
            Activation gate = (Activation) scale;
            Tensor z;
            if (gate.kind() == Activation.Kind.HARDSIGMOID) {
                z = ((Conv2d) fc2).forwardFused(g, null, null, gate);
            } else {
                z = gate.forward(((Conv2d) fc2).forwardFused(g, null, null, null));
            }
            float[] zs = z.data();
            Parallel.forEach(n * c, pl -> {
                float v = zs[pl];
                for (int q = pl * p, end = q + p; q < end; q++) d[q] *= v;
            });
        }

        /**
         * Σ d[from, from + len) as eight interleaved partial sums (lane q mod 8) added pairwise
         * at the end: eight independent add chains instead of one (a float sum does not
         * vectorise), a fixed order whatever the thread count.
         */
        static float planeSum(float[] d, int from, int len) {
            float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
            int q = from, end = from + len, end8 = from + (len & ~7);
            for (; q < end8; q += 8) {
                s0 += d[q];
                s1 += d[q + 1];
                s2 += d[q + 2];
                s3 += d[q + 3];
                s4 += d[q + 4];
                s5 += d[q + 5];
                s6 += d[q + 6];
                s7 += d[q + 7];
            }
            for (; q < end; q++) s0 += d[q];
            return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
        }
    }

    /** GoogLeNet's conv (no bias) + BN (eps 0.001) + ReLU, named conv / bn like torchvision. */
    public static final class BasicConv extends Module {
        final Conv2d conv;
        final BatchNorm bn;

        public BasicConv(int in, int out, int k, int stride, int padding) {
            conv = child("conv", new Conv2d(in, out, k, stride, padding, 1, 1, false));
            bn = child("bn", new BatchNorm(out, 0.001f, 0.1f, true));
        }

        @Override
        protected Tensor compute(Tensor x) { return Functional.relu(bn.forward(conv.forward(x))); }
    }

    /**
     * Inception module with 1×1 reductions: four branches concatenated on channels —
     * 1×1; 1×1 → 3×3; 1×1 → 3×3 (torchvision uses 3×3 where the paper has 5×5, kept for weight
     * compatibility); 3×3 max-pool → 1×1.
     */
    public static final class Inception extends Module {
        final Module b1, b2, b3, b4;

        public Inception(int in, int c1, int r3, int c3, int r5, int c5, int pool) {
            b1 = child("branch1", new BasicConv(in, c1, 1, 1, 0));
            b2 = child("branch2", new Sequential(new BasicConv(in, r3, 1, 1, 0), new BasicConv(r3, c3, 3, 1, 1)));
            b3 = child("branch3", new Sequential(new BasicConv(in, r5, 1, 1, 0), new BasicConv(r5, c5, 3, 1, 1)));
            b4 = child("branch4", new Sequential(Pool2d.max(3, 1, 1, true), new BasicConv(in, pool, 1, 1, 0)));
        }

        @Override
        protected Tensor compute(Tensor x) {
            return Functional.concat(1, b1.forward(x), b2.forward(x), b3.forward(x), b4.forward(x));
        }
    }

    /** MobileNet v1 block: 3×3 depthwise conv-BN-ReLU, then 1×1 pointwise conv-BN-ReLU. */
    public static Sequential depthwiseSeparable(int in, int out, int stride) {
        return new Sequential(
                new Conv2d(in, in, 3, stride, 1, 1, in, false), BatchNorm.bn2d(in), Activation.relu(),
                new Conv2d(in, out, 1, 1, 0, 1, 1, false), BatchNorm.bn2d(out), Activation.relu());
    }

    /**
     * MobileNet v2 inverted residual (torchvision names: conv.0 expand, conv.1 depthwise,
     * conv.2 linear projection, conv.3 BN); residual when stride 1 and in = out.
     */
    public static final class InvertedResidual extends Module {
        final Sequential conv;
        final boolean residual;

        public InvertedResidual(int in, int out, int stride, int expand) {
            int hidden = in * expand;
            residual = stride == 1 && in == out;
            conv = child("conv", new Sequential());
            if (expand != 1) conv.add(convBnAct(in, hidden, 1, 1, 1, Activation.relu6()));
            conv.add(convBnAct(hidden, hidden, 3, stride, hidden, Activation.relu6()));
            conv.add(new Conv2d(hidden, out, 1, 1, 0, 1, 1, false));
            conv.add(BatchNorm.bn2d(out));
        }

        @Override
        protected Tensor compute(Tensor x) {
            Tensor y = conv.forward(x);
            return residual ? x.add(y) : y;
        }
    }
}
