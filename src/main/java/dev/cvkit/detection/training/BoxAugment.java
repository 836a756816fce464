package dev.cvkit.detection.training;

import dev.cvkit.ExitCodes;
import dev.cvkit.UserError;
import dev.cvkit.image.RgbImage;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Training augmentation for detection, applied to an image and its boxes together so that the
 * boxes stay exact: {@code hflip} and {@code vflip} (each with probability ½), {@code color}
 * (brightness, contrast and saturation jitter of ±25 %, boxes unchanged) and {@code scale}
 * (zoom by 0.75–1.25 about a random point: a zoomed-in crop or a zoomed-out image on a grey
 * canvas; a box keeps its clipped part when at least 40 % of it stays visible) and {@code mosaic}
 * (half of the samples become a {@link Mosaic} of four training images, before the others
 * apply; done by the trainer, which reads the other images). Spec: a comma list of those names,
 * or {@code none}.
 */
public record BoxAugment(boolean hflip, boolean vflip, boolean color, boolean scale, boolean mosaic) {
    public static final String DEFAULT = "hflip,vflip";

    /** An image and its boxes (x1, y1, x2, y2) with their labels after augmentation. */
    public record Sample(RgbImage image, float[] boxes, int[] labels) {}

    public static BoxAugment parse(String spec) {
        Set<String> parts = new LinkedHashSet<>();
        for (String p : spec.toLowerCase(Locale.ROOT).split(",")) if (!p.isBlank()) parts.add(p.strip());
        if (parts.remove("none") && !parts.isEmpty()) throw new UserError("--augment: 'none' cannot be combined", ExitCodes.USAGE);
        BoxAugment a = new BoxAugment(parts.remove("hflip") | parts.remove("flip"), parts.remove("vflip"), parts.remove("color"),
                parts.remove("scale"), parts.remove("mosaic"));
        if (!parts.isEmpty()) {
            throw new UserError("--augment: unknown '" + String.join(",", parts) + "' (use hflip, vflip, color, scale, mosaic or none)", ExitCodes.USAGE);
        }
        return a;
    }

    public String spec() {
        StringBuilder sb = new StringBuilder();
        if (hflip) sb.append(",hflip");
        if (vflip) sb.append(",vflip");
        if (color) sb.append(",color");
        if (scale) sb.append(",scale");
        if (mosaic) sb.append(",mosaic");
        return sb.length() == 0 ? "none" : sb.substring(1);
    }

    public Sample apply(RgbImage img, float[] boxes, int[] labels, SplittableRandom r) {
        int w = img.width(), h = img.height();
        byte[] px = img.rgb();
        float[] b = boxes.clone();
        int[] l = labels;
        // every draw is made whether or not its augmentation is on, so enabling one does not shift the others
        boolean fx = r.nextBoolean(), fy = r.nextBoolean();
        double bright = r.nextDouble(), contrast = r.nextDouble(), sat = r.nextDouble();
        double zoom = 0.75 + 0.5 * r.nextDouble(), ax = r.nextDouble(), ay = r.nextDouble();
        if (hflip && fx) {
            px = flip(px, w, h, true);
            for (int k = 0; k < b.length; k += 4) {
                float x1 = b[k];
                b[k] = w - b[k + 2];
                b[k + 2] = w - x1;
            }
        }
        if (vflip && fy) {
            px = flip(px, w, h, false);
            for (int k = 0; k < b.length; k += 4) {
                float y1 = b[k + 1];
                b[k + 1] = h - b[k + 3];
                b[k + 3] = h - y1;
            }
        }
        if (color) px = jitter(px, 1 + 0.5 * (bright - 0.5), 1 + 0.5 * (contrast - 0.5), 1 + 0.5 * (sat - 0.5));
        if (scale) {
            Sample s = zoom(new RgbImage(w, h, px), b, l, zoom, ax, ay);
            return s;
        }
        return new Sample(new RgbImage(w, h, px), b, l);
    }

