package dev.cvkit.detection.ssd;

import dev.cvkit.detection.rcnn.Backbone;
import dev.cvkit.models.Architecture;
import dev.cvkit.nn.Module;
import dev.cvkit.nn.Sequential;
import dev.cvkit.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * MobileNet v2 as an SSD trunk: the zoo's (torchvision's) {@code features.0 … 18}, read after
 * block 6 (32 channels, stride 8), block 13 (96, stride 16) and the final 1×1 convolution (1280,
 * stride 32). Names are torchvision's {@code features.*}, so {@code --init} can start them from
 * a MobileNet v2 classifier.
 */
public final class MobileNetBackbone extends Backbone {
    /** The last block of each level. */
    private static final int[] ENDS = {6, 13, 18};
    private final List<Module> blocks = new ArrayList<>();

    public MobileNetBackbone() {
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
    public int[] channels() { return new int[] {32, 96, 1280}; }
}
