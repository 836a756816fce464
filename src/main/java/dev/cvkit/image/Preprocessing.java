package dev.cvkit.image;

import java.util.Arrays;

/**
 * How an image becomes a model's input tensor, stored in the model file so that training,
 * {@code classify} and {@code eval} prepare images the same way:
 * <ol>
 *   <li>convert to {@code channels} (1: gray; 3: RGB, the order torchvision models expect);</li>
 *   <li>if {@code resize > 0}: scale (bilinear) so the shorter side is {@code resize}, then take the
 *       centre {@code height×width} crop (zero padding where the image is smaller); if
 *       {@code resize == 0}: scale directly to {@code height×width} unless already that size;</li>
 *   <li>values to [0, 1], then {@code (v - mean[c]) / std[c]}, laid out CHW.</li>
 * </ol>
 *
 * @param channels 1 or 3
 * @param resize   shorter-side size before the centre crop, or 0
 * @param height   input height of the model
 * @param width    input width of the model
 * @param mean     per channel, length {@code channels}
 * @param std      per channel, length {@code channels}, all positive
 */
public record Preprocessing(int channels, int resize, int height, int width, float[] mean, float[] std) {
    /**
     * The largest model input side. Far above any classifier's (224 … 600), low enough that a
     * hostile config cannot make one image's tensor take gigabytes.
     */
    public static final int MAX_SIDE = 4096;

    public Preprocessing {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        if (height < 1 || width < 1 || resize < 0 || height > MAX_SIDE || width > MAX_SIDE || resize > 2 * MAX_SIDE) {
            throw new IllegalArgumentException("input size " + height + "x" + width + " (resize " + resize
                    + ") is outside 1 … " + MAX_SIDE + " pixels a side");
        }
        if (mean.length != channels || std.length != channels) {
            throw new IllegalArgumentException("mean/std need " + channels + " values");
        }
        for (float m : mean) {
            if (!Float.isFinite(m)) {
                throw new IllegalArgumentException("mean must be finite, got " + Arrays.toString(mean));
            }
        }
        for (float s : std) {
            if (!(s > 0) || !Float.isFinite(s)) {
                throw new IllegalArgumentException("std must be positive, got " + Arrays.toString(std));
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    /** Floats per image: channels × height × width. */
    public int sampleSize() {
        return channels * height * width;
    }

    @Override
    public float[] mean() { return mean.clone(); }

    @Override
    public float[] std() { return std.clone(); }

    @Override
    public boolean equals(Object o) {
        return o instanceof Preprocessing p && p.channels == channels && p.resize == resize && p.height == height
                && p.width == width && Arrays.equals(p.mean, mean) && Arrays.equals(p.std, std);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * channels + resize) + height) + width + Arrays.hashCode(mean) * 7 + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "Preprocessing[channels=" + channels + ", resize=" + resize + ", " + height + "x" + width
                + ", mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + "]";
    }
}
