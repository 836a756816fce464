package dev.cvkit.detection.ssd;

import dev.cvkit.detection.rcnn.Backbone;
import dev.cvkit.models.MobileNetV3;
import dev.cvkit.nn.Module;
import dev.cvkit.nn.Sequential;
import dev.cvkit.tensor.BufferPool;
import dev.cvkit.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * MobileNet v3 Large ({@link MobileNetV3}) as SSDLite's backbone, read where torchvision's
 * {@code SSDLiteFeatureExtractorMobileNet} reads it (the MobileNet v3 paper, section 6.3): the
 * output of block 13's expansion layer (672 channels, stride 16), and the last 1×1 convolution
 * (960 channels, or 480 with the reduced tail; stride 32). Names are torchvision's
 * {@code features.*} of the classifier; BatchNorm eps 0.001, momentum 0.03 as ssdlite320's.
 */
public final class MobileNetV3Backbone extends Backbone {
    /** SSDLite's BatchNorm: eps and momentum. */
    public static final float BN_EPS = 0.001f, BN_MOMENTUM = 0.03f;
    private final List<Module> blocks = new ArrayList<>();
    private final boolean reducedTail;

    public MobileNetV3Backbone(boolean reducedTail) {
        this.reducedTail = reducedTail;
        Sequential features = MobileNetV3.largeFeatures(reducedTail, BN_EPS, BN_MOMENTUM);
        blocks.addAll(features.children().values());
        child("features", features);
    }

    @Override
    public List<Tensor> levels(Tensor images) {
        // fused inference gives each block's output back to the pool once the next block has read it
        boolean recycle = fusedInference();
        Tensor x = images;
        for (int b = 0; b < MobileNetV3.C4; b++) x = next(blocks.get(b), x, images, recycle);
        // block 13 strides and widens (no residual): its expansion is the stride-16 level, the rest continues
        List<Module> c4 = new ArrayList<>(((MobileNetV3.Block) blocks.get(MobileNetV3.C4)).layers().children().values());
        x = next(c4.get(0), x, images, recycle);
        Tensor level16 = x;
        x = c4.get(1).forward(x); // the depthwise output: a new tensor, so the level stays intact
        for (int i = 2; i < c4.size(); i++) x = next(c4.get(i), x, level16, recycle);
        for (int b = MobileNetV3.C4 + 1; b < blocks.size(); b++) x = next(blocks.get(b), x, level16, recycle);
        return List.of(level16, x);
    }

    /** m(x), giving x back to the pool (unless it is {@code keep} or the result shares it) when recycling. */
    private static Tensor next(Module m, Tensor x, Tensor keep, boolean recycle) {
        Tensor y = m.forward(x);
        if (recycle && x != keep) BufferPool.release(x, y);
        return y;
    }

    @Override
    public int[] channels() {
        return new int[] {MobileNetV3.C4_EXPANDED, MobileNetV3.lastChannels(reducedTail)};
    }
}
