package dev.cvkit.detection.rcnn;

import dev.cvkit.models.Architecture;
import dev.cvkit.nn.Module;
import dev.cvkit.nn.Sequential;
import dev.cvkit.tensor.Tensor;
import java.util.List;

/**
 * VGG-16 as Ren et al.'s Faster R-CNN uses it (and torchvision's {@code vgg16().features[:-1]}):
 * conv1_1 … conv5_3 with their ReLUs and the first four max-pools, without pool5, so one map of
 * 512 channels at stride 16. BatchNorm follows every convolution so that it trains from scratch
 * (the paper starts from ImageNet weights). {@code features.*} are the zoo's (and torchvision's)
 * {@code vgg16_bn} names, so {@code --init} can start them from that classifier.
 */
public final class VggConv5Backbone extends Backbone {
    /** Children of vgg16_bn's features before pool5: conv5_3's ReLU is index 42. */
    private static final int POOL5 = 43;
    private final Sequential features = new Sequential();

    public VggConv5Backbone() {
        Sequential vgg = Architecture.vgg16Features(true);
        List<Module> layers = List.copyOf(vgg.children().values());
        for (int i = 0; i < POOL5; i++) features.add(Integer.toString(i), layers.get(i));
        child("features", features);
    }

    @Override
    public List<Tensor> levels(Tensor images) {
        return List.of(features.forward(images));
    }

    @Override
    public int[] channels() { return new int[] {512}; }
}
