package dev.cvkit.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cvkit.image.RgbImage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every detector copes with degenerate images: one pixel, extreme aspect ratios, flat colour. */
class DetectorEdgeCaseTest {
    static RgbImage flat(int w, int h, int v) {
        byte[] b = new byte[w * h * 3];
        java.util.Arrays.fill(b, (byte) v);
        return new RgbImage(w, h, b);
    }

    static void check(Detector d) {
        for (RgbImage img : List.of(flat(1, 1, 0), flat(600, 3, 255))) {
            List<Detection> found = d.detect(img, d.defaults());
            assertTrue(found.size() <= d.defaults().maxDet());
            for (Detection x : found) {
                assertTrue(Float.isFinite(x.x()) && Float.isFinite(x.w()) && x.w() >= 0 && x.h() >= 0, x.toString());
                assertTrue(x.score() > d.defaults().conf() && x.score() <= 1, x.toString());
            }
        }
        assertEquals(0, d.detect(flat(3, 500, 128), new DetectParams(0.999f, 0.5f, 10)).size(), "nothing is that certain on a flat image");
    }

    @Test
    void tiny() {
        check(Models.get(Architecture.TINY_FACE));
    }

    @Test
    void ssd() {
        check(Models.get(Architecture.SSD_MOBILENETV1_FACE));
    }

    @Test
    void nanodet() {
        check(Models.get(Architecture.NANODET));
    }
}
