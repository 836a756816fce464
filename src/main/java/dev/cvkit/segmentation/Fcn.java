package dev.cvkit.segmentation;

import dev.cvkit.models.Architecture;
import dev.cvkit.nn.Activation;
import dev.cvkit.nn.BatchNorm;
import dev.cvkit.nn.Container;
import dev.cvkit.nn.Conv2d;
import dev.cvkit.nn.Dropout;
import dev.cvkit.nn.Functional;
import dev.cvkit.nn.Losses;
import dev.cvkit.nn.Module;
import dev.cvkit.nn.Sequential;
import dev.cvkit.tensor.Tensor;

/**
 * FCN semantic segmentation as torchvision's {@code fcn_resnet50} / {@code fcn_resnet101}: a
 * ResNet with layer3 and layer4 dilated (output stride 8), an FCN head on layer4 (3×3 conv to a
 * quarter of the channels, BatchNorm, ReLU, dropout 0.1, 1×1 conv to the classes) and, for
 * training, an auxiliary head on layer3; both score maps resized bilinearly to the input.
 * Parameter names as torchvision's ({@code backbone.layer4.0.conv2.weight},
 * {@code classifier.4.weight}, {@code aux_classifier.0.weight}).
 */
public final class Fcn extends Container {
    private static final String[] BODY = {"conv1", "bn1", "relu", "maxpool", "layer1", "layer2", "layer3", "layer4"};
    private final Sequential backbone = new Sequential();
    private final Sequential classifier, aux;

    /** @param arch ResNet-50 or 101; {@code classes} including background (torchvision: 21); {@code auxLoss} adds the layer3 head */
    public Fcn(Architecture arch, int classes, boolean auxLoss) {
        Module net = arch.buildDilated(1000, true, true);
        for (String name : BODY) backbone.add(name, net.children().get(name));
        child("backbone", backbone);
        classifier = child("classifier", head(2048, classes));
        aux = auxLoss ? child("aux_classifier", head(1024, classes)) : null;
    }

    /** torchvision's FCNHead(in, classes): children 0 (conv), 1 (BatchNorm), 2, 3, 4 (1×1 conv). */
    public static Sequential head(int in, int classes) {
        int mid = in / 4;
        return new Sequential(new Conv2d(in, mid, 3, 1, 1, 1, 1, false), BatchNorm.bn2d(mid), Activation.relu(),
                new Dropout(0.1f), new Conv2d(mid, classes, 1, 1, 0));
    }

    /** Per-pixel class scores [N, classes, H, W] and, with the auxiliary head, its scores (else null). */
    public record Output(Tensor out, Tensor aux) {}

    /** images [N, 3, H, W] (normalised as the backbone expects) → scores at the input's size. */
    public Output forwardScores(Tensor images) {
        int h = images.size(2), w = images.size(3);
        Tensor x = images, layer3 = null;
        for (String name : BODY) {
            x = backbone.children().get(name).forward(x);
            if (name.equals("layer3")) layer3 = x;
        }
        Tensor out = Functional.upsampleBilinear(classifier.forward(x), h, w, false);
        Tensor auxOut = aux == null ? null : Functional.upsampleBilinear(aux.forward(layer3), h, w, false);
        return new Output(out, auxOut);
    }

    /**
     * torchvision's segmentation training loss: cross-entropy over pixels with 255 ignored, plus
     * half the auxiliary head's. {@code target} [N, H, W] holds class indices (255: ignore).
     */
    public static Tensor loss(Output o, Tensor target) {
        Tensor main = pixelCrossEntropy(o.out(), target);
        return o.aux() == null ? main : main.add(pixelCrossEntropy(o.aux(), target).mul(0.5f));
    }

    /** Cross-entropy of scores [N, C, H, W] against indices [N, H, W], mean over pixels not 255. */
    static Tensor pixelCrossEntropy(Tensor scores, Tensor target) {
        int n = scores.size(0), c = scores.size(1), hw = scores.size(2) * scores.size(3);
        // [N, C, H·W] → [N·H·W, C] so each pixel is a row of class scores
        int[] idx = new int[n * hw * c];
        for (int i = 0, o = 0; i < n; i++) {
            for (int q = 0; q < hw; q++) {
                for (int k = 0; k < c; k++) idx[o++] = (i * c + k) * hw + q;
            }
        }
        Tensor rows = Functional.rows(scores.reshape(scores.numel(), 1), idx).reshape(n * hw, c);
        return Losses.crossEntropy(rows, target.reshape(n * hw), null, 255, 0f);
    }
}
