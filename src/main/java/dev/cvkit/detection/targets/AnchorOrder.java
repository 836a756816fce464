package dev.cvkit.detection.targets;

import dev.cvkit.nn.Functional;
import dev.cvkit.tensor.Tensor;
import java.util.List;

/**
 * Dense head outputs in anchor order. A head predicts k values per anchor as [N, A·k, H, W] per
 * level; training and decoding want one row per anchor, [N·ΣA, k], in the order of
 * {@link AnchorGenerator} — per image: levels in turn, positions row by row, the A anchors of a
 * position — as torchvision's permute_and_flatten + concatenation.
 */
public final class AnchorOrder {
    private AnchorOrder() {}

    /** The levels' outputs as [N·ΣA, k] rows, differentiable. */
    public static Tensor flatten(List<Tensor> levels, int k) {
        int n = levels.get(0).size(0), total = 0;
        for (Tensor t : levels) total += t.numel() / n / k;
        int[] idx = new int[n * total * k];
        Tensor[] flat = new Tensor[levels.size()];
        int[] bases = new int[levels.size()];
        int levelBase = 0;
        for (int l = 0; l < levels.size(); l++) {
            flat[l] = levels.get(l).reshape(levels.get(l).numel(), 1);
            bases[l] = levelBase;
            levelBase += levels.get(l).numel();
        }
        int o = 0;
        for (int i = 0; i < n; i++) {
            for (int l = 0; l < levels.size(); l++) {
                Tensor t = levels.get(l);
                int ak = t.size(1), a = ak / k, hw = t.size(2) * t.size(3);
                for (int q = 0; q < hw; q++) {
                    for (int an = 0; an < a; an++) {
                        for (int c = 0; c < k; c++) idx[o++] = bases[l] + (i * ak + an * k + c) * hw + q;
                    }
                }
            }
        }
        Tensor all = levels.size() == 1 ? flat[0] : Functional.concat(0, flat);
        return Functional.rows(all, idx).reshape(n * total, k);
    }
}
