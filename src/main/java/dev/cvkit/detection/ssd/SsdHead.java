package dev.cvkit.detection.ssd;

import dev.cvkit.nn.Activation;
import dev.cvkit.nn.BatchNorm;
import dev.cvkit.nn.Container;
import dev.cvkit.nn.Conv2d;
import dev.cvkit.nn.Init;
import dev.cvkit.nn.Sequential;
import dev.cvkit.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * SSD's head, as torchvision's {@code SSDHead}: per feature map one 3×3 convolution to K class
 * scores per default box and one to 4 box deltas per default box (Xavier-uniform weights, zero
 * biases), or SSDLite's depthwise-separable block per map. Names
 * {@code classification_head.module_list.i.*}, {@code regression_head.module_list.i.*}.
 */
public final class SsdHead extends Container {
    private final Sequential cls = new Sequential(), reg = new Sequential();
    private final int classes;

    /** @param channels per map; {@code boxes} default boxes per position of each map; classes including background */
    public SsdHead(int[] channels, int[] boxes, int classes) {
        this(channels, boxes, classes, false);
    }

    /**
     * @param lite SSDLite's prediction blocks (torchvision's {@code SSDLiteHead}): per map a 3×3
     *     depthwise convolution (no bias), BatchNorm and ReLU6, then a 1×1 convolution to the
     *     outputs, weights N(0, 0.03²) and zero biases; names {@code module_list.i.0.0} (depthwise),
     *     {@code .0.1} (BatchNorm), {@code .1} (the 1×1)
     */
    public SsdHead(int[] channels, int[] boxes, int classes, boolean lite) {
        this(channels, boxes, classes, lite, 1e-5f, 0.1f);
    }

    /** @param bnEps, bnMomentum the lite blocks' BatchNorm (torchvision's ssdlite320: 0.001, 0.03) */
    public SsdHead(int[] channels, int[] boxes, int classes, boolean lite, float bnEps, float bnMomentum) {
        if (channels.length != boxes.length || classes < 2) {
            throw new IllegalArgumentException("SSD head: " + channels.length + " maps, " + boxes.length + " box counts, " + classes + " classes");
        }
        this.classes = classes;
        for (int k = 0; k < channels.length; k++) {
            cls.add(lite ? liteBlock(channels[k], boxes[k] * classes, bnEps, bnMomentum) : conv(channels[k], boxes[k] * classes));
            reg.add(lite ? liteBlock(channels[k], boxes[k] * 4, bnEps, bnMomentum) : conv(channels[k], boxes[k] * 4));
        }
        child("classification_head", new Sequential().add("module_list", cls));
        child("regression_head", new Sequential().add("module_list", reg));
    }

    private static Conv2d conv(int in, int out) {
        Conv2d c = new Conv2d(in, out, 3, 1, 1);
        Init.xavierUniform(c.namedParameters().get("weight"), 1f);
        Init.constant(c.namedParameters().get("bias"), 0f);
        return c;
    }

    private static Sequential liteBlock(int in, int out, float bnEps, float bnMomentum) {
        Conv2d dw = new Conv2d(in, in, 3, 1, 1, 1, in, false), pw = new Conv2d(in, out, 1);
        Init.normal(dw.namedParameters().get("weight"), 0f, 0.03f);
        Init.normal(pw.namedParameters().get("weight"), 0f, 0.03f);
        Init.constant(pw.namedParameters().get("bias"), 0f);
        return new Sequential(new Sequential(dw, new BatchNorm(in, bnEps, bnMomentum, true), Activation.relu6()), pw);
    }

    public int classes() { return classes; }

    /** Per map: class scores [N, A·K, H, W] and deltas [N, A·4, H, W]. */
    public record Output(List<Tensor> classLogits, List<Tensor> boxDeltas) {}

    public Output forwardMaps(List<Tensor> maps) {
        if (maps.size() != cls.children().size()) throw new IllegalArgumentException("SSD head: " + maps.size() + " maps for " + cls.children().size());
        List<Tensor> c = new ArrayList<>(), r = new ArrayList<>();
        for (int k = 0; k < maps.size(); k++) {
            c.add(cls.children().get(Integer.toString(k)).forward(maps.get(k)));
            r.add(reg.children().get(Integer.toString(k)).forward(maps.get(k)));
        }
        return new Output(c, r);
    }
}
