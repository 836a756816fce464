package dev.cvkit.nn;

import dev.cvkit.tensor.BufferPool;
import dev.cvkit.tensor.Parallel;
import dev.cvkit.tensor.Tensor;

/**
 * A 3×3 stride-1 convolution dilated by d with padding d, computed as an ordinary 3×3
 * convolution with padding 1 on the input's d² phases, so that it can take Winograd.
 *
 * <p>Output (y, x) = (a·d + r, b·d + s) reads input rows a·d + r + (ki − 1)·d and columns
 * b·d + s + (kj − 1)·d: only the phase (r, s) of the input, the sub-image x[r::d, s::d], at
 * its rows a + ki − 1 and columns b + kj − 1. So each output phase is the undilated
 * convolution of the same input phase, with the padding of 1 standing for the d rows and
 * columns of zeros beyond the border. The phases go through as d² times as many images of
 * (h/d)×(w/d), and Winograd's 2.25× fewer multiplications apply to the dilated layers of
 * DeepLab-style backbones (FCN-ResNet50's layer3 and layer4 at output stride 8), which
 * otherwise multiply all nine taps.
 *
 * <p>The split and merge are permutations, so the result is the Winograd result of the phase
 * images, and the gradient flows back through the same permutations.
 */
final class ConvPolyphase {
    private ConvPolyphase() {}

    /**
     * Whether the convolution of n images into k channels goes by phases: 3×3, stride 1, dilation
     * d > 1 with padding d on both axes, maps divisible by d, and Winograd taking the phase
     * images ({@code training}: the call records gradients).
     */
    static boolean applies(ConvGeom g, int groups, int n, int k, boolean training) {
        int d = g.dh();
        if (d < 2 || g.dw() != d || g.ph() != d || g.pw() != d || g.sh() != 1 || g.sw() != 1
                || g.kh() != 3 || g.kw() != 3 || groups != 1 || g.h() % d != 0 || g.w() % d != 0) {
            return false;
        }
        ConvGeom p = phaseGeom(g);
        return training ? ConvWinograd.appliesInTraining(p, 1, n * d * d, k) : ConvWinograd.applies(p, 1, n * d * d, k);
    }

    /** The geometry of one phase image: (h/d)×(w/d), 3×3, padding 1, no dilation. */
    static ConvGeom phaseGeom(ConvGeom g) {
        int h = g.h() / g.dh(), w = g.w() / g.dw();
        return new ConvGeom(g.c(), h, w, 3, 3, 1, 1, 1, 1, 1, 1, h, w);
    }

    /**
     * x [n, c, h, w] → [n·d², c, h/d, w/d], image (i·d + r)·d + s holding x[i, :, r::d, s::d].
     * Without gradients the array comes from the {@link BufferPool}.
     */
    static Tensor split(Tensor x, int d) {
        return permuted(x, d, false);
    }

    /** The inverse of {@link #split}: [n·d², k, h/d, w/d] → [n, k, h, w]. */
    static Tensor merge(Tensor ys, int d) {
        return permuted(ys, d, true);
    }

    /** src in the full layout to the phase layout, or the reverse ({@code toFull}); its gradient the other way. */
    private static Tensor permuted(Tensor src, int d, boolean toFull) {
        int dd = d * d, c = src.size(1);
        int n = toFull ? src.size(0) / dd : src.size(0);
        int h = toFull ? src.size(2) * d : src.size(2), w = toFull ? src.size(3) * d : src.size(3);
        boolean grad = Tensor.gradEnabled() && src.requiresGrad();
        float[] out = grad ? new float[src.numel()] : BufferPool.take(src.numel());
        move(src.data(), out, n, c, h, w, d, toFull, false);
        int[] shape = toFull ? new int[] {n, c, h, w} : new int[] {n * dd, c, h / d, w / d};
        Tensor y = Tensor.result(out, shape, src);
        if (y.requiresGrad()) {
            y.setBackward(() -> move(y.grad(), src.gradBuffer(), n, c, h, w, d, !toFull, true));
        }
        return y;
    }

    /**
     * Between the full layout [n, c, h, w] and the phase layout [n·d², c, h/d, w/d]: src in the
     * full layout to dst in the phase one, or the reverse ({@code toFull}); stored, or added into
     * dst (a gradient). Every element is moved once.
     */
    private static void move(float[] src, float[] dst, int n, int c, int h, int w, int d, boolean toFull, boolean add) {
        int hs = h / d, ws = w / d, sub = hs * ws;
        Parallel.forEach(n * c, t -> {
            int i = t / c, ch = t % c, full = t * h * w;
            for (int r = 0; r < d; r++) {
                for (int s = 0; s < d; s++) {
                    int ph = (((i * d + r) * d + s) * c + ch) * sub;
                    for (int a = 0; a < hs; a++) {
                        int f = full + (a * d + r) * w + s, p = ph + a * ws;
                        for (int b = 0; b < ws; b++) {
                            int fi = f + b * d, pi = p + b;
                            if (toFull) dst[fi] = add ? dst[fi] + src[pi] : src[pi];
                            else dst[pi] = add ? dst[pi] + src[fi] : src[fi];
                        }
                    }
                }
            }
        });
    }
}
