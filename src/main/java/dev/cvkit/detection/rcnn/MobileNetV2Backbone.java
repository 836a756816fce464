package dev.cvkit.detection.rcnn;

import dev.cvkit.models.Architecture;
import dev.cvkit.nn.Module;
import dev.cvkit.nn.Sequential;
import dev.cvkit.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * MobileNet v2 as a detection backbone: the zoo's (torchvision's) {@code features.0 … 18}, read
 * after chosen blocks. Faster R-CNN reads the last two stages, as torchvision's
 * {@code mobilenet_backbone(fpn=True)} builds its MobileNet detectors ({@link #twoStage}); SSD reads
 * three ({@link #ssd}). Names are torchvision's {@code features.*}, so {@code --init} can start
 * them from a MobileNet v2 classifier.
 */
public final class MobileNetV2Backbone extends Backbone {
    private final int[] ends;
    private final List<Module> blocks = new ArrayList<>();

    /** After block 13 (96 channels, stride 16) and the final 1×1 convolution (1280, stride 32). */
    public static MobileNetV2Backbone twoStage() {
        return new MobileNetV2Backbone(13, 18);
    }

    /** After block 6 (32 channels, stride 8), block 13 (96, stride 16) and the final 1×1 convolution (1280, stride 32). */
    public static MobileNetV2Backbone ssd() {
        return new MobileNetV2Backbone(6, 13, 18);
    }

    /** @param ends the last block of each level, increasing; each must end a stage (6, 13 or 18) */
    private MobileNetV2Backbone(int... ends) {
        this.ends = ends.clone();
        Sequential features = (Sequential) Architecture.MOBILENET_V2.build(1000).children().get("features");
        blocks.addAll(features.children().values());
        child("features", features);
    }

    @Override
    public List<Tensor> levels(Tensor images) {
        List<Tensor> out = new ArrayList<>();
        Tensor x = images;
        int b = 0;
        for (int end : ends) {
            for (; b <= end; b++) x = blocks.get(b).forward(x);
            out.add(x);
        }
        return out;
    }

    @Override
    public int[] channels() {
        int[] c = new int[ends.length];
        for (int i = 0; i < c.length; i++) {
            c[i] = switch (ends[i]) {
                case 6 -> 32;
                case 13 -> 96;
                case 18 -> 1280;
                default -> throw new IllegalStateException("block " + ends[i] + " does not end a stage");
            };
        }
        return c;
    }
}
