package dev.cvkit.detection.rcnn;

import dev.cvkit.detection.targets.BoxCoder;
import dev.cvkit.structures.BoxOps;
import dev.cvkit.structures.ScoredBoxes;
import dev.cvkit.tensor.Parallel;
import dev.cvkit.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a region proposal network's outputs into proposals, as torchvision's
 * {@code RegionProposalNetwork} at inference: decode every anchor's deltas (weights 1, 1, 1, 1),
 * keep each level's {@code preNmsTopN} highest objectness logits, then per image: sigmoid,
 * clip to the image, drop boxes narrower or lower than {@code minSize}, drop scores below
 * {@code scoreThresh}, NMS per level ({@link BoxOps#batchedNms}), keep the first
 * {@code postNmsTopN}. Faster R-CNN's defaults: 1000 / 1000 (test), NMS 0.7, score 0, size 1e-3.
 *
 * <p>Head outputs are NCHW per level: objectness [N, A, H, W] and deltas [N, A·4, H, W]; they are
 * read in the anchors' order (positions row by row, then the A anchors of a position), which is
 * {@link dev.cvkit.detection.targets.AnchorGenerator}'s order.
 */
public final class RegionProposals {
    /** Selection settings (torchvision's names). */
    public record Params(int preNmsTopN, int postNmsTopN, float nmsThresh, float scoreThresh, float minSize) {
        public Params {
            if (preNmsTopN <= 0 || postNmsTopN <= 0) throw new IllegalArgumentException("proposals: top-n must be positive");
            if (!(nmsThresh >= 0 && nmsThresh <= 1)) throw new IllegalArgumentException("proposals: NMS threshold " + nmsThresh);
        }

        /** Faster R-CNN's test-time settings. */
        public static Params fasterRcnnTest() { return new Params(1000, 1000, 0.7f, 0f, 1e-3f); }
    }

    /** One image's proposals: boxes [K·4] (x1, y1, x2, y2) by descending score, scores [K]. */
    public record Proposals(float[] boxes, float[] scores) {
        public int count() { return scores.length; }
    }

    private final BoxCoder coder = new BoxCoder(1f, 1f, 1f, 1f);
    private final Params params;

    public RegionProposals(Params params) { this.params = params; }

    /**
     * @param objectness per level [N, A, H, W] logits
     * @param deltas per level [N, A·4, H, W]
     * @param anchors the anchors of one image [ΣA·H·W·4] (every image of the batch shares them)
     * @param imageSizes per image {height, width} before padding
     */
    public List<Proposals> propose(List<Tensor> objectness, List<Tensor> deltas, float[] anchors, int[][] imageSizes) {
        if (objectness.size() != deltas.size() || objectness.isEmpty()) {
            throw new IllegalArgumentException("proposals: " + objectness.size() + " objectness and " + deltas.size() + " delta levels");
        }
        int n = objectness.get(0).size(0);
        if (imageSizes.length != n) throw new IllegalArgumentException("proposals: " + n + " images but " + imageSizes.length + " sizes");
        int levels = objectness.size();
        int[] perLevel = new int[levels];
        int total = 0;
        for (int l = 0; l < levels; l++) {
            Tensor o = objectness.get(l), d = deltas.get(l);
            if (o.dim() != 4 || d.dim() != 4 || o.size(0) != n || d.size(0) != n || d.size(1) != 4 * o.size(1)
                    || d.size(2) != o.size(2) || d.size(3) != o.size(3)) {
                throw new IllegalArgumentException("proposals: objectness " + o + " and deltas " + d + " do not match");
            }
            perLevel[l] = o.size(1) * o.size(2) * o.size(3);
            total += perLevel[l];
        }
        if (anchors.length != total * 4) {
            throw new IllegalArgumentException("proposals: " + anchors.length / 4 + " anchors for " + total + " predictions");
        }
        // images are independent (each its own arrays, sort and NMS): one task each, so a
        // training step's proposal selection is not serial on the calling thread
        Proposals[] out = new Proposals[n];
        final int all = total;
        Parallel.forEach(n, i -> {
            float[] logits = new float[all], codes = new float[all * 4];
            for (int l = 0, base = 0; l < levels; base += perLevel[l], l++) {
                gather(objectness.get(l), deltas.get(l), i, logits, codes, base);
            }
            float[] boxes = coder.decode(codes, anchors);
            out[i] = select(logits, boxes, perLevel, imageSizes[i]);
        });
        return new ArrayList<>(java.util.Arrays.asList(out));
    }

    /** Image i's logits and deltas of one level, in anchor order (y, x, a), at prediction offset base. */
    private static void gather(Tensor obj, Tensor del, int i, float[] logits, float[] codes, int base) {
        int a = obj.size(1), h = obj.size(2), w = obj.size(3), hw = h * w;
        float[] o = obj.data(), d = del.data();
        int oOff = i * a * hw, dOff = i * a * 4 * hw;
        for (int q = 0; q < hw; q++) {
            for (int k = 0; k < a; k++) {
                int r = base + q * a + k;
                logits[r] = o[oOff + k * hw + q];
                for (int c = 0; c < 4; c++) codes[4 * r + c] = d[dOff + (k * 4 + c) * hw + q];
            }
        }
    }

    /**
     * Indices base … base + count − 1 ordered by logits descending in {@link Float#compare}'s
     * order (NaN first, +0 before −0), equal logits in index order: what a stable sort with that
     * comparator gives, as one primitive sort of (inverted order key, index) longs instead of a
     * sort of boxed indices.
     */
    static int[] byLogitDescending(float[] logits, int base, int count) {
        long[] keys = new long[count];
        for (int j = 0; j < count; j++) {
            int bits = Float.floatToIntBits(logits[base + j]);
            int order = bits ^ ((bits >> 31) & 0x7fffffff); // signed int order = Float.compare's order
            keys[j] = ((long) ~order << 32) | j;
        }
        java.util.Arrays.sort(keys);
        int[] idx = new int[count];
        for (int j = 0; j < count; j++) idx[j] = base + (int) keys[j];
        return idx;
    }

    private Proposals select(float[] logits, float[] boxes, int[] perLevel, int[] size) {
        // each level's top-n logits, highest first (levels in order, as torchvision's cat)
        List<Integer> picked = new ArrayList<>();
        List<Integer> level = new ArrayList<>();
        for (int l = 0, base = 0; l < perLevel.length; base += perLevel[l], l++) {
            int[] idx = byLogitDescending(logits, base, perLevel[l]);
            for (int j = 0; j < Math.min(params.preNmsTopN(), idx.length); j++) {
                picked.add(idx[j]);
                level.add(l);
            }
        }
        float h = size[0], w = size[1];
        int m = picked.size(), kept = 0;
        float[] b = new float[m * 4], s = new float[m];
        int[] lv = new int[m];
        for (int j = 0; j < m; j++) {
            int r = picked.get(j);
            float x1 = BoxOps.clampToImage(boxes[4 * r], w), y1 = BoxOps.clampToImage(boxes[4 * r + 1], h);
            float x2 = BoxOps.clampToImage(boxes[4 * r + 2], w), y2 = BoxOps.clampToImage(boxes[4 * r + 3], h);
            float score = (float) (1 / (1 + Math.exp(-logits[r])));
            if (!(x2 - x1 >= params.minSize() && y2 - y1 >= params.minSize())) continue;
            if (!(score >= params.scoreThresh())) continue;
            b[4 * kept] = x1;
            b[4 * kept + 1] = y1;
            b[4 * kept + 2] = x2;
            b[4 * kept + 3] = y2;
            s[kept] = score;
            lv[kept++] = level.get(j);
        }
        b = java.util.Arrays.copyOf(b, kept * 4);
        s = java.util.Arrays.copyOf(s, kept);
        lv = java.util.Arrays.copyOf(lv, kept);
        ScoredBoxes survivors = ScoredBoxes.nmsPerLabel(b, s, lv, params.nmsThresh(), params.postNmsTopN());
        return new Proposals(survivors.boxes(), survivors.scores());
    }

}
