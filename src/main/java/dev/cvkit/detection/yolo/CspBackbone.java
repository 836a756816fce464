package dev.cvkit.detection.yolo;

import dev.cvkit.nn.Container;
import dev.cvkit.nn.Module;
import dev.cvkit.nn.Sequential;
import dev.cvkit.tensor.Tensor;
import java.util.List;

/**
 * The YOLO backbone (Ultralytics' YOLOv8 layout): five stride-2 convolutions, each but the first
 * followed by a {@link Blocks.C2f} block, and SPPF at the end; returns P3, P4 and P5 (strides 8,
 * 16, 32). Widths 64, 128, 256, 512, 1024 × the scale's width multiplier (capped by its largest
 * width), C2f repeats 3, 6, 6, 3 × its depth multiplier. Children are numbered as Ultralytics'
 * layers 0–9.
 */
final class CspBackbone extends Container {
    private final Module[] layers = new Module[10];
    final int[] widths = new int[5];

    CspBackbone(YoloSpec spec) {
        int[] base = {64, 128, 256, 512, 1024};
        for (int i = 0; i < 5; i++) widths[i] = YoloNet.channels(Math.min(base[i], spec.maxChannels()), spec.width());
        int[] c = widths;
        layers[0] = Blocks.conv(3, c[0], 3, 2);
        layers[1] = Blocks.conv(c[0], c[1], 3, 2);
        layers[2] = new Blocks.C2f(c[1], c[1], YoloNet.depth(3, spec), true);
        layers[3] = Blocks.conv(c[1], c[2], 3, 2);
        layers[4] = new Blocks.C2f(c[2], c[2], YoloNet.depth(6, spec), true);
        layers[5] = Blocks.conv(c[2], c[3], 3, 2);
        layers[6] = new Blocks.C2f(c[3], c[3], YoloNet.depth(6, spec), true);
        layers[7] = Blocks.conv(c[3], c[4], 3, 2);
        layers[8] = new Blocks.C2f(c[4], c[4], YoloNet.depth(3, spec), true);
        layers[9] = new Blocks.Sppf(c[4], c[4]);
        for (int i = 0; i < layers.length; i++) child(Integer.toString(i), layers[i]);
    }

    /** P3, P4, P5 of images [N, 3, H, W] (H and W multiples of 32). */
    List<Tensor> levels(Tensor images) {
        Tensor x = images, p3 = null, p4 = null;
        for (int i = 0; i < layers.length; i++) {
            x = layers[i].forward(x);
            if (i == 4) p3 = x;
            if (i == 6) p4 = x;
        }
        return List.of(p3, p4, x);
    }
}
