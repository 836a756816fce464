package dev.cvkit.detection.rcnnsvm;

import dev.cvkit.image.RgbImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The regions R-CNN fine-tunes its CNN on: an image's proposals labelled by their best
 * ground-truth box (IoU ≥ 0.5: its class, else background 0), the ground-truth boxes added as
 * positives; up to 8 positives and three background regions per positive (at least 3), the
 * paper's 32 : 96 per 128, warped with context and mirrored at random.
 */
final class RegionSampler {
    static final int POSITIVES = 8, NEGATIVES_PER_POSITIVE = 3;
    static final float FG_IOU = 0.5f;

    /** Warped regions [n, 3, S, S] and their labels. */
    record Regions(float[] crops, int[] labels) {}

    private RegionSampler() {}

    static Regions sample(Warp warp, RgbImage img, float[] props, float[] gt, int[] gtLabels, SplittableRandom r, boolean mirror) {
        Overlaps.Match m = Overlaps.match(props, gt);
        List<float[]> fg = new ArrayList<>(), bg = new ArrayList<>();
        List<Integer> fgLabels = new ArrayList<>();
        for (int j = 0; j < gtLabels.length; j++) {
            fg.add(Arrays.copyOfRange(gt, 4 * j, 4 * j + 4));
            fgLabels.add(gtLabels[j]);
        }
        for (int i = 0; i < props.length / 4; i++) {
            float[] b = Arrays.copyOfRange(props, 4 * i, 4 * i + 4);
            if (m.iou()[i] >= FG_IOU) {
                fg.add(b);
                fgLabels.add(gtLabels[m.best()[i]]);
            } else {
                bg.add(b);
            }
        }
        int[] fi = pick(fg.size(), POSITIVES, r);
        int[] bi = pick(bg.size(), NEGATIVES_PER_POSITIVE * Math.max(1, fi.length), r);
        int n = fi.length + bi.length, f = warp.floats();
        float[] crops = new float[n * f];
        int[] labels = new int[n];
        for (int k = 0; k < n; k++) {
            boolean isFg = k < fi.length;
            float[] box = isFg ? fg.get(fi[k]) : bg.get(bi[k - fi.length]);
            labels[k] = isFg ? fgLabels.get(fi[k]) : 0;
            warp.crop(img, box, 0, mirror && r.nextBoolean(), crops, k * f);
        }
        return new Regions(crops, labels);
    }

    /** min(n, want) distinct indices of 0..n−1, drawn without replacement. */
    private static int[] pick(int n, int want, SplittableRandom r) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        int k = Math.min(n, want);
        for (int i = 0; i < k; i++) {
            int j = i + r.nextInt(n - i), t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return Arrays.copyOf(p, k);
    }

    /** The regions of several images as one batch. */
    static Regions concat(List<Regions> parts, int floats) {
        int n = 0;
        for (Regions p : parts) n += p.labels().length;
        float[] crops = new float[n * floats];
        int[] labels = new int[n];
        int at = 0;
        for (Regions p : parts) {
            System.arraycopy(p.crops(), 0, crops, at * floats, p.crops().length);
            System.arraycopy(p.labels(), 0, labels, at, p.labels().length);
            at += p.labels().length;
        }
        return new Regions(crops, labels);
    }
}