    /**
     * The geometric part of {@link #apply} for other boxes of the same image (Fast R-CNN's
     * proposals), from a generator seeded as the one given to apply: flipped and zoomed alike,
     * clipped to the image, only degenerate ones dropped.
     */
    public float[] boxesOnly(float[] boxes, int w, int h, SplittableRandom r) {
        boolean fx = r.nextBoolean(), fy = r.nextBoolean();
        r.nextDouble();
        r.nextDouble();
        r.nextDouble();
        double zoom = 0.75 + 0.5 * r.nextDouble(), ax = r.nextDouble(), ay = r.nextDouble();
        float[] b = boxes.clone();
        for (int k = 0; k < b.length; k += 4) {
            if (hflip && fx) {
                float x1 = b[k];
                b[k] = w - b[k + 2];
                b[k + 2] = w - x1;
            }
            if (vflip && fy) {
                float y1 = b[k + 1];
                b[k + 1] = h - b[k + 3];
                b[k + 3] = h - y1;
            }
        }
        if (!scale) return b;
        double cx = ax * w, cy = ay * h;
        float[] out = new float[b.length];
        int kept = 0;
        for (int k = 0; k < b.length; k += 4) {
            double x1 = Math.max(0, cx + (b[k] - cx) * zoom), y1 = Math.max(0, cy + (b[k + 1] - cy) * zoom);
            double x2 = Math.min(w, cx + (b[k + 2] - cx) * zoom), y2 = Math.min(h, cy + (b[k + 3] - cy) * zoom);
            if (x2 - x1 < 1 || y2 - y1 < 1) continue;
            out[kept++] = (float) x1;
            out[kept++] = (float) y1;
            out[kept++] = (float) x2;
            out[kept++] = (float) y2;
        }
        return java.util.Arrays.copyOf(out, kept);
    }

    private static byte[] flip(byte[] p, int w, int h, boolean horizontal) {
        byte[] o = new byte[p.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int sx = horizontal ? w - 1 - x : x, sy = horizontal ? y : h - 1 - y;
                System.arraycopy(p, 3 * (sy * w + sx), o, 3 * (y * w + x), 3);
            }
        }
        return o;
    }

    private static byte[] jitter(byte[] p, double brightness, double contrast, double saturation) {
        double mean = 0;
        for (int i = 0; i < p.length; i += 3) mean += 0.299 * (p[i] & 0xff) + 0.587 * (p[i + 1] & 0xff) + 0.114 * (p[i + 2] & 0xff);
        mean /= Math.max(1, p.length / 3);
        byte[] o = new byte[p.length];
        for (int i = 0; i < p.length; i += 3) {
            double r = (p[i] & 0xff) * brightness, g = (p[i + 1] & 0xff) * brightness, b = (p[i + 2] & 0xff) * brightness;
            double grey = 0.299 * r + 0.587 * g + 0.114 * b;
            double[] c = {grey + (r - grey) * saturation, grey + (g - grey) * saturation, grey + (b - grey) * saturation};
            for (int k = 0; k < 3; k++) o[i + k] = (byte) Math.max(0, Math.min(255, Math.round(mean * brightness + (c[k] - mean * brightness) * contrast)));
        }
        return o;
    }

    /** Zoom by {@code z} about (ax·w, ay·h), nearest-neighbour, keeping the image size. */
    private static Sample zoom(RgbImage img, float[] b, int[] l, double z, double ax, double ay) {
        int w = img.width(), h = img.height();
        double cx = ax * w, cy = ay * h;
        byte[] p = img.rgb(), o = new byte[p.length];
        java.util.Arrays.fill(o, (byte) 114);
        for (int y = 0; y < h; y++) {
            int sy = (int) Math.floor(cy + (y + 0.5 - cy) / z);
            if (sy < 0 || sy >= h) continue;
            for (int x = 0; x < w; x++) {
                int sx = (int) Math.floor(cx + (x + 0.5 - cx) / z);
                if (sx >= 0 && sx < w) System.arraycopy(p, 3 * (sy * w + sx), o, 3 * (y * w + x), 3);
            }
        }
        float[] nb = new float[b.length];
        int[] nl = new int[l.length];
        int kept = 0;
        for (int k = 0; k < l.length; k++) {
            double x1 = cx + (b[4 * k] - cx) * z, y1 = cy + (b[4 * k + 1] - cy) * z;
            double x2 = cx + (b[4 * k + 2] - cx) * z, y2 = cy + (b[4 * k + 3] - cy) * z;
            double area = (x2 - x1) * (y2 - y1);
            double qx1 = Math.max(0, x1), qy1 = Math.max(0, y1), qx2 = Math.min(w, x2), qy2 = Math.min(h, y2);
            if (qx2 - qx1 < 1 || qy2 - qy1 < 1 || (qx2 - qx1) * (qy2 - qy1) < 0.4 * area) continue;
            nb[4 * kept] = (float) qx1;
            nb[4 * kept + 1] = (float) qy1;
            nb[4 * kept + 2] = (float) qx2;
            nb[4 * kept + 3] = (float) qy2;
            nl[kept++] = l[k];
        }
        return new Sample(new RgbImage(w, h, o), java.util.Arrays.copyOf(nb, 4 * kept), java.util.Arrays.copyOf(nl, kept));
    }
}
