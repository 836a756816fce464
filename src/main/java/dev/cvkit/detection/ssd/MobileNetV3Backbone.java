package dev.cvkit.detection.ssd;

import dev.cvkit.detection.rcnn.Backbone;
import dev.cvkit.models.MobileNetV3;
import dev.cvkit.nn.Module;
import dev.cvkit.nn.Sequential;
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
        Tensor x = images;
        for (int b = 0; b < MobileNetV3.C4; b++) x = blocks.get(b).forward(x);
        // block 13 strides and widens (no residual): its expansion is the stride-16 level, the rest continues
        List<Module> c4 = new ArrayList<>(((MobileNetV3.Block) blocks.get(MobileNetV3.C4)).layers().children().values());
        x = c4.get(0).forward(x);
        Tensor level16 = x;
        for (int i = 1; i < c4.size(); i++) x = c4.get(i).forward(x);
        for (int b = MobileNetV3.C4 + 1; b < blocks.size(); b++) x = blocks.get(b).forward(x);
        return List.of(level16, x);
    }

    @Override
    public int[] channels() {
        return new int[] {MobileNetV3.C4_EXPANDED, MobileNetV3.lastChannels(reducedTail)};
    }
}
