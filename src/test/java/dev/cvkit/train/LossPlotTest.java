package dev.cvkit.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.image.Charts;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** losses.png draws each distinct curve once: a single loss term is not drawn under its equal total. */
class LossPlotTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static long pixels(Path png, int[] bgr) throws Exception {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(Files.readAllBytes(png)));
        int want = (bgr[2] << 16) | (bgr[1] << 8) | bgr[0];
        long n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                if ((img.getRGB(x, y) & 0xffffff) == want) n++;
            }
        }
        return n;
    }

    private static Path plot(Path dir, double[] total, double[] ce) throws Exception {
        MetricsLog log = new MetricsLog(dir, "iteration");
        for (int i = 0; i < total.length; i++) {
            ObjectNode row = JSON.createObjectNode();
            row.put("iteration", (i + 1) * 100);
            row.put("train_loss", total[i]);
            row.put("train_ce", ce[i]);
            log.add(row);
        }
        TrainLoop.plots(dir, log);
        return dir.resolve("losses.png");
    }

    @Test
    void aSingleTermIsDrawnOnceAsTheTotal(@TempDir Path dir) throws Exception {
        double[] v = {0.9, 0.5, 0.3, 0.2};
        Path png = plot(dir, v, v.clone());
        assertTrue(pixels(png, Charts.BLUE) > 50, "the total's curve");
        assertEquals(0, pixels(png, Charts.ORANGE), "no second curve hidden under the first");
    }

    @Test
    void distinctTermsEachGetACurve(@TempDir Path dir) throws Exception {
        Path png = plot(dir, new double[] {0.9, 0.5, 0.3, 0.2}, new double[] {0.6, 0.3, 0.2, 0.1});
        assertTrue(pixels(png, Charts.BLUE) > 50);
        assertTrue(pixels(png, Charts.ORANGE) > 50);
    }
}
