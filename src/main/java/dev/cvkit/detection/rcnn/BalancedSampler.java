package dev.cvkit.detection.rcnn;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks the anchors or proposals an image trains on, as torchvision's
 * {@code BalancedPositiveNegativeSampler}: up to ⌊batch·fraction⌋ positives (label ≥ 1), then
 * negatives (label 0) to fill the batch, each drawn uniformly without replacement; ignored rows
 * (−1) never. RPN: 256 per image, half positive; box head: 512, a quarter.
 *
 * <p>The draws come from a {@link SplittableRandom} the caller seeds (torch's randperm cannot be
 * reproduced), so a training run is repeatable from its seed; the counts follow torchvision.
 */
public final class BalancedSampler {
    private final int batchPerImage;
    private final float positiveFraction;

    public BalancedSampler(int batchPerImage, float positiveFraction) {
        if (batchPerImage <= 0 || !(positiveFraction >= 0 && positiveFraction <= 1)) {
            throw new IllegalArgumentException("sampler: batch " + batchPerImage + ", positive fraction " + positiveFraction);
        }
        this.batchPerImage = batchPerImage;
        this.positiveFraction = positiveFraction;
    }

    /** Sampled rows of one image: positives and negatives, each ascending. */
    public record Sample(int[] positives, int[] negatives) {}

    public Sample sample(float[] labels, SplittableRandom rng) {
        int np = 0, nn = 0;
        for (float l : labels) {
            if (l >= 1) np++;
            else if (l == 0) nn++;
        }
        int[] pos = new int[np], neg = new int[nn];
        for (int i = 0, a = 0, b = 0; i < labels.length; i++) {
            if (labels[i] >= 1) pos[a++] = i;
            else if (labels[i] == 0) neg[b++] = i;
        }
        int wantPos = Math.min((int) (batchPerImage * positiveFraction), np);
        int wantNeg = Math.min(batchPerImage - wantPos, nn);
        return new Sample(pick(pos, wantPos, rng), pick(neg, wantNeg, rng));
    }

    /** k of {@code from} without replacement (a partial Fisher–Yates shuffle), returned ascending. */
    private static int[] pick(int[] from, int k, SplittableRandom rng) {
        int[] a = from.clone();
        for (int i = 0; i < k; i++) {
            int j = i + rng.nextInt(a.length - i);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        int[] out = Arrays.copyOf(a, k);
        Arrays.sort(out);
        return out;
    }
}
