package dev.cvkit.detection.training;

import dev.cvkit.image.RgbImage;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Mosaic augmentation (YOLOv4; Ultralytics' default): four images in one. A centre (cx, cy) is
 * drawn in the middle half of the w × h output; the four images fill the quadrants around it
 * (top-left, top-right, bottom-left, bottom-right), each zoomed by its own factor in [0.5, 1.5]
 * and placed with the corner that faces the centre on the centre, so a quadrant shows the part
 * of its image nearest that corner; what no image covers is grey (114).
 *
 * <p>Boxes stay exact: a box moves with its image's zoom and offset (x' = ox + z·x), is clipped to
 * its quadrant, and is kept exactly when at least 1 px of it shows on each side (the rule the data
 * readers use for boxes cut by the image border). Pixels are sampled nearest-neighbour with the
 * same mapping, so a kept box frames the pixels its object shows.
 */
public final class Mosaic {
    static final byte GREY = (byte) 114;

    private Mosaic() {}

    /** Four images and their boxes (x1, y1, x2, y2 in their pixels) into one w × h sample; 6 draws from r. */
    public static BoxAugment.Sample combine(List<BoxAugment.Sample> four, int w, int h, SplittableRandom r) {
        if (four.size() != 4) throw new IllegalArgumentException("mosaic: " + four.size() + " images, need 4");
        int cx = (int) Math.round(w * (0.25 + 0.5 * r.nextDouble())), cy = (int) Math.round(h * (0.25 + 0.5 * r.nextDouble()));
        double[] zoom = new double[4];
        for (int k = 0; k < 4; k++) zoom[k] = 0.5 + r.nextDouble();
        byte[] out = new byte[3 * w * h];
        Arrays.fill(out, GREY);
        int total = 0;
        for (BoxAugment.Sample s : four) total += s.labels().length;
        float[] boxes = new float[4 * total];
        int[] labels = new int[total];
        int kept = 0;
        for (int k = 0; k < 4; k++) {
            BoxAugment.Sample s = four.get(k);
            Tile t = tile(k, cx, cy, w, h, s.image().width(), s.image().height(), zoom[k]);
            paste(s.image(), t, out, w);
            for (int b = 0; b < s.labels().length; b++) {
                float[] box = t.place(s.boxes(), 4 * b);
                if (box == null) continue;
                System.arraycopy(box, 0, boxes, 4 * kept, 4);
                labels[kept++] = s.labels()[b];
            }
        }
        return new BoxAugment.Sample(new RgbImage(w, h, out), Arrays.copyOf(boxes, 4 * kept), Arrays.copyOf(labels, kept));
    }

    /**
     * Where image k goes: the quadrant [x1, x2) × [y1, y2) of the output, its zoom z and the
     * offset (ox, oy) of its top-left corner.
     */
    record Tile(int x1, int y1, int x2, int y2, double z, double ox, double oy) {
        /** A box of the image in output pixels, clipped to the quadrant; null when less than 1 px of it shows on a side. */
        float[] place(float[] b, int o) {
            double bx1 = Math.max(x1, ox + z * b[o]), by1 = Math.max(y1, oy + z * b[o + 1]);
            double bx2 = Math.min(x2, ox + z * b[o + 2]), by2 = Math.min(y2, oy + z * b[o + 3]);
            if (bx2 - bx1 < 1 || by2 - by1 < 1) return null;
            return new float[] {(float) bx1, (float) by1, (float) bx2, (float) by2};
        }
    }

    static Tile tile(int k, int cx, int cy, int w, int h, int iw, int ih, double z) {
        boolean right = k == 1 || k == 3, bottom = k >= 2;
        return new Tile(right ? cx : 0, bottom ? cy : 0, right ? w : cx, bottom ? h : cy, z,
                right ? cx : cx - z * iw, bottom ? cy : cy - z * ih);
    }

    private static void paste(RgbImage img, Tile t, byte[] out, int w) {
        int iw = img.width(), ih = img.height();
        byte[] p = img.rgb();
        for (int y = t.y1(); y < t.y2(); y++) {
            int sy = (int) Math.floor((y + 0.5 - t.oy()) / t.z());
            if (sy < 0 || sy >= ih) continue;
            for (int x = t.x1(); x < t.x2(); x++) {
                int sx = (int) Math.floor((x + 0.5 - t.ox()) / t.z());
                if (sx >= 0 && sx < iw) System.arraycopy(p, 3 * (sy * iw + sx), out, 3 * (y * w + x), 3);
            }
        }
    }
}
