package dev.cvkit.nn;

import dev.cvkit.tensor.Tensor;

/**
 * Layers run in order by a module that walks them itself instead of through a {@link Sequential}
 * (a backbone that returns intermediate levels runs its stem layer by layer).
 *
 * <p>Why: walking them one by one misses Sequential's fused inference, so a ResNet stem ran its
 * convolution, then BatchNorm and ReLU as two more passes over (and allocations of) the largest
 * activation of the network: 26 MB at RetinaNet's 4 × 320² batch.
 */
public final class LayerChain {
    private LayerChain() {}

    /**
     * {@code layers} applied to {@code x} in order. When every layer is in eval mode and nothing
     * records or traces (inference), they run as a Sequential of them would: Conv2d → BatchNorm →
     * activation as one fused op, intermediate outputs handed back to the pool. Otherwise each
     * layer's own forward, exactly as a loop over them.
     */
    public static Tensor forward(Tensor x, Module... layers) {
        boolean inference = layers.length > 0 && !Tensor.gradEnabled() && layers[0].unobserved();
        for (Module m : layers) inference &= !m.isTraining();
        if (!inference) {
            for (Module m : layers) x = m.forward(x);
            return x;
        }
        // a transient Sequential over the same modules (a module does not know its parent), in
        // eval mode like them, so its forward takes the fused path
        Sequential s = new Sequential(layers);
        s.train(false);
        return s.forward(x);
    }
}
