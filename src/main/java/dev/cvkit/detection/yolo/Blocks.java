package dev.cvkit.detection.yolo;

import dev.cvkit.nn.Activation;
import dev.cvkit.nn.BatchNorm;
import dev.cvkit.nn.Conv2d;
import dev.cvkit.nn.Functional;
import dev.cvkit.nn.Module;
import dev.cvkit.nn.Sequential;
import dev.cvkit.tensor.Tensor;

/**
 * The building blocks of the YOLO networks, after Ultralytics' YOLOv8: a convolution with
 * BatchNorm and activation, the C2f block (a CSP block: one half of the channels passes, the
 * other runs through bottlenecks whose every output is kept) and SPPF (three chained 5×5 max
 * pools concatenated). The activation is ReLU rather than Ultralytics' SiLU: cvkit runs
 * BatchNorm + ReLU as one op in training and folds conv + BatchNorm + ReLU at inference.
 */
final class Blocks {
    private Blocks() {}

    /** Conv k×k (stride s, same padding, no bias) → BatchNorm → ReLU, as children conv, bn, act. */
    static Sequential conv(int in, int out, int k, int s) {
        Sequential q = new Sequential();
        q.add("conv", new Conv2d(in, out, k, s, k / 2, 1, 1, false));
        q.add("bn", BatchNorm.bn2d(out));
        q.add("act", Activation.relu());
        return q;
    }

    /** Two 3×3 convs, with the input added when the channels agree (shortcut). */
    static final class Bottleneck extends Module {
        private final Sequential cv1, cv2;
        private final boolean add;

        Bottleneck(int c, boolean shortcut) {
            cv1 = child("cv1", conv(c, c, 3, 1));
            cv2 = child("cv2", conv(c, c, 3, 1));
            add = shortcut;
        }

        @Override
        protected Tensor compute(Tensor x) {
            Tensor y = cv2.forward(cv1.forward(x));
            return add ? y.add(x) : y;
        }
    }

    /**
     * C2f: 1×1 convs to two halves a and b (Ultralytics splits one 1×1 conv's output; two convs
     * are the same function), n bottlenecks on b keeping each output, then a 1×1 conv over the
     * concatenation [a, b, b1 … bn].
     */
    static final class C2f extends Module {
        private final Sequential a, b, out;
        private final Bottleneck[] m;

        C2f(int in, int outChannels, int n, boolean shortcut) {
            int h = Math.max(1, outChannels / 2);
            a = child("cv1a", conv(in, h, 1, 1));
            b = child("cv1b", conv(in, h, 1, 1));
            Sequential blocks = child("m", new Sequential());
            m = new Bottleneck[n];
            for (int i = 0; i < n; i++) {
                m[i] = new Bottleneck(h, shortcut);
                blocks.add(m[i]);
            }
            out = child("cv2", conv((2 + n) * h, outChannels, 1, 1));
        }

        @Override
        protected Tensor compute(Tensor x) {
            Tensor[] parts = new Tensor[2 + m.length];
            parts[0] = a.forward(x);
            parts[1] = b.forward(x);
            for (int i = 0; i < m.length; i++) parts[i + 2] = m[i].forward(parts[i + 1]);
            return out.forward(Functional.concat(1, parts));
        }
    }

    /** SPPF: 1×1 conv to half, three chained 5×5 stride-1 max pools, concat of the four, 1×1 conv. */
    static final class Sppf extends Module {
        private final Sequential cv1, cv2;

        Sppf(int in, int out) {
            int h = in / 2;
            cv1 = child("cv1", conv(in, h, 1, 1));
            cv2 = child("cv2", conv(4 * h, out, 1, 1));
        }

        @Override
        protected Tensor compute(Tensor x) {
            Tensor y0 = cv1.forward(x);
            Tensor y1 = pool(y0), y2 = pool(y1), y3 = pool(y2);
            return cv2.forward(Functional.concat(1, y0, y1, y2, y3));
        }

        private static Tensor pool(Tensor x) {
            return Functional.maxPool2d(x, 5, 5, 1, 1, 2, 2, false, Tensor.gradEnabled()).output();
        }
    }
}
