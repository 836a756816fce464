package dev.cvkit.detection.yolo;

import dev.cvkit.nn.Container;
import dev.cvkit.nn.Conv2d;
import dev.cvkit.nn.Functional;
import dev.cvkit.nn.Init;
import dev.cvkit.nn.Module;
import dev.cvkit.nn.Sequential;
import dev.cvkit.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * The anchor-free multi-scale YOLO (the layout of Ultralytics' YOLOv8): a {@link CspBackbone}
 * giving P3–P5 (strides 8, 16, 32), a PAN
 * neck (top-down, then bottom-up, C2f at each merge) and a decoupled head per level: a box branch
 * predicting, per cell, a distribution over {@code reg_max} bins for each of the distances to the
 * box's left, top, right and bottom side (in strides), and a class branch predicting K sigmoid
 * logits. There is no objectness and no anchor box: each cell centre is one candidate.
 * The neck's C2f blocks repeat 3 × the scale's depth multiplier; the head's branches are two 3×3
 * convs and a 1×1 output conv, max(16, P3 width/4, 4·reg_max) and max(P3 width, min(K, 100)) wide.
 */
public final class YoloNet extends Container {
    public static final int[] STRIDES = {8, 16, 32};
    private final YoloSpec spec;
    private final CspBackbone backbone;
    private final Module n4, n3, down3, p4out, down4, p5out;
    private final Module[] boxBranch = new Module[3], clsBranch = new Module[3];

    public YoloNet(YoloSpec spec) {
        this.spec = spec;
        backbone = child("backbone", new CspBackbone(spec));
        int[] c = backbone.widths;
        int nh = depth(3, spec);
        Sequential neck = child("neck", new Sequential());
        n4 = add(neck, new Blocks.C2f(c[4] + c[3], c[3], nh, false));
        n3 = add(neck, new Blocks.C2f(c[3] + c[2], c[2], nh, false));
        down3 = add(neck, Blocks.conv(c[2], c[2], 3, 2));
        p4out = add(neck, new Blocks.C2f(c[2] + c[3], c[3], nh, false));
        down4 = add(neck, Blocks.conv(c[3], c[3], 3, 2));
        p5out = add(neck, new Blocks.C2f(c[3] + c[4], c[4], nh, false));
        int[] levelChannels = {c[2], c[3], c[4]};
        int cBox = Math.max(16, Math.max(c[2] / 4, 4 * spec.regMax())), cCls = Math.max(c[2], Math.min(spec.classes(), 100));
        Sequential boxes = child("box_head", new Sequential()), classes = child("cls_head", new Sequential());
        for (int l = 0; l < 3; l++) {
            boxBranch[l] = boxes.add(branch(levelChannels[l], cBox, 4 * spec.regMax(), 1f)).children().get(Integer.toString(l));
            // class bias: about 5 objects per image at the start (Ultralytics' prior), so the loss starts near the background's
            double cells = Math.pow(spec.imgsz() / (double) STRIDES[l], 2);
            clsBranch[l] = classes.add(branch(levelChannels[l], cCls, spec.classes(), (float) Math.log(5.0 / spec.classes() / cells)))
                    .children().get(Integer.toString(l));
        }
    }

    private static Module add(Sequential s, Module m) {
        s.add(m);
        return m;
    }

    private static Sequential branch(int in, int mid, int out, float bias) {
        Sequential s = new Sequential();
        s.add(Blocks.conv(in, mid, 3, 1));
        s.add(Blocks.conv(mid, mid, 3, 1));
        Conv2d last = new Conv2d(mid, out, 1, 1, 0);
        Init.constant(last.bias, bias);
        s.add(last);
        return s;
    }

    /** Ultralytics' make_divisible(c · width, 8). */
    static int channels(int c, double width) {
        return Math.max(8, (int) Math.ceil(c * width / 8) * 8);
    }

    static int depth(int n, YoloSpec spec) {
        return Math.max(1, (int) Math.round(n * spec.depth()));
    }

    public YoloSpec spec() { return spec; }

    /** Per level (strides 8, 16, 32): box-distribution logits [N, 4·reg_max, H, W] and class logits [N, K, H, W]. */
    public record Output(List<Tensor> box, List<Tensor> cls) {}

    /** The head's raw outputs for images [N, 3, imgsz, imgsz] scaled to [0, 1]. */
    public Output forwardLevels(Tensor images) {
        List<Tensor> p = backbone.levels(images);
        Tensor p3 = p.get(0), p4 = p.get(1), p5 = p.get(2);
        Tensor t4 = n4.forward(Functional.concat(1, up(p5), p4));
        Tensor o3 = n3.forward(Functional.concat(1, up(t4), p3));
        Tensor o4 = p4out.forward(Functional.concat(1, down3.forward(o3), t4));
        Tensor o5 = p5out.forward(Functional.concat(1, down4.forward(o4), p5));
        List<Tensor> box = new ArrayList<>(), cls = new ArrayList<>();
        Tensor[] levels = {o3, o4, o5};
        for (int l = 0; l < 3; l++) {
            box.add(boxBranch[l].forward(levels[l]));
            cls.add(clsBranch[l].forward(levels[l]));
        }
        return new Output(box, cls);
    }

    private static Tensor up(Tensor x) {
        return Functional.upsampleNearest(x, 2 * x.size(2), 2 * x.size(3));
    }
}
