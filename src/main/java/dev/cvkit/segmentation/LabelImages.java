package dev.cvkit.segmentation;

import dev.cvkit.image.RgbImage;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Pictures of label maps: palette PNGs holding the class index per pixel (the colours of PASCAL
 * VOC's palette, so VOC tools show them alike), and overlays of a label map on its image with a
 * legend of the classes it shows.
 */
public final class LabelImages {
    /** Share of the class colour in an overlay pixel. */
    static final double OPACITY = 0.55;

    private LabelImages() {}

    /** PASCAL VOC's colour map: entry {@code i} as {r, g, b}, from the bits of i. */
    public static int[] colour(int i) {
        int r = 0, g = 0, b = 0, c = i;
        for (int j = 0; j < 8; j++) {
            r |= ((c >> 0) & 1) << (7 - j);
            g |= ((c >> 1) & 1) << (7 - j);
            b |= ((c >> 2) & 1) << (7 - j);
            c >>= 3;
        }
        return new int[] {r, g, b};
    }

    /** An 8-bit palette PNG whose pixel values are the class indices. */
    public static byte[] palettePng(SemanticSegmenter.Labels labels) {
        byte[] r = new byte[256], g = new byte[256], b = new byte[256];
        for (int i = 0; i < 256; i++) {
            int[] c = colour(i);
            r[i] = (byte) c[0];
            g[i] = (byte) c[1];
            b[i] = (byte) c[2];
        }
        BufferedImage img = new BufferedImage(labels.width(), labels.height(), BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(8, 256, r, g, b));
        img.getRaster().setDataElements(0, 0, labels.width(), labels.height(), labels.map());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(img, "png", out)) throw new IllegalStateException("no PNG writer");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** An 8-bit greyscale PNG of row-major {@code width × height} values (soft masks). */
    public static byte[] greyPng(int width, int height, byte[] values) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setDataElements(0, 0, width, height, values);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(img, "png", out)) throw new IllegalStateException("no PNG writer");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * The image with each non-background pixel tinted by its class colour, class borders drawn
     * solid, and a legend (colour and name of each class shown, largest share first) top left.
     */
    public static BufferedImage overlay(RgbImage im, SemanticSegmenter.Labels labels, List<String> classes) {
        int w = im.width(), h = im.height();
        byte[] map = labels.map(), rgb = im.rgb();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int q = y * w + x, k = map[q] & 0xff;
                int r = rgb[3 * q] & 0xff, g = rgb[3 * q + 1] & 0xff, b = rgb[3 * q + 2] & 0xff;
                if (k != 0) {
                    int[] c = colour(k);
                    boolean edge = x > 0 && map[q - 1] != map[q] || y > 0 && map[q - w] != map[q]
                            || x < w - 1 && map[q + 1] != map[q] || y < h - 1 && map[q + w] != map[q];
                    double a = edge ? 1 : OPACITY;
                    r = (int) Math.round(r * (1 - a) + c[0] * a);
                    g = (int) Math.round(g * (1 - a) + c[1] * a);
                    b = (int) Math.round(b * (1 - a) + c[2] * a);
                }
                out.setRGB(x, y, r << 16 | g << 8 | b);
            }
        }
        legend(out, labels, classes);
        return out;
    }

    private static void legend(BufferedImage out, SemanticSegmenter.Labels labels, List<String> classes) {
        long[] n = labels.counts(classes.size() + 1);
        List<Integer> shown = new java.util.ArrayList<>();
        for (int k = 1; k < n.length; k++) if (n[k] > 0) shown.add(k);
        if (shown.isEmpty()) return;
        shown.sort((a, b) -> Long.compare(n[b], n[a]));
        java.awt.Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(java.awt.RenderingHints.KEY_TEXT_ANTIALIASING, java.awt.RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            int size = Math.max(10, Math.min(18, Math.min(out.getWidth(), out.getHeight()) / 12));
            g.setFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, size));
            java.awt.FontMetrics fm = g.getFontMetrics();
            int line = fm.getHeight(), pad = 3, box = fm.getAscent() - 2;
            double total = labels.width() * (double) labels.height();
            List<String> texts = new java.util.ArrayList<>();
            int width = 0;
            for (int k : shown) {
                double pct = 100 * n[k] / total;
                String t = String.format(java.util.Locale.ROOT, pct < 9.95 ? "%s %.1f%%" : "%s %.0f%%", classes.get(k - 1), pct);
                texts.add(t);
                width = Math.max(width, fm.stringWidth(t));
            }
            g.setColor(new java.awt.Color(0, 0, 0, 150));
            g.fillRect(0, 0, width + box + 3 * pad, shown.size() * line + 2 * pad);
            for (int i = 0; i < shown.size(); i++) {
                int[] c = colour(shown.get(i));
                int y = pad + i * line;
                g.setColor(new java.awt.Color(c[0], c[1], c[2]));
                g.fillRect(pad, y + (line - box) / 2, box, box);
                g.setColor(java.awt.Color.WHITE);
                g.drawString(texts.get(i), 2 * pad + box, y + fm.getAscent());
            }
        } finally {
            g.dispose();
        }
    }

    /**
     * Reads a label map: a one-channel 8-bit PNG (palette or grayscale) whose pixel values are
     * class indices, as VOC and Cityscapes ship them and {@link #palettePng} writes them.
     *
     * @throws IllegalArgumentException what is wrong with the file (not a PNG, colour, 16-bit, too large)
     */
    public static SemanticSegmenter.Labels readLabelMap(Path file, long maxPixels) throws IOException {
        try (javax.imageio.stream.ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) throw new IOException("cannot open");
            var readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) throw new IllegalArgumentException("not a PNG image");
            javax.imageio.ImageReader r = readers.next();
            try {
                r.setInput(in, true, true);
                if (!r.getFormatName().equalsIgnoreCase("png")) throw new IllegalArgumentException("is " + r.getFormatName() + ", expected a PNG label map");
                long pixels = (long) r.getWidth(0) * r.getHeight(0);
                if (pixels > maxPixels) throw new IllegalArgumentException(r.getWidth(0) + "×" + r.getHeight(0) + " is more than " + maxPixels + " pixels");
                BufferedImage img = r.read(0);
                var raster = img.getRaster();
                if (raster.getNumBands() != 1 || raster.getSampleModel().getSampleSize(0) > 8) {
                    throw new IllegalArgumentException("has " + raster.getNumBands() + " channel(s) of " + raster.getSampleModel().getSampleSize(0)
                            + " bits; a label map is one channel of class indices, up to 8 bits (palette or grayscale PNG)");
                }
                int w = img.getWidth(), h = img.getHeight();
                int[] v = raster.getSamples(0, 0, w, h, 0, (int[]) null);
                byte[] map = new byte[v.length];
                for (int q = 0; q < v.length; q++) map[q] = (byte) v[q];
                return new SemanticSegmenter.Labels(w, h, map);
            } catch (javax.imageio.IIOException e) {
                throw new IllegalArgumentException("not a readable PNG (" + e.getMessage() + ")");
            } finally {
                r.dispose();
            }
        }
    }

    /** Encodes an image as PNG or JPEG by extension ("png", "jpg"). */
    public static byte[] encode(BufferedImage img, String ext) {
        String e = ext.toLowerCase(java.util.Locale.ROOT);
        String format = e.equals("jpg") || e.equals("jpeg") ? "jpg" : "png";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(img, format, out)) throw new IllegalStateException("no " + format + " writer");
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return out.toByteArray();
    }
}
