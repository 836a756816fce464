package dev.cvkit.detection.rcnnsvm;

import dev.cvkit.nn.Activation;
import dev.cvkit.nn.BatchNorm;
import dev.cvkit.nn.Conv2d;
import dev.cvkit.nn.Functional;
import dev.cvkit.nn.Linear;
import dev.cvkit.nn.Module;
import dev.cvkit.nn.Pool2d;
import dev.cvkit.nn.Sequential;
import dev.cvkit.tensor.Tensor;

/**
 * R-CNN's CNN, scaled down for warped crops of a few dozen pixels: blocks of 3×3 convolution,
 * BatchNorm, ReLU and 2×2 max pooling ({@code body}), one fully connected layer with ReLU whose
 * output is the region's feature vector φ (the paper's fc7, {@code fc}), and the (N+1)-way
 * classifier used to fine-tune it ({@code cls}; class 0 is background).
 */
public final class CropNet extends Module {
    private final Sequential body;
    private final Linear fc, cls;

    /** @param spec the widths and the crop size; {@code classes} object classes (background added) */
    public CropNet(Spec spec, int classes) {
        body = child("body", new Sequential());
        int in = 3, side = spec.warp().size();
        for (int c : spec.channels()) {
            body.add(new Conv2d(in, c, 3, 1, 1, 1, 1, false));
            body.add(BatchNorm.bn2d(c));
            body.add(Activation.relu());
            body.add(Pool2d.max(2, 2));
            in = c;
            side /= 2;
        }
        fc = child("fc", new Linear(in * side * side, spec.features()));
        cls = child("cls", new Linear(spec.features(), classes + 1));
    }

    /** The crops' feature vectors φ, [N, features]. */
    public Tensor features(Tensor crops) {
        return Functional.relu(fc.forward(body.forward(crops).flatten()));
    }

    /** The classifier's logits on features φ, [N, classes + 1]. */
    public Tensor classify(Tensor features) {
        return cls.forward(features);
    }

    @Override
    protected Tensor compute(Tensor crops) {
        return classify(features(crops));
    }

    /**
     * The network's shape.
     *
     * @param channels the convolution blocks' widths (each halves the side)
     * @param features the feature vector's length
     */
    public record Spec(Warp warp, int[] channels, int features) {
        public Spec {
            if (channels.length < 1 || channels.length > 6) throw new IllegalArgumentException("backbone: 1 to 6 blocks, not " + channels.length);
            for (int c : channels) if (c < 1 || c > 1024) throw new IllegalArgumentException("backbone: block width " + c + " is not in 1..1024");
            if ((warp.size() >> channels.length) < 1) throw new IllegalArgumentException("backbone: " + channels.length + " blocks halve a " + warp.size() + " px crop to nothing");
            if (features < 1 || features > 8192) throw new IllegalArgumentException("backbone: features " + features + " is not in 1..8192");
            channels = channels.clone();
        }

        /**
         * The default for 160² images: 48 × 48 crops with 3 px of context (16/227 of the crop, as
         * the paper's), three blocks of 16, 32 and 64 channels, 256 features: 7 M multiply-adds
         * per region, since R-CNN runs the CNN once per region.
         */
        public static Spec small() {
            return new Spec(new Warp(48, 3), new int[] {16, 32, 64}, 256);
        }
    }
}
