package dev.cvkit.detection.ssd;

import dev.cvkit.detection.rcnn.Backbone;
import dev.cvkit.nn.Activation;
import dev.cvkit.nn.BatchNorm;
import dev.cvkit.nn.Container;
import dev.cvkit.nn.Conv2d;
import dev.cvkit.nn.Sequential;
import dev.cvkit.structures.ScoredBoxes;
import dev.cvkit.tensor.BufferPool;
import dev.cvkit.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An SSD (Liu et al. 2016) in torchvision's {@code SSD} layout, on a ResNet, SSD's VGG-16
 * ({@link VggBackbone}), MobileNet v2 ({@link dev.cvkit.detection.rcnn.MobileNetV2Backbone}) or
 * MobileNet v3 ({@link MobileNetV3Backbone}): the backbone's levels and the extra blocks after
 * them give the feature maps. On a ResNet, VGG-16 or MobileNet v2: the last three levels
 * (strides 8, 16, 32) and two extra blocks (1×1 reduction to half the width, then a 3×3
 * convolution of stride 2, each with BatchNorm and ReLU), five maps (for 160²: 20², 10², 5², 3²,
 * 2²; any image of 32² or more has all five); on MobileNet v3 (SSDLite): strides 16 and 32 and
 * four extra blocks, six maps. {@link SsdHead} predicts
 * class scores (background = 0) and deltas per {@link DefaultBoxes} box; {@link SsdLosses} with
 * 3:1 hard-negative mining in training, {@link SsdDecoder} at test. Names:
 * {@code backbone.body.*}, {@code backbone.extra.i.*}, {@code head.*}.
 */
public final class Ssd extends Container {
    private final Backbone backbone;
    private final Sequential extra = new Sequential();
    private final SsdHead head;
    private final DefaultBoxes boxes;
    private final int classes, topkCandidates, levelsUsed;

    /**
     * @param extraChannels output channels of the two extra blocks
     * @param classes including background
     * @param topkCandidates candidates per class kept before NMS at test (torchvision: 400)
     */
    public Ssd(Backbone backbone, int[] extraChannels, DefaultBoxes boxes, int classes, int topkCandidates) {
        this(backbone, extraChannels, boxes, classes, topkCandidates, false);
    }

    /**
     * @param lite SSDLite (torchvision's {@code ssdlite320_mobilenet_v3_large}): extra blocks of
     *     1×1 to half the width, 3×3 depthwise of stride 2, 1×1 to the width (each with BatchNorm
     *     and ReLU6, weights N(0, 0.03²)) and the depthwise-separable head of {@link SsdHead}
     */
    public Ssd(Backbone backbone, int[] extraChannels, DefaultBoxes boxes, int classes, int topkCandidates, boolean lite) {
        this(backbone, extraChannels, boxes, classes, topkCandidates, lite, 1e-5f, 0.1f);
    }

    /**
     * Any number of extra blocks: the maps are the backbone's last {@code boxes.maps() − extras}
     * levels, then the extra blocks' outputs (SSDLite on MobileNet v3: 2 + 4, as torchvision's
     * ssdlite320_mobilenet_v3_large).
     *
     * @param bnEps, bnMomentum the lite extra blocks' and head's BatchNorm
     */
    public Ssd(Backbone backbone, int[] extraChannels, DefaultBoxes boxes, int classes, int topkCandidates, boolean lite, float bnEps,
               float bnMomentum) {
        int[] ch = backbone.channels();
        levelsUsed = boxes.maps() - extraChannels.length;
        if (extraChannels.length < 1 || levelsUsed < 1 || ch.length < levelsUsed) {
            throw new IllegalArgumentException("SSD: default boxes for " + boxes.maps() + " maps, " + extraChannels.length
                    + " extra blocks and " + ch.length + " backbone levels");
        }
        int[] maps = new int[boxes.maps()];
        for (int k = 0; k < levelsUsed; k++) maps[k] = ch[ch.length - levelsUsed + k];
        for (int k = 0; k < extraChannels.length; k++) {
            int in = maps[levelsUsed + k - 1];
            maps[levelsUsed + k] = extraChannels[k];
            extra.add(lite ? liteExtraBlock(in, extraChannels[k], bnEps, bnMomentum) : extraBlock(in, extraChannels[k]));
        }
        this.backbone = backbone;
        child("backbone", new Sequential().add("body", backbone).add("extra", extra));
        int[] perPosition = new int[maps.length];
        for (int k = 0; k < maps.length; k++) perPosition[k] = boxes.perPosition(k);
        this.head = child("head", new SsdHead(maps, perPosition, classes, lite, bnEps, bnMomentum));
        this.boxes = boxes;
        this.classes = classes;
        this.topkCandidates = topkCandidates;
    }

