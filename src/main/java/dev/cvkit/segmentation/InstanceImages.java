package dev.cvkit.segmentation;

import dev.cvkit.image.RgbImage;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;

/**
 * Pictures of instances: an overlay (each instance's mask tinted in its own colour, its outline
 * solid, its label and score on a dark tag at the top left of its box; the best-scored drawn
 * last so it stays on top) and one binary PNG per instance (0 outside, 255 inside).
 */
public final class InstanceImages {
    /** Share of the instance colour in a masked pixel. */
    static final double OPACITY = 0.45;

    private InstanceImages() {}

    /** Instance {@code k}'s colour {r, g, b}: hues spaced by the golden angle, so neighbours differ. */
    public static int[] colour(int k) {
        Color c = Color.getHSBColor((float) ((k * 0.618033988749895 + 0.08) % 1.0), 0.85f, 0.95f);
        return new int[] {c.getRed(), c.getGreen(), c.getBlue()};
    }

    public static BufferedImage overlay(RgbImage im, List<InstanceSegmenter.Instance> instances) {
        int w = im.width(), h = im.height();
        byte[] rgb = im.rgb();
        int[] px = new int[w * h];
        for (int q = 0; q < px.length; q++) px[q] = (rgb[3 * q] & 0xff) << 16 | (rgb[3 * q + 1] & 0xff) << 8 | (rgb[3 * q + 2] & 0xff);
        for (int k = instances.size() - 1; k >= 0; k--) {
            byte[] m = instances.get(k).mask();
            int[] c = colour(k);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int q = y * w + x;
                    if (m[q] == 0) continue;
                    boolean edge = x == 0 || y == 0 || x == w - 1 || y == h - 1 || m[q - 1] == 0 || m[q + 1] == 0 || m[q - w] == 0 || m[q + w] == 0;
                    double a = edge ? 1 : OPACITY;
                    int r = px[q] >> 16 & 0xff, g = px[q] >> 8 & 0xff, b = px[q] & 0xff;
                    px[q] = (int) Math.round(r * (1 - a) + c[0] * a) << 16 | (int) Math.round(g * (1 - a) + c[1] * a) << 8
                            | (int) Math.round(b * (1 - a) + c[2] * a);
                }
            }
        }
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        out.setRGB(0, 0, w, h, px, 0, w);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(9, Math.min(16, Math.min(w, h) / 14))));
            FontMetrics fm = g.getFontMetrics();
            for (int k = instances.size() - 1; k >= 0; k--) {
                InstanceSegmenter.Instance d = instances.get(k);
                int[] c = colour(k);
                g.setColor(new Color(c[0], c[1], c[2]));
                g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {3f, 2f}, 0f));
                int bx = Math.round(d.x1()), by = Math.round(d.y1());
                g.drawRect(bx, by, Math.max(1, Math.round(d.x2()) - bx - 1), Math.max(1, Math.round(d.y2()) - by - 1));
                String text = String.format(Locale.ROOT, "%s %.2f", d.label(), d.score());
                int tw = fm.stringWidth(text) + 4, th = fm.getAscent() + 2;
                int tx = Math.max(0, Math.min(bx, w - tw)), ty = by - th >= 0 ? by - th : Math.min(by, h - th);
                g.setColor(new Color(0, 0, 0, 170));
                g.fillRect(tx, ty, tw, th);
                g.setColor(new Color(c[0], c[1], c[2]));
                g.fillRect(tx, ty, 2, th);
                g.setColor(Color.WHITE);
                g.drawString(text, tx + 3, ty + fm.getAscent());
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    /** One instance's mask as an 8-bit grey PNG: 255 inside, 0 outside. */
    public static byte[] maskPng(InstanceSegmenter.Instance d) {
        byte[] v = new byte[d.mask().length];
        for (int q = 0; q < v.length; q++) v[q] = (byte) (d.mask()[q] != 0 ? 255 : 0);
        return LabelImages.greyPng(d.width(), d.height(), v);
    }
}
