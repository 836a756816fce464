package dev.cvkit.models;

import dev.cvkit.models.Blocks.BasicBlock;
import dev.cvkit.models.Blocks.Bottleneck;
import dev.cvkit.models.Blocks.InvertedResidual;
import dev.cvkit.nn.Activation;
import dev.cvkit.nn.BatchNorm;
import dev.cvkit.nn.Conv2d;
import dev.cvkit.nn.Dropout;
import dev.cvkit.nn.Flatten;
import dev.cvkit.nn.Init;
import dev.cvkit.nn.Linear;
import dev.cvkit.nn.Module;
import dev.cvkit.nn.Norm;
import dev.cvkit.nn.Pool2d;
import dev.cvkit.nn.Sequential;
import java.util.Locale;

/**
 * Every classification architecture cvkit builds, with its default input size. Names are the
 * CLI's ({@code cvkit models summary resnet18}); parameter names follow torchvision where
 * torchvision has the network (ResNet, VGG, GoogLeNet, MobileNet v2).
 */
public enum Architecture {
    LENET5("LeNet-5: 2 conv (6, 16 5×5) + 3 fc (120, 84, classes), ReLU and max-pool", 1, 32),
    ALEXNET("AlexNet as in the lecture: 227² input, 96 11×11/4, overlapping 3/2 pools, LRN", 3, 227),
    ZFNET("ZFNet: AlexNet with CONV1 7×7/2 and 512/1024/512 filters in CONV3-5", 3, 224),
    VGG11("VGG-11 (torchvision)", 3, 224), VGG11_BN("VGG-11 with BatchNorm", 3, 224),
    VGG13("VGG-13", 3, 224), VGG13_BN("VGG-13 with BatchNorm", 3, 224),
    VGG16("VGG-16", 3, 224), VGG16_BN("VGG-16 with BatchNorm", 3, 224),
    VGG19("VGG-19", 3, 224), VGG19_BN("VGG-19 with BatchNorm", 3, 224),
    GOOGLENET("GoogLeNet / Inception v1 with auxiliary classifiers (torchvision layout)", 3, 224),
    RESNET18("ResNet-18 (torchvision)", 3, 224), RESNET34("ResNet-34", 3, 224),
    RESNET50("ResNet-50 (bottleneck)", 3, 224), RESNET101("ResNet-101", 3, 224),
    RESNET20("CIFAR ResNet-20: 3 stages × 3 basic blocks, 16/32/64 channels, 1×1 projection shortcuts", 3, 32),
    RESNET32("CIFAR ResNet-32 (5 blocks per stage)", 3, 32),
    RESNET56("CIFAR ResNet-56 (9 blocks per stage)", 3, 32),
    SE_RESNET18("SE-ResNet-18: basic blocks with squeeze-excitation (reduction 16)", 3, 224),
    SE_RESNET50("SE-ResNet-50: bottlenecks with squeeze-excitation (reduction 16)", 3, 224),
    MOBILENET_V1("MobileNet v1: depthwise-separable convolutions, width 1.0", 3, 224),
    MOBILENET_V2("MobileNet v2 (torchvision): inverted residuals, width 1.0", 3, 224);

    public final String description;
    public final int defaultChannels, defaultSize;

    Architecture(String description, int channels, int size) {
        this.description = description;
        this.defaultChannels = channels;
        this.defaultSize = size;
    }

    /** The class count the architecture was published with: 10 for LeNet-5 (digits) and the CIFAR ResNets, else 1000 (ImageNet). */
    public int defaultClasses() {
        return switch (this) {
            case LENET5, RESNET20, RESNET32, RESNET56 -> 10;
            default -> 1000;
        };
    }

    /** The CLI name: lower case (resnet18, vgg16_bn, mobilenet_v2). */
    public String cliName() { return name().toLowerCase(Locale.ROOT); }

    /** Parses a CLI name (case-insensitive, '-' accepted for '_'); null if unknown. */
    public static Architecture parse(String s) {
        String k = s.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (Architecture a : values()) {
            if (a.name().equals(k)) return a;
        }
        return null;
    }