    /** 1×1 to half of {@code out}, then 3×3 stride 2 (side → ⌈side/2⌉), BN and ReLU after each. */
    private static Sequential extraBlock(int in, int out) {
        int mid = out / 2;
        return new Sequential(new Conv2d(in, mid, 1, 1, 0, 1, 1, false), BatchNorm.bn2d(mid), Activation.relu(),
                new Conv2d(mid, out, 3, 2, 1, 1, 1, false), BatchNorm.bn2d(out), Activation.relu());
    }

    /** SSDLite's extra block, as torchvision's {@code _extra_block}: names {@code 0.0} (1×1), {@code 1.0} (depthwise), {@code 2.0} (1×1). */
    private static Sequential liteExtraBlock(int in, int out, float eps, float momentum) {
        int mid = out / 2;
        return new Sequential(liteConv(new Conv2d(in, mid, 1, 1, 0, 1, 1, false), eps, momentum),
                liteConv(new Conv2d(mid, mid, 3, 2, 1, 1, mid, false), eps, momentum), liteConv(new Conv2d(mid, out, 1, 1, 0, 1, 1, false), eps, momentum));
    }

    private static Sequential liteConv(Conv2d c, float eps, float momentum) {
        dev.cvkit.nn.Init.normal(c.namedParameters().get("weight"), 0f, 0.03f);
        return new Sequential(c, new BatchNorm(c.namedParameters().get("weight").size(0), eps, momentum, true), Activation.relu6());
    }

    private record Forward(SsdHead.Output head, float[] boxes, List<Tensor> maps) {}

    private Forward run(Tensor images) {
        List<Tensor> c = backbone.levels(images);
        List<Tensor> maps = new ArrayList<>(c.subList(c.size() - levelsUsed, c.size()));
        Tensor x = maps.get(levelsUsed - 1);
        for (int i = 0; i < extra.children().size(); i++) {
            x = extra.children().get(Integer.toString(i)).forward(x);
            maps.add(x);
        }
        int[] mh = new int[maps.size()], mw = new int[maps.size()];
        for (int k = 0; k < maps.size(); k++) {
            mh[k] = maps.get(k).size(2);
            mw[k] = maps.get(k).size(3);
        }
        return new Forward(head.forwardMaps(maps), boxes.boxes(images.size(2), images.size(3), mh, mw), maps);
    }

    /**
     * torchvision's two losses, "bbox_regression" and "classification", whose sum is the objective.
     *
     * @param gtBoxes per image [G·4] in batch coordinates; {@code gtLabels} per image, classes ≥ 1
     */
    public Map<String, Tensor> losses(Tensor images, List<float[]> gtBoxes, List<int[]> gtLabels) {
        Forward f = run(images);
        SsdLosses.Pair l = SsdLosses.compute(f.head(), classes, f.boxes(), gtBoxes, gtLabels);
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("bbox_regression", l.regression());
        out.put("classification", l.classification());
        return out;
    }

    /** Detections per image in batch coordinates (labels ≥ 1), with this call's score and NMS thresholds and count. */
    public List<ScoredBoxes> detect(Tensor images, int[][] imageSizes, float score, float nms, int perImage) {
        try (var g = Tensor.noGrad()) {
            Forward f = run(images);
            List<ScoredBoxes> out = new SsdDecoder(score, nms, topkCandidates, perImage).decode(f.head(), classes, f.boxes(), imageSizes);
            if (fusedInference()) {
                // fused inference: the maps and head outputs are pooled buffers that nothing reads any more
                java.util.Set<float[]> dead = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
                for (List<Tensor> ts : List.of(f.maps(), f.head().classLogits(), f.head().boxDeltas())) {
                    for (Tensor t : ts) dead.add(t.data());
                }
                dead.remove(images.data());
                for (float[] a : dead) BufferPool.give(a);
            }
            return out;
        }
    }
}
