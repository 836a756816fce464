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
 *
 * <p>ResNet-18 and 34 cannot be dilated (torchvision's BasicBlock refuses dilation), so with them
 * the net is the lecture's FCN-8s: the head scores layer4 (stride 32), 1×1 convolutions
 * ({@code skip3}, {@code skip2}, zero-initialised as in the FCN paper) score layer3 and layer2,
 * and each coarser map is resized bilinearly and added to the next finer one.
 */
public final class Fcn extends Container {
    private static final String[] BODY = {"conv1", "bn1", "relu", "maxpool", "layer1", "layer2", "layer3", "layer4"};
    private final Sequential backbone = new Sequential();
    private final Sequential classifier, aux;

    private final Conv2d skip3, skip2;

    /**
     * @param arch ResNet-50 or 101 (torchvision's dilated FCN), ResNet-18 or 34 (FCN-8s skips);
     *             {@code classes} including background (torchvision: 21); {@code auxLoss} adds the layer3 head
     */
    public Fcn(Architecture arch, int classes, boolean auxLoss) {
        boolean skips = usesSkips(arch);
        Module net = skips ? arch.build(1000) : arch.buildDilated(1000, true, true);
        for (String name : BODY) backbone.add(name, net.children().get(name));
        child("backbone", backbone);
        int c4 = skips ? 512 : 2048;
        classifier = child("classifier", head(c4, classes));
        aux = auxLoss ? child("aux_classifier", head(c4 / 2, classes)) : null;
        skip3 = skips ? child("skip3", zero(new Conv2d(c4 / 2, classes, 1, 1, 0))) : null;
        skip2 = skips ? child("skip2", zero(new Conv2d(c4 / 4, classes, 1, 1, 0))) : null;
    }

    /** Whether {@code arch} gets FCN-8s skips instead of a dilated backbone. */
    public static boolean usesSkips(Architecture arch) {
        return arch == Architecture.RESNET18 || arch == Architecture.RESNET34;
    }

    private static Conv2d zero(Conv2d c) {
        java.util.Arrays.fill(c.weight.data(), 0f);
        if (c.bias != null) java.util.Arrays.fill(c.bias.data(), 0f);
        return c;
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
        Tensor x = images, layer3 = null, layer2 = null;
        for (String name : BODY) {
            x = backbone.children().get(name).forward(x);
            if (name.equals("layer3")) layer3 = x;
            if (name.equals("layer2")) layer2 = x;
        }
        Tensor scores = classifier.forward(x);
        if (skip3 != null) {
            scores = Functional.upsampleBilinear(scores, layer3.size(2), layer3.size(3), false).add(skip3.forward(layer3));
            scores = Functional.upsampleBilinear(scores, layer2.size(2), layer2.size(3), false).add(skip2.forward(layer2));
        }
        Tensor out = Functional.upsampleBilinear(scores, h, w, false);
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
    public static Tensor pixelCrossEntropy(Tensor scores, Tensor target) {
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
