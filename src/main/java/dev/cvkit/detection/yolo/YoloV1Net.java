package dev.cvkit.detection.yolo;

import dev.cvkit.nn.Activation;
import dev.cvkit.nn.Container;
import dev.cvkit.nn.Flatten;
import dev.cvkit.nn.Functional;
import dev.cvkit.nn.Linear;
import dev.cvkit.nn.Sequential;
import dev.cvkit.tensor.Tensor;

/**
 * The lecture's YOLO (Redmon et al. 2016): the image is divided into an S×S grid and one pass
 * predicts, for every cell, B boxes (x, y of the centre within the cell, √w and √h relative to
 * the image, and a confidence) and K class probabilities shared by the cell's boxes; a box's
 * class-specific score is confidence × class probability. As in the paper, the last layers are
 * fully connected over the whole feature map (a 3×3 conv, then S²·C → 2·C (LeakyReLU 0.1) →
 * S²·(5B + K)); the features are the {@link CspBackbone}'s P5 (stride 32, so S = imgsz/32).
 * Outputs pass a sigmoid, which keeps every predicted quantity in its range [0, 1].
 */
public final class YoloV1Net extends Container {
    private final YoloSpec spec;
    private final CspBackbone backbone;
    private final Sequential head;

    public YoloV1Net(YoloSpec spec) {
        this.spec = spec;
        backbone = child("backbone", new CspBackbone(spec));
        int c = backbone.widths[4], s = spec.grid();
        head = child("head", new Sequential());
        head.add(Blocks.conv(c, c, 3, 1));
        head.add(new Flatten());
        head.add(new Linear(c * s * s, 2 * c));
        head.add(new Activation(Activation.Kind.LEAKY_RELU, 0.1f));
        head.add(new Linear(2 * c, s * s * perCell()));
    }

    public YoloSpec spec() { return spec; }

    /** Values per cell: B × (x, y, √w, √h, confidence), then K class probabilities. */
    public int perCell() { return 5 * spec.boxesPerCell() + spec.classes(); }

    /** [N, S·S·(5B + K)] in [0, 1], cell (i, j) at (i·S + j)·(5B + K), for images [N, 3, imgsz, imgsz]. */
    public Tensor forwardGrid(Tensor images) {
        return Functional.sigmoid(head.forward(backbone.levels(images).get(2)));
    }
}
