package dev.cvkit.proposals;

import dev.cvkit.image.Gradients;
import dev.cvkit.image.Planes;

/**
 * Features of the regions of one hierarchy: the initial segments first, then one new region per
 * merge (capacity 2N−1). Histograms are L1-normalised; a merged region's histogram is the
 * size-weighted mean of its parts, which equals the histogram of the union.
 */
final class RegionSet {
    static final int COLOUR_BINS = 25;
    static final int TEXTURE_BINS = 10;

    final int capacity;
    final int colourDims;
    final int textureDims;
    final int[] size;
    final int[] x0;
    final int[] y0;
    final int[] x1; // inclusive
    final int[] y1; // inclusive
    final float[] colour;
    final float[] texture;
    int count;

    private RegionSet(int initial, int colourDims, int textureDims) {
        this.capacity = Math.max(1, 2 * initial - 1);
        this.colourDims = colourDims;
        this.textureDims = textureDims;
        size = new int[capacity];
        x0 = new int[capacity];
        y0 = new int[capacity];
        x1 = new int[capacity];
        y1 = new int[capacity];
        colour = new float[capacity * colourDims];
        texture = new float[capacity * textureDims];
        count = initial;
    }

    /**
     * Builds the initial regions from a label image.
     *
     * @param labels   segment id per pixel, 0..n-1
     * @param n        number of segments
     * @param planes   the colour planes the histograms are taken from
     * @param texBins  {@link Gradients#orientedBins} of the same planes
     */
    static RegionSet fromLabels(int[] labels, int n, Planes planes, byte[][] texBins) {
        int ch = planes.channels();
        RegionSet r = new RegionSet(n, ch * COLOUR_BINS, texBins.length * TEXTURE_BINS);
        java.util.Arrays.fill(r.x0, 0, n, Integer.MAX_VALUE);
        java.util.Arrays.fill(r.y0, 0, n, Integer.MAX_VALUE);
        java.util.Arrays.fill(r.x1, 0, n, -1);
        java.util.Arrays.fill(r.y1, 0, n, -1);
        int w = planes.width();
        int[] binOf = new int[ch * 256];
        for (int c = 0; c < ch; c++) {
            int range = planes.range()[c];
            for (int v = 0; v < 256; v++) {
                binOf[c * 256 + v] = Math.min(COLOUR_BINS - 1, v * COLOUR_BINS / range);
            }
        }
        int cd = r.colourDims;
        int td = r.textureDims;
        int tChannels = texBins.length;
        for (int i = 0; i < labels.length; i++) {
            int l = labels[i];
            int x = i % w;
            int y = i / w;
            r.size[l]++;
            if (x < r.x0[l]) r.x0[l] = x;
            if (y < r.y0[l]) r.y0[l] = y;
            if (x > r.x1[l]) r.x1[l] = x;
            if (y > r.y1[l]) r.y1[l] = y;
            int cb = l * cd;
            for (int c = 0; c < ch; c++) {
                r.colour[cb + c * COLOUR_BINS + binOf[c * 256 + planes.at(c, i)]] += 1f;
            }
            int tb = l * td;
            for (int t = 0; t < tChannels; t++) {
                r.texture[tb + t * TEXTURE_BINS + texBins[t][i]] += 1f;
            }
        }
        for (int l = 0; l < n; l++) {
            normalise(r.colour, l * cd, cd);
            normalise(r.texture, l * td, td);
        }
        return r;
    }

    private static void normalise(float[] h, int off, int len) {
        double s = 0;
        for (int i = 0; i < len; i++) {
            s += h[off + i];
        }
        if (s > 0) {
            float inv = (float) (1.0 / s);
            for (int i = 0; i < len; i++) {
                h[off + i] *= inv;
            }
        }
    }

    /** Adds the union of regions a and b; returns its index. */
    int merge(int a, int b) {
        int t = count++;
        size[t] = size[a] + size[b];
        x0[t] = Math.min(x0[a], x0[b]);
        y0[t] = Math.min(y0[a], y0[b]);
        x1[t] = Math.max(x1[a], x1[b]);
        y1[t] = Math.max(y1[a], y1[b]);
        float wa = (float) size[a] / size[t];
        float wb = (float) size[b] / size[t];
        mix(colour, colourDims, a, b, t, wa, wb);
        mix(texture, textureDims, a, b, t, wa, wb);
        return t;
    }

    private static void mix(float[] h, int d, int a, int b, int t, float wa, float wb) {
        int oa = a * d;
        int ob = b * d;
        int ot = t * d;
        for (int i = 0; i < d; i++) {
            h[ot + i] = wa * h[oa + i] + wb * h[ob + i];
        }
    }

    static float intersection(float[] h, int d, int a, int b) {
        int oa = a * d;
        int ob = b * d;
        float s = 0f;
        for (int i = 0; i < d; i++) {
            s += Math.min(h[oa + i], h[ob + i]);
        }
        return s;
    }

    long boxArea(int a, int b) {
        long w = Math.max(x1[a], x1[b]) - Math.min(x0[a], x0[b]) + 1L;
        long h = Math.max(y1[a], y1[b]) - Math.min(y0[a], y0[b]) + 1L;
        return w * h;
    }
}
