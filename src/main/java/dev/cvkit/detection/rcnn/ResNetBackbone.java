package dev.cvkit.detection.rcnn;

import dev.cvkit.models.Architecture;
import dev.cvkit.nn.BatchNorm;
import dev.cvkit.nn.LayerChain;
import dev.cvkit.nn.Module;
import dev.cvkit.nn.Sequential;
import dev.cvkit.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * A ResNet as a detection backbone, as torchvision's {@code resnet_fpn_backbone} body: the stem
 * and layer1–layer4 of a classification ResNet (no pooling or classifier), returning the four
 * layers' outputs (strides 4, 8, 16, 32). BatchNorm is frozen, as torchvision's
 * FrozenBatchNorm2d: running statistics in use and never updated, affine parameters not trained —
 * detection batches are too small for batch statistics. Parameter names are torchvision's
 * ({@code conv1.weight}, {@code layer1.0.conv1.weight}, …).
 */
public final class ResNetBackbone extends Backbone {
    private static final String[] STEM = {"conv1", "bn1", "relu", "maxpool"};
    private final Sequential body = new Sequential();
    private final int[] channels;
    private final boolean frozenNorms;

    /** One of ResNet-18, 34, 50 or 101, BatchNorm frozen (for weights trained elsewhere). */
    public ResNetBackbone(Architecture arch) {
        this(arch, true);
    }

    /**
     * @param frozenNorms true: torchvision's FrozenBatchNorm2d (pretrained weights); false:
     *                    ordinary trainable BatchNorm, for training from scratch, where frozen
     *                    statistics of a random network would be meaningless
     */
    public ResNetBackbone(Architecture arch, boolean frozenNorms) {
        this.frozenNorms = frozenNorms;
        channels = switch (arch) {
            case RESNET18, RESNET34 -> new int[] {64, 128, 256, 512};
            case RESNET50, RESNET101 -> new int[] {256, 512, 1024, 2048};
            default -> throw new IllegalArgumentException("backbone: " + arch.cliName() + " is not ResNet-18/34/50/101");
        };
        Module net = arch.build(1000);
        for (String name : STEM) body.add(name, net.children().get(name));
        for (int l = 1; l <= 4; l++) body.add("layer" + l, net.children().get("layer" + l));
        for (String name : body.children().keySet()) child(name, body.children().get(name));
        if (frozenNorms) freezeNorms(this);
    }

    @Override
    public List<Tensor> levels(Tensor images) {
        Tensor x = images;
        Module[] stem = new Module[STEM.length];
        for (int i = 0; i < STEM.length; i++) stem[i] = body.children().get(STEM[i]);
        x = LayerChain.forward(x, stem); // conv1 → bn1 → relu fused in inference
        List<Tensor> out = new ArrayList<>();
        for (int l = 1; l <= 4; l++) {
            x = body.children().get("layer" + l).forward(x);
            out.add(x);
        }
        return out;
    }

    @Override
    public int[] channels() { return channels.clone(); }

    @Override
    public Module train(boolean on) {
        super.train(on);
        if (frozenNorms) freezeNorms(this);
        return this;
    }

    private static void freezeNorms(Module m) {
        for (Module c : m.children().values()) {
            if (c instanceof BatchNorm bn) {
                bn.train(false);
                for (Tensor p : bn.parameters()) p.requiresGrad(false);
            } else {
                freezeNorms(c);
            }
        }
    }
}
