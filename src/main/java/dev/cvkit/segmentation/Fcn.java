package dev.cvkit.segmentation;

import dev.cvkit.models.Architecture;
import dev.cvkit.nn.Activation;
import dev.cvkit.nn.BatchNorm;
import dev.cvkit.nn.Container;
import dev.cvkit.nn.Conv2d;
import dev.cvkit.nn.ConvTranspose2d;
import dev.cvkit.nn.Dropout;
import dev.cvkit.nn.Functional;
import dev.cvkit.nn.LayerChain;
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
 * <p>With ResNet-18 and 34 the net is either the same dilated FCN on a DeepLab-style dilated
 * backbone (torchvision's BasicBlock refuses dilation; here every block of layer3 and layer4 has
 * both 3×3 convolutions dilated, by 2 and 4: {@link Architecture#buildDilated}), or one of the
 * lecture's FCN-32s, 16s or 8s (Long et al. 2015): the head scores layer4
 * (stride 32); FCN-16s adds a 1×1 convolution's scores of layer3 ({@code skip3}), FCN-8s also
 * those of layer2 ({@code skip2}), both zero-initialised as in the paper, each coarser map
 * upsampled 2× and added to the next finer one; the last map is upsampled to the input. The
 * upsampling is bilinear, or learned: transposed convolutions ({@code upscore2} 32→16,
 * {@code upscore_pool4} 16→8, {@code upscore} to the input; kernel 2f, stride f, padding f/2,
 * no bias) initialised to bilinear interpolation, as the paper's deconvolution layers.
 */
public final class Fcn extends Container {
    private static final String[] BODY = {"conv1", "bn1", "relu", "maxpool", "layer1", "layer2", "layer3", "layer4"};
    private final Sequential backbone = new Sequential();
    private final Sequential classifier, aux;

    private final Conv2d skip3, skip2;
    private final ConvTranspose2d up2, up4, upscore;

    /** FCN-8s with bilinear upsampling (ResNet-18/34), or torchvision's dilated FCN (ResNet-50/101). */
    public Fcn(Architecture arch, int classes, boolean auxLoss) {
        this(arch, classes, auxLoss, 8, false);
    }

    /** The skip FCNs on ResNet-18/34, the dilated FCN on ResNet-50/101. */
    public Fcn(Architecture arch, int classes, boolean auxLoss, int stride, boolean transposed) {
        this(arch, classes, auxLoss, stride, transposed, !usesSkips(arch));
    }

    /**
     * @param arch       ResNet-50 or 101 (dilated only), ResNet-18 or 34 (FCN-32s/16s/8s skips, or dilated);
     *                   {@code classes} including background (torchvision: 21); {@code auxLoss} adds the layer3 head
     * @param stride     the skip FCNs: 32, 16 or 8 (FCN-32s, 16s, 8s); the dilated FCN is always 8
     * @param transposed learned upsampling (transposed convolutions initialised to bilinear) instead of bilinear resizing
     * @param dilated    the dilated backbone (output stride 8) with the FCN head on layer4, no skips
     */
    public Fcn(Architecture arch, int classes, boolean auxLoss, int stride, boolean transposed, boolean dilated) {
        boolean skips = !dilated;
        if (skips && !usesSkips(arch)) throw new IllegalArgumentException("FCN skip heads are for ResNet-18/34, not " + arch);
        if (skips ? stride != 32 && stride != 16 && stride != 8 : stride != 8 || transposed) {
            throw new IllegalArgumentException("FCN head of stride " + stride + (transposed ? " with transposed upsampling" : "") + " on " + arch);
        }
        Module net = skips ? arch.build(1000) : arch.buildDilated(1000, true, true);
        for (String name : BODY) backbone.add(name, net.children().get(name));
        child("backbone", backbone);
        int c4 = usesSkips(arch) ? 512 : 2048; // BasicBlock ResNets end with 512 channels, Bottleneck ones with 2048
        classifier = child("classifier", head(c4, classes));
        aux = auxLoss ? child("aux_classifier", head(c4 / 2, classes)) : null;
        skip3 = skips && stride <= 16 ? child("skip3", zero(new Conv2d(c4 / 2, classes, 1, 1, 0))) : null;
        skip2 = skips && stride == 8 ? child("skip2", zero(new Conv2d(c4 / 4, classes, 1, 1, 0))) : null;
        up2 = transposed && stride <= 16 ? child("upscore2", bilinear(classes, 2)) : null;
        up4 = transposed && stride == 8 ? child("upscore_pool4", bilinear(classes, 2)) : null;
        upscore = transposed ? child("upscore", bilinear(classes, stride)) : null;
    }

    /**
     * A transposed convolution that upsamples each of {@code channels} maps {@code factor}× (kernel
     * 2·factor, stride factor, padding factor/2, no bias), its weights set to bilinear
     * interpolation: away from the border it gives exactly what a bilinear resize with
     * half-pixel centres (align_corners=False) gives; at the border it sees zeros beyond the map.
     */
    public static ConvTranspose2d bilinear(int channels, int factor) {
        if (factor < 2 || factor % 2 != 0) throw new IllegalArgumentException("bilinear upsampling factor " + factor + " (even, at least 2)");
        int k = 2 * factor;
        ConvTranspose2d up = new ConvTranspose2d(channels, channels, k, factor, factor / 2, 0, 1, false, 1);
        float[] w = up.weight.data();
        java.util.Arrays.fill(w, 0f);
        double centre = factor - 0.5;
        for (int c = 0; c < channels; c++) {
            int base = (c * channels + c) * k * k; // weight [in, out, k, k]: channel c to itself only
            for (int u = 0; u < k; u++) {
                for (int v = 0; v < k; v++) {
                    w[base + u * k + v] = (float) ((1 - Math.abs(u - centre) / factor) * (1 - Math.abs(v - centre) / factor));
                }
            }
        }
        return up;
    }

    /** Whether {@code arch} is a BasicBlock ResNet (ResNet-18/34), which can have FCN-32s/16s/8s skips. */
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
        // the stem (conv1, bn1, relu, maxpool) as one chain: conv → BatchNorm → ReLU fused in inference
        Module[] stem = new Module[4];
        for (int i = 0; i < 4; i++) stem[i] = backbone.children().get(BODY[i]);
        x = LayerChain.forward(x, stem);
        for (String name : java.util.Arrays.asList(BODY).subList(4, BODY.length)) {
            x = backbone.children().get(name).forward(x);
            if (name.equals("layer3")) layer3 = x;
            if (name.equals("layer2")) layer2 = x;
        }
        Tensor scores = classifier.forward(x);
        if (skip3 != null) scores = upsample(scores, up2, layer3.size(2), layer3.size(3)).add(skip3.forward(layer3));
        if (skip2 != null) scores = upsample(scores, up4, layer2.size(2), layer2.size(3)).add(skip2.forward(layer2));
        Tensor out = upsample(scores, upscore, h, w);
        Tensor auxOut = aux == null ? null : Functional.upsampleBilinear(aux.forward(layer3), h, w, false);
        return new Output(out, auxOut);
    }

    /** {@code x} resized to h × w: by the transposed convolution {@code up}, or bilinearly when it is null. */
    private static Tensor upsample(Tensor x, ConvTranspose2d up, int h, int w) {
        if (up == null) return Functional.upsampleBilinear(x, h, w, false);
        Tensor y = up.forward(x);
        if (y.size(2) != h || y.size(3) != w) {
            throw new IllegalArgumentException("transposed upsampling gives " + y.size(2) + "×" + y.size(3) + ", not " + h + "×" + w
                    + ": the input side must be a multiple of 32");
        }
        return y;
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