    /** Builds the network with {@code classes} outputs; initial weights from {@link Init#rng()}. */
    public Module build(int classes) {
        return switch (this) {
            case LENET5 -> lenet5(classes);
            case ALEXNET -> alexnet(classes, false);
            case ZFNET -> alexnet(classes, true);
            case VGG11 -> vgg(new int[] {1, 1, 2, 2, 2}, false, classes);
            case VGG11_BN -> vgg(new int[] {1, 1, 2, 2, 2}, true, classes);
            case VGG13 -> vgg(new int[] {2, 2, 2, 2, 2}, false, classes);
            case VGG13_BN -> vgg(new int[] {2, 2, 2, 2, 2}, true, classes);
            case VGG16 -> vgg(new int[] {2, 2, 3, 3, 3}, false, classes);
            case VGG16_BN -> vgg(new int[] {2, 2, 3, 3, 3}, true, classes);
            case VGG19 -> vgg(new int[] {2, 2, 4, 4, 4}, false, classes);
            case VGG19_BN -> vgg(new int[] {2, 2, 4, 4, 4}, true, classes);
            case GOOGLENET -> new GoogLeNet(classes);
            case RESNET18 -> resnet(new int[] {2, 2, 2, 2}, false, false, classes);
            case RESNET34 -> resnet(new int[] {3, 4, 6, 3}, false, false, classes);
            case RESNET50 -> resnet(new int[] {3, 4, 6, 3}, true, false, classes);
            case RESNET101 -> resnet(new int[] {3, 4, 23, 3}, true, false, classes);
            case RESNET20 -> cifarResnet(3, classes);
            case RESNET32 -> cifarResnet(5, classes);
            case RESNET56 -> cifarResnet(9, classes);
            case SE_RESNET18 -> resnet(new int[] {2, 2, 2, 2}, false, true, classes);
            case SE_RESNET50 -> resnet(new int[] {3, 4, 6, 3}, true, true, classes);
            case MOBILENET_V1 -> mobilenetV1(classes);
            case MOBILENET_V2 -> mobilenetV2(classes);
        };
    }

    // Child names are those of torch_bench.py's LeNet5 (c1, c2, f1, f2, f3).
    private static Module lenet5(int classes) {
        return new Sequential()
                .add("c1", new Conv2d(1, 6, 5)).add("relu1", Activation.relu()).add("pool1", Pool2d.max(2, 2))
                .add("c2", new Conv2d(6, 16, 5)).add("relu2", Activation.relu()).add("pool2", Pool2d.max(2, 2))
                .add("flatten", new Flatten())
                .add("f1", new Linear(400, 120)).add("relu3", Activation.relu())
                .add("f2", new Linear(120, 84)).add("relu4", Activation.relu())
                .add("f3", new Linear(84, classes));
    }

    // The lecture's layer names: CONV1 POOL1 NORM1 CONV2 POOL2 NORM2 CONV3 CONV4 CONV5 POOL3 FC6 FC7 FC8.
    private static Module alexnet(int classes, boolean zf) {
        int[] c = zf ? new int[] {96, 256, 512, 1024, 512} : new int[] {96, 256, 384, 384, 256};
        Sequential s = new Sequential()
                .add("conv1", zf ? new Conv2d(3, c[0], 7, 2, 1) : new Conv2d(3, c[0], 11, 4, 0)).add("relu1", Activation.relu())
                .add("pool1", Pool2d.max(3, 2, 0, zf)).add("norm1", Norm.localResponse(5, 1e-4f, 0.75f, 2f))
                .add("conv2", zf ? new Conv2d(c[0], c[1], 5, 2, 0) : new Conv2d(c[0], c[1], 5, 1, 2)).add("relu2", Activation.relu())
                .add("pool2", Pool2d.max(3, 2, 0, zf)).add("norm2", Norm.localResponse(5, 1e-4f, 0.75f, 2f))
                .add("conv3", new Conv2d(c[1], c[2], 3, 1, 1)).add("relu3", Activation.relu())
                .add("conv4", new Conv2d(c[2], c[3], 3, 1, 1)).add("relu4", Activation.relu())
                .add("conv5", new Conv2d(c[3], c[4], 3, 1, 1)).add("relu5", Activation.relu())
                .add("pool3", Pool2d.max(3, 2, 0, zf)).add("flatten", new Flatten())
                .add("drop6", new Dropout(0.5f)).add("fc6", new Linear(c[4] * 36, 4096)).add("relu6", Activation.relu())
                .add("drop7", new Dropout(0.5f)).add("fc7", new Linear(4096, 4096)).add("relu7", Activation.relu())
                .add("fc8", new Linear(4096, classes));
        return s;
    }

