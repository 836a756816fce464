package dev.cvkit.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChartsTest {
    @Test
    void lineChartIsAPngWithTheCurvesColours() throws Exception {
        double[] x = {1, 2, 3, 4};
        byte[] png = Charts.lines("loss", "epoch", List.of(
                new Charts.Series("train", x, new double[] {2.3, 1.0, 0.5, 0.4}, Charts.BLUE),
                new Charts.Series("val", x, new double[] {2.2, 1.2, Double.NaN, 0.6}, Charts.ORANGE)));
        Pixels p = decode(png);
        assertEquals(440, p.height());
        assertEquals(720, p.width());
        assertTrue(count(p, Charts.BLUE) > 100, "blue curve drawn");
        assertTrue(count(p, Charts.ORANGE) > 50, "orange curve drawn");
        if (System.getenv("CVKIT_KEEP_CHARTS") != null) {
            Files.write(Path.of(System.getenv("CVKIT_KEEP_CHARTS"), "lines.png"), png);
        }
    }

    @Test
    void confusionMatrixShadesByRowShare() throws Exception {
        long[][] c = {{50, 0, 0}, {5, 40, 5}, {0, 25, 25}};
        byte[] png = Charts.confusion(List.of("cat", "dog", "bird"), c);
        Pixels p = decode(png);
        assertTrue(p.width() > 200 && p.height() > 200);
        if (System.getenv("CVKIT_KEEP_CHARTS") != null) {
            Files.write(Path.of(System.getenv("CVKIT_KEEP_CHARTS"), "confusion.png"), png);
        }
    }

    static Pixels decode(byte[] png) {
        try (var m = ImageDecoder.decode(png, 1 << 22)) {
            return Pixels.of(m);
        }
    }

    private static int count(Pixels p, int[] bgr) {
        int n = 0;
        for (int y = 0; y < p.height(); y++) {
            for (int x = 0; x < p.width(); x++) {
                if (p.at(y, x, 0) == bgr[0] && p.at(y, x, 1) == bgr[1] && p.at(y, x, 2) == bgr[2]) {
                    n++;
                }
            }
        }
        return n;
    }
}
