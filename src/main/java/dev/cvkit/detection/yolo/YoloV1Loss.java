package dev.cvkit.detection.yolo;

import dev.cvkit.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * YOLO v1's sum-squared loss over a batch, per term as in the paper: "loss_coord" (λcoord on the
 * responsible predictors' x, y, √w, √h), "loss_obj" (their confidence against the IoU),
 * "loss_noobj" (λnoobj on every other confidence against 0) and "loss_cls" (the class
 * probabilities of cells holding an object), each summed over the image and averaged over the
 * batch. Targets come from {@link GridTargets}.
 */
public final class YoloV1Loss {
    private YoloV1Loss() {}

    /** @param pred [N, S·S·(5B + K)] from {@link YoloV1Net#forwardGrid}; boxes in input pixels */
    public static Map<String, Tensor> compute(YoloSpec spec, Tensor pred, List<float[]> gtBoxes, List<int[]> gtLabels) {
        int n = pred.size(0), per = pred.numel() / n, s = spec.grid();
        float[] t = new float[pred.numel()], coord = new float[t.length], obj = new float[t.length], noobj = new float[t.length],
                cls = new float[t.length];
        for (int i = 0; i < n; i++) {
            float[] p = java.util.Arrays.copyOfRange(pred.data(), i * per, (i + 1) * per);
            GridTargets.Targets g = GridTargets.build(p, s, spec.boxesPerCell(), spec.classes(), spec.imgsz(), gtBoxes.get(i), gtLabels.get(i));
            System.arraycopy(g.target(), 0, t, i * per, per);
            System.arraycopy(g.coord(), 0, coord, i * per, per);
            System.arraycopy(g.obj(), 0, obj, i * per, per);
            System.arraycopy(g.noobj(), 0, noobj, i * per, per);
            System.arraycopy(g.cls(), 0, cls, i * per, per);
        }
        int[] shape = pred.shape();
        Tensor d = pred.sub(Tensor.of(t, shape));
        Tensor sq = d.mul(d);
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("loss_coord", sq.mul(Tensor.of(coord, shape)).sum().mul(1f / n));
        out.put("loss_obj", sq.mul(Tensor.of(obj, shape)).sum().mul(1f / n));
        out.put("loss_noobj", sq.mul(Tensor.of(noobj, shape)).sum().mul(1f / n));
        out.put("loss_cls", sq.mul(Tensor.of(cls, shape)).sum().mul(1f / n));
        return out;
    }
}
