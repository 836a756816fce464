package dev.cvkit.detection.yolo;

import dev.cvkit.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The anchor-free YOLO's training loss (Ultralytics' v8DetectionLoss): points assigned by
 * {@link TaskAlignedAssigner}; the class loss is the binary cross-entropy of every point's K
 * logits against the assigned target scores (0 for background), summed; the box loss is
 * 1 − CIoU (or GIoU) of each positive's decoded box with its ground truth, and the DFL loss the
 * distribution focal loss of its four sides ({@link Dfl}, mean of the sides), both weighted by
 * the positive's target score. All three are divided by the batch's sum of target scores (at
 * least 1) and scaled by the gains box 7.5, class 0.5, DFL 1.5.
 *
 * <p>The loss and its gradient with respect to the head's outputs are computed here directly
 * and enter autograd as one node per loss.
 */
public final class YoloLoss {
    public static final double BOX_GAIN = 7.5, CLS_GAIN = 0.5, DFL_GAIN = 1.5;
    private final YoloSpec spec;
    private final AnchorPoints points;
    private final YoloDecoder decoder;
    private final TaskAlignedAssigner assigner;
    private final BoxIou.Kind iouKind;

    public YoloLoss(YoloSpec spec, TaskAlignedAssigner assigner, BoxIou.Kind iouKind) {
        this.spec = spec;
        this.decoder = new YoloDecoder(spec);
        this.points = decoder.points();
        this.assigner = assigner;
        this.iouKind = iouKind;
    }

    public YoloLoss(YoloSpec spec) {
        this(spec, TaskAlignedAssigner.yolov8(), BoxIou.Kind.CIOU);
    }

    /**
     * "loss_box", "loss_cls" and "loss_dfl" of a batch.
     *
     * @param gtBoxes per image [G·4] in input pixels; {@code gtLabels} per image, 0 … K−1
     */
    public Map<String, Tensor> compute(YoloNet.Output out, List<float[]> gtBoxes, List<int[]> gtLabels) {
        int n = out.box().get(0).size(0), k = spec.classes(), bins = spec.regMax(), a = points.count(), ch = 4 * bins;
        float[][] boxData = new float[3][], clsData = new float[3][];
        float[][] gBox = new float[3][], gDfl = new float[3][], gCls = new float[3][];
        for (int l = 0; l < 3; l++) {
            boxData[l] = out.box().get(l).data();
            clsData[l] = out.cls().get(l).data();
            if (out.box().get(l).size(2) != points.sizes[l]) {
                throw new IllegalArgumentException("YOLO loss: level " + l + " is " + out.box().get(l).size(2) + " wide, expected " + points.sizes[l]);
            }
            gBox[l] = new float[boxData[l].length];
            gDfl[l] = new float[boxData[l].length];
            gCls[l] = new float[clsData[l].length];
        }
        YoloDecoder.Decoded[] dec = new YoloDecoder.Decoded[n];
        TaskAlignedAssigner.Assignment[] as = new TaskAlignedAssigner.Assignment[n];
        double tss = 0;
        for (int i = 0; i < n; i++) {
            dec[i] = decoder.decode(boxData, clsData, i, true);
            as[i] = assigner.assign(points.xy, dec[i].boxes(), dec[i].scores(), k, gtBoxes.get(i), gtLabels.get(i));
            for (float v : as[i].scores()) tss += v;
        }
        tss = Math.max(tss, 1);
        double cls = 0, box = 0, dfl = 0;
        double[] grad = new double[4], gd = new double[bins];
        for (int i = 0; i < n; i++) {
            float[] target = as[i].scores();
            for (int p = 0; p < a; p++) {
                int l = points.level[p];
                for (int c = 0; c < k; c++) {
                    int idx = points.index(i, k, c, p);
                    double x = clsData[l][idx], t = target[p * k + c];
                    cls += Math.max(x, 0) - x * t + Math.log1p(Math.exp(-Math.abs(x)));
                    gCls[l][idx] = (float) (CLS_GAIN * (YoloDecoder.sigmoid(x) - t) / tss);
                }
                int g = as[i].gt()[p];
                if (g < 0) continue;
                double w = 0;
                for (int c = 0; c < k; c++) w += target[p * k + c];
                float[] gt = gtBoxes.get(i);
                box += (1 - BoxIou.value(iouKind, dec[i].boxes(), 4 * p, gt, 4 * g, grad)) * w;
                double s = points.stride[p], ax = points.xy[2 * p], ay = points.xy[2 * p + 1];
                // d box / d distance: x1 = ax − s·l, y1 = ay − s·t, x2 = ax + s·r, y2 = ay + s·b
                double[] dDist = {s * grad[0], s * grad[1], -s * grad[2], -s * grad[3]};
                double[] tDist = {(ax - gt[4 * g]) / s, (ay - gt[4 * g + 1]) / s, (gt[4 * g + 2] - ax) / s, (gt[4 * g + 3] - ay) / s};
                for (int side = 0; side < 4; side++) {
                    double[] prob = dec[i].probs()[p][side];
                    double d = dec[i].dist()[4 * p + side];
                    java.util.Arrays.fill(gd, 0);
                    double t = Math.min(Math.max(tDist[side], 0), bins - 1 - 0.01);
                    dfl += Dfl.loss(prob, bins, t, 1, gd) * w / 4;
                    for (int b = 0; b < bins; b++) {
                        int idx = points.index(i, ch, side * bins + b, p);
                        // loss_box = (1 − IoU)·w: d/d z_b = −dIoU/d dist · p_b (b − d) · w
                        gBox[l][idx] += (float) (BOX_GAIN * w / tss * dDist[side] * prob[b] * (b - d));
                        gDfl[l][idx] += (float) (DFL_GAIN * w / 4 / tss * gd[b]);
                    }
                }
            }
        }
        Map<String, Tensor> losses = new LinkedHashMap<>();
        losses.put("loss_box", node(BOX_GAIN * box / tss, out.box(), gBox));
        losses.put("loss_cls", node(CLS_GAIN * cls / tss, out.cls(), gCls));
        losses.put("loss_dfl", node(DFL_GAIN * dfl / tss, out.box(), gDfl));
        return losses;
    }

    /** A scalar autograd node whose gradient with respect to each input tensor is the given array. */
    static Tensor node(double value, List<Tensor> inputs, float[][] grads) {
        Tensor[] in = inputs.toArray(new Tensor[0]);
        Tensor r = Tensor.result(new float[] {(float) value}, new int[0], in);
        if (r.requiresGrad()) {
            r.setBackward(() -> {
                float dy = r.grad()[0];
                for (int l = 0; l < in.length; l++) {
                    if (!in[l].requiresGrad()) continue;
                    float[] g = in[l].gradBuffer(), src = grads[l];
                    for (int q = 0; q < g.length; q++) g[q] += dy * src[q];
                }
            });
        }
        return r;
    }
}
