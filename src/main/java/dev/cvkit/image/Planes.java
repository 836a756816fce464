package dev.cvkit.image;

/**
 * An image as unsigned 8-bit channel planes, row-major: {@code data[c][y * width + x]}.
 * {@code range[c]} is the number of values channel c can take (180 for OpenCV's 8-bit hue).
 */
public record Planes(int width, int height, byte[][] data, int[] range) {
    public int channels() { return data.length; }

    public int pixels() { return width * height; }

    /** Value at (pixel, channel) as 0..range-1. */
    public int at(int c, int i) { return data[c][i] & 0xFF; }
}
