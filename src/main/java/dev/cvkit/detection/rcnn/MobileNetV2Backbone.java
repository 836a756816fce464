package dev.cvkit.detection.rcnn;

import dev.cvkit.models.Architecture;
import dev.cvkit.nn.Module;
import dev.cvkit.nn.Sequential;
import dev.cvkit.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * MobileNet v2 as a Faster R-CNN backbone, as torchvision's {@code mobilenet_backbone(fpn=True)}
 * builds its MobileNet detectors: the zoo's (torchvision's) {@code features.0 … 18}, read after
 * block 13 (96 channels, stride 16) and after the final 1×1 convolution (1280, stride 32), the
 * last two stages, for a feature pyramid. Names are torchvision's {@code features.*}, so
 * {@code --init} can start them from a MobileNet v2 classifier.
 */
public final class MobileNetV2Backbone extends Backbone {
    /** The last block of each level. */
    private static final int[] ENDS = {13, 18};
    private final List<Module> blocks = new ArrayList<>();

    public MobileNetV2Backbone() {
        Sequential features = (Sequential) Architecture.MOBILENET_V2.build(1000).children().get("features");
        blocks.addAll(features.children().values());
        child("features", features);
    }

    @Override
    public List<Tensor> levels(Tensor images) {
        List<Tensor> out = new ArrayList<>();
        Tensor x = images;
        int b = 0;
        for (int end : ENDS) {
            for (; b <= end; b++) x = blocks.get(b).forward(x);
            out.add(x);
        }
        return out;
    }

    @Override
    public int[] channels() { return new int[] {96, 1280}; }
}