    // torchvision VGG: features (numbered), avgpool 7×7, classifier 0..6.
    private static Module vgg(int[] convsPerStage, boolean bn, int classes) {
        Sequential f = vggFeatures(convsPerStage, bn);
        Sequential cls = new Sequential(new Linear(512 * 49, 4096), Activation.relu(), new Dropout(0.5f),
                new Linear(4096, 4096), Activation.relu(), new Dropout(0.5f), new Linear(4096, classes));
        return new Sequential().add("features", f).add("avgpool", Pool2d.adaptiveAvg(7, 7))
                .add("flatten", new Flatten()).add("classifier", cls);
    }

    /**
     * VGG-16's {@code features} alone (with BatchNorm: {@code vgg16_bn}'s), initialised as in the
     * classifier, for backbones that need no classifier (whose first layer alone has 103 M weights).
     */
    public static Sequential vgg16Features(boolean bn) {
        return vggFeatures(new int[] {2, 2, 3, 3, 3}, bn);
    }

    private static Sequential vggFeatures(int[] convsPerStage, boolean bn) {
        Sequential f = new Sequential();
        int in = 3;
        int[] widths = {64, 128, 256, 512, 512};
        for (int s = 0; s < 5; s++) {
            for (int i = 0; i < convsPerStage[s]; i++) {
                Conv2d conv = new Conv2d(in, widths[s], 3, 1, 1);
                kaimingFanOut(conv);
                f.add(conv);
                if (bn) f.add(BatchNorm.bn2d(widths[s]));
                f.add(Activation.relu());
                in = widths[s];
            }
            f.add(Pool2d.max(2, 2));
        }
        return f;
    }

    // torchvision ResNet names: conv1 bn1 relu maxpool layer1..4 avgpool fc.
    /**
     * A ResNet with layer3 and/or layer4 dilated instead of strided: output stride 8 with both, the
     * backbone of FCN and DeepLab segmentation models. ResNet-50/101 as torchvision's
     * replace_stride_with_dilation = [false, layer3, layer4] (a stage's first block keeps the
     * previous dilation); ResNet-18/34, whose BasicBlock torchvision will not dilate, as DeepLab
     * does: every block of a dilated stage has both 3×3 convolutions dilated (layer3 2, layer4 4
     * with both).
     */
    public Module buildDilated(int classes, boolean layer3, boolean layer4) {
        boolean[] dilate = {false, false, layer3, layer4};
        return switch (this) {
            case RESNET18 -> resnet(new int[] {2, 2, 2, 2}, false, false, classes, dilate);
            case RESNET34 -> resnet(new int[] {3, 4, 6, 3}, false, false, classes, dilate);
            case RESNET50 -> resnet(new int[] {3, 4, 6, 3}, true, false, classes, dilate);
            case RESNET101 -> resnet(new int[] {3, 4, 23, 3}, true, false, classes, dilate);
            default -> throw new IllegalArgumentException(cliName() + ": only ResNet-18, 34, 50 and 101 can be dilated");
        };
    }

    private static Module resnet(int[] blocks, boolean bottleneck, boolean se, int classes) {
        return resnet(blocks, bottleneck, se, classes, new boolean[4]);
    }

