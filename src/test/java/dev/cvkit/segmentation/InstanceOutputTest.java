package dev.cvkit.segmentation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cvkit.coco.Polygons;
import dev.cvkit.coco.Rle;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The instance mask formats: RLE (compressed string and back, exactly), polygons (rasterised by
 * pycocotools' rules they cover the mask they came from up to its border), binary PNGs (read back
 * exactly), and the JSON record's area and box.
 */
class InstanceOutputTest {
    /** A mask of two parts: a disc with a hole, and a square, on a 40×30 image. */
    private static InstanceSegmenter.Instance sample() {
        int w = 40, h = 30;
        byte[] m = new byte[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double d = Math.hypot(x - 12, y - 14);
                if (d <= 9 && d > 2.5 || x >= 28 && x < 36 && y >= 4 && y < 12) m[y * w + x] = 1;
            }
        }
        return new InstanceSegmenter.Instance(3, 4, 36, 24, 0.875f, 1, "square", w, h, m);
    }

    @Test
    void rleRoundTripsExactly() {
        InstanceSegmenter.Instance d = sample();
        Rle r = d.rle();
        assertEquals(d.area(), r.area());
        Rle back = Rle.fromCompressedString(r.toCompressedString(), d.height(), d.width());
        byte[] col = back.decode();
        for (int y = 0; y < d.height(); y++) {
            for (int x = 0; x < d.width(); x++) assertEquals(d.mask()[y * d.width() + x], col[x * d.height() + y], x + "," + y);
        }
        JsonNode j = InstanceRecords.json(d, 7, false);
        assertEquals(r.toCompressedString(), j.get("segmentation").get("counts").asText());
        assertEquals(30, j.get("segmentation").get("size").get(0).asInt());
        assertEquals(d.area(), j.get("area").asLong());
        assertEquals(33.0, j.get("bbox").get(2).asDouble());
        assertEquals(7, j.get("category_id").asInt());
    }

    @Test
    void polygonsCoverTheMask() {
        InstanceSegmenter.Instance d = sample();
        List<double[]> parts = MaskPolygons.of(d.mask(), d.width(), d.height());
        assertEquals(2, parts.size(), "two outer contours (the hole is not a polygon)");
        Rle poly = Polygons.fromPolygons(parts, d.height(), d.width());
        byte[] p = poly.decode();
        long inter = 0, union = 0, outside = 0;
        for (int y = 0; y < d.height(); y++) {
            for (int x = 0; x < d.width(); x++) {
                boolean a = d.mask()[y * d.width() + x] != 0, b = p[x * d.height() + y] != 0;
                if (a && b) inter++;
                if (a || b) union++;
                if (b && !a) outside++;
            }
        }
        // the polygon runs through the boundary pixels' centres and fills the hole
        assertTrue((double) inter / union > 0.75, inter + "/" + union);
        assertTrue(outside <= 25, "only the hole (about 20 pixels) is added: " + outside);
        JsonNode j = InstanceRecords.json(d, 1, true);
        assertEquals(2, j.get("segmentation").size());
        assertEquals(parts.get(0).length, j.get("segmentation").get(0).size());
    }

    @Test
    void binaryPngRoundTripsExactly() throws IOException {
        InstanceSegmenter.Instance d = sample();
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(InstanceImages.maskPng(d)));
        assertEquals(d.width(), img.getWidth());
        int[] v = img.getRaster().getSamples(0, 0, d.width(), d.height(), 0, (int[]) null);
        byte[] back = new byte[v.length];
        for (int q = 0; q < v.length; q++) {
            assertTrue(v[q] == 0 || v[q] == 255);
            back[q] = (byte) (v[q] / 255);
        }
        assertArrayEquals(d.mask(), back);
    }

    @Test
    void overlayTintsOnlyTheMask() {
        InstanceSegmenter.Instance d = sample();
        byte[] rgb = new byte[d.width() * d.height() * 3];
        java.util.Arrays.fill(rgb, (byte) 100);
        List<InstanceSegmenter.Instance> list = new ArrayList<>(List.of(d));
        BufferedImage o = InstanceImages.overlay(new dev.cvkit.image.RgbImage(d.width(), d.height(), rgb), list);
        assertEquals(d.width(), o.getWidth());
        // inside the disc, away from outline, box and tag: tinted; far corner: untouched
        assertTrue((o.getRGB(12, 20) & 0xffffff) != 0x646464);
        assertEquals(0x646464, o.getRGB(39, 29) & 0xffffff);
    }
}
