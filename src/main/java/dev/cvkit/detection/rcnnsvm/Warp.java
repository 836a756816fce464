package dev.cvkit.detection.rcnnsvm;

import dev.cvkit.image.RgbImage;

/**
 * R-CNN's warped region: the box is stretched, whatever its aspect, to a {@code size} ×
 * {@code size} input with {@code context} pixels of the image around it on every side (the
 * paper's "p = 16" at 227 px; outside the image the input is 0, the image mean after
 * normalisation). Sampling is bilinear; values are (v/255 − 0.5)/0.25 per channel.
 *
 * @param size    the crop side in pixels
 * @param context the padding of surrounding image, in crop pixels
 */
public record Warp(int size, int context) {
    public Warp {
        if (size < 8 || size > 512) throw new IllegalArgumentException("warp size " + size + " is not in 8..512");
        if (context < 0 || 2 * context >= size) throw new IllegalArgumentException("warp context " + context + " does not fit a " + size + " px crop");
    }

    /** Floats per crop (3 · size²). */
    public int floats() { return 3 * size * size; }

    /**
     * Writes the crop of {@code box} (x1, y1, x2, y2 at {@code b}) into {@code out} at
     * {@code offset} as [3, size, size]; {@code mirror} flips it left to right.
     */
    public void crop(RgbImage img, float[] box, int b, boolean mirror, float[] out, int offset) {
        int inner = size - 2 * context;
        double bw = Math.max(1.0, box[b + 2] - box[b]), bh = Math.max(1.0, box[b + 3] - box[b + 1]);
        double sx = bw / inner, sy = bh / inner;
        double x0 = box[b] - context * sx, y0 = box[b + 1] - context * sy;
        int w = img.width(), h = img.height(), plane = size * size;
        byte[] p = img.rgb();
        for (int v = 0; v < size; v++) {
            double fy = y0 + (v + 0.5) * sy - 0.5;
            for (int u = 0; u < size; u++) {
                double fx = x0 + (u + 0.5) * sx - 0.5;
                int q = offset + v * size + (mirror ? size - 1 - u : u);
                if (fx < -0.5 || fy < -0.5 || fx > w - 0.5 || fy > h - 0.5) {
                    out[q] = 0;
                    out[q + plane] = 0;
                    out[q + 2 * plane] = 0;
                    continue;
                }
                double cx = Math.min(Math.max(fx, 0), w - 1), cy = Math.min(Math.max(fy, 0), h - 1);
                int ix = (int) cx, iy = (int) cy;
                int ix1 = Math.min(ix + 1, w - 1), iy1 = Math.min(iy + 1, h - 1);
                double ax = cx - ix, ay = cy - iy;
                int p00 = 3 * (iy * w + ix), p01 = 3 * (iy * w + ix1), p10 = 3 * (iy1 * w + ix), p11 = 3 * (iy1 * w + ix1);
                for (int c = 0; c < 3; c++) {
                    double top = (p[p00 + c] & 0xff) * (1 - ax) + (p[p01 + c] & 0xff) * ax;
                    double bottom = (p[p10 + c] & 0xff) * (1 - ax) + (p[p11 + c] & 0xff) * ax;
                    double value = top * (1 - ay) + bottom * ay;
                    out[q + c * plane] = (float) ((value / 255.0 - 0.5) / 0.25);
                }
            }
        }
    }
}