    private static Module resnet(int[] blocks, boolean bottleneck, boolean se, int classes, boolean[] dilate) {
        Sequential m = new Sequential()
                .add("conv1", kaimingFanOut(new Conv2d(3, 64, 7, 2, 3, 1, 1, false))).add("bn1", BatchNorm.bn2d(64))
                .add("relu", Activation.relu()).add("maxpool", Pool2d.max(3, 2, 1, false));
        int in = 64, dilation = 1;
        for (int stage = 0; stage < 4; stage++) {
            int planes = 64 << stage;
            Sequential layer = new Sequential();
            // a dilated stage keeps its input's resolution: its stride turns into dilation, which the
            // first block takes from the previous stage (as torchvision's _make_layer)
            int first = dilation;
            int firstStride = stage > 0 ? 2 : 1;
            if (dilate[stage]) {
                dilation *= firstStride;
                firstStride = 1;
            }
            for (int b = 0; b < blocks[stage]; b++) {
                int stride = b == 0 ? firstStride : 1;
                if (bottleneck) {
                    layer.add(new Bottleneck(in, planes, stride, b == 0 ? first : dilation, se));
                    in = planes * Bottleneck.EXPANSION;
                } else {
                    layer.add(new BasicBlock(in, planes, stride, dilation, se));
                    in = planes;
                }
            }
            m.add("layer" + (stage + 1), layer);
        }
        return m.add("avgpool", Pool2d.adaptiveAvg(1, 1)).add("flatten", new Flatten()).add("fc", new Linear(in, classes));
    }

    // torch_bench.py's ResNet20 layout (conv-bn-relu stem, 1×1 projection shortcuts).
    private static Module cifarResnet(int n, int classes) {
        Sequential m = new Sequential()
                .add("conv1", kaimingFanOut(new Conv2d(3, 16, 3, 1, 1, 1, 1, false))).add("bn1", BatchNorm.bn2d(16))
                .add("relu", Activation.relu());
        int in = 16;
        for (int stage = 0; stage < 3; stage++) {
            int planes = 16 << stage;
            Sequential layer = new Sequential();
            for (int b = 0; b < n; b++) {
                layer.add(new BasicBlock(in, planes, b == 0 && stage > 0 ? 2 : 1, false));
                in = planes;
            }
            m.add("layer" + (stage + 1), layer);
        }
        return m.add("avgpool", Pool2d.adaptiveAvg(1, 1)).add("flatten", new Flatten()).add("fc", new Linear(64, classes));
    }

    private static Module mobilenetV1(int classes) {
        Sequential f = new Sequential(Blocks.convBnAct(3, 32, 3, 2, 1, Activation.relu()));
        int[][] cfg = {{64, 1}, {128, 2}, {128, 1}, {256, 2}, {256, 1}, {512, 2},
                {512, 1}, {512, 1}, {512, 1}, {512, 1}, {512, 1}, {1024, 2}, {1024, 1}};
        int in = 32;
        for (int[] c : cfg) {
            f.add(Blocks.depthwiseSeparable(in, c[0], c[1]));
            in = c[0];
        }
        return new Sequential().add("features", f).add("avgpool", Pool2d.adaptiveAvg(1, 1))
                .add("flatten", new Flatten()).add("classifier", new Linear(1024, classes));
    }

    // torchvision MobileNetV2: features.0..18, classifier (Dropout, Linear).
    private static Module mobilenetV2(int classes) {
        Sequential f = new Sequential(Blocks.convBnAct(3, 32, 3, 2, 1, Activation.relu6()));
        int[][] cfg = {{1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2}, {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}};
        int in = 32;
        for (int[] c : cfg) {
            for (int i = 0; i < c[2]; i++) {
                f.add(new InvertedResidual(in, c[1], i == 0 ? c[3] : 1, c[0]));
                in = c[1];
            }
        }
        f.add(Blocks.convBnAct(in, 1280, 1, 1, 1, Activation.relu6()));
        return new Sequential().add("features", f).add("avgpool", Pool2d.adaptiveAvg(1, 1)).add("flatten", new Flatten())
                .add("classifier", new Sequential(new Dropout(0.2f), new Linear(1280, classes)));
    }

    /** torchvision's conv init for these nets: kaiming_normal_(mode='fan_out', relu). */
    private static Conv2d kaimingFanOut(Conv2d c) {
        Init.kaimingNormal(c.weight, 0f, true);
        if (c.bias != null) Init.constant(c.bias, 0f);
        return c;
    }
}
