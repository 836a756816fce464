package dev.cvkit.detection.ssd;

import dev.cvkit.detection.rcnn.Backbone;
import dev.cvkit.models.Architecture;
import dev.cvkit.nn.Activation;
import dev.cvkit.nn.BatchNorm;
import dev.cvkit.nn.Conv2d;
import dev.cvkit.nn.Module;
import dev.cvkit.nn.Pool2d;
import dev.cvkit.nn.Sequential;
import dev.cvkit.tensor.Tensor;
import java.util.List;

/**
 * SSD's VGG-16 trunk (Liu et al. 2016; torchvision's {@code ssd300_vgg16} backbone), with
 * BatchNorm after every convolution so that it trains from scratch (the paper starts from
 * ImageNet weights): conv1_1 … conv4_3 (pool3 rounding up, as SSD's) → level 0 (512 channels,
 * stride 8); pool4, conv5_1 … conv5_3, pool5 (3×3, stride 1), fc6 as a 3×3 convolution of
 * dilation 6 and fc7 as a 1×1 one (1024 channels) → level 1 (stride 16); SSD's first extra block
 * (1×1 to 256, 3×3/2 to 512) → level 2 (stride 32). With BatchNorm the conv4_3 L2Norm of the
 * paper has no scale to fix and is left out. {@code features.*} are the zoo's (and
 * torchvision's) {@code vgg16_bn} names, so {@code --init} can start them from that classifier.
 */
public final class VggBackbone extends Backbone {
    /** Children of vgg16_bn's features up to conv4_3's ReLU; index 23 is pool3. */
    private static final int CONV4_3 = 33, POOL3 = 23, CONV5_3 = 43;
    private final Sequential features = new Sequential(), fc = new Sequential(), extra = new Sequential();

    public VggBackbone() {
        Sequential vgg = (Sequential) Architecture.VGG16_BN.build(1000).children().get("features");
        List<Module> layers = List.copyOf(vgg.children().values());
        for (int i = 0; i < CONV4_3; i++) features.add(Integer.toString(i), i == POOL3 ? Pool2d.max(2, 2, 0, true) : layers.get(i));
        for (int i = CONV4_3; i < CONV5_3; i++) fc.add(layers.get(i));
        fc.add(Pool2d.max(3, 1, 1, false));
        convBnRelu(fc, new Conv2d(512, 1024, 3, 1, 6, 6, 1, false));
        convBnRelu(fc, new Conv2d(1024, 1024, 1, 1, 0, 1, 1, false));
        convBnRelu(extra, new Conv2d(1024, 256, 1, 1, 0, 1, 1, false));
        convBnRelu(extra, new Conv2d(256, 512, 3, 2, 1, 1, 1, false));
        child("features", features);
        child("fc", fc);
        child("extra", extra);
    }

    private static void convBnRelu(Sequential s, Conv2d conv) {
        s.add(conv).add(BatchNorm.bn2d(conv.namedParameters().get("weight").size(0))).add(Activation.relu());
    }

    @Override
    public List<Tensor> levels(Tensor images) {
        Tensor c4 = features.forward(images);
        Tensor c5 = fc.forward(c4);
        return List.of(c4, c5, extra.forward(c5));
    }

    @Override
    public int[] channels() { return new int[] {512, 1024, 512}; }
}
