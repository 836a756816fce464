package dev.cvkit.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cvkit.detection.DetectParams;
import dev.cvkit.detection.Detection;
import dev.cvkit.detection.Detector;
import dev.cvkit.detection.DetectorFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

/** The layout rules of cvkit's pictures: tags never cover each other, legends stay off the data, ticks are round numbers. */
class PictureLayoutTest {
    @Test
    void coincidingBoxesGetTagsThatDoNotOverlap() {
        // three detections of one object (horse, cow, sheep) and one near the top edge
        List<LabelLayout.Rect> boxes = List.of(new LabelLayout.Rect(100, 120, 200, 150), new LabelLayout.Rect(102, 121, 198, 150),
                new LabelLayout.Rect(99, 119, 203, 152), new LabelLayout.Rect(0, 0, 80, 60));
        List<int[]> sizes = List.of(new int[] {90, 20}, new int[] {80, 20}, new int[] {95, 20}, new int[] {70, 20});
        List<LabelLayout.Rect> tags = LabelLayout.place(400, 300, boxes, sizes);
        assertNoOverlapInside(tags, 400, 300);
        assertEquals(new LabelLayout.Rect(100, 100, 90, 20), tags.get(0), "the best box's tag sits just above it");
        assertEquals(new LabelLayout.Rect(0, 0, 70, 20), tags.get(3), "at the top edge the tag goes inside the box");
    }

    @Test
    void nanodetOnPersonJpgDrawsReadableTags() {
        Detector det = DetectorFiles.resolve("nanodet");
        try (Mat bgr = ImageDecoder.read(Path.of("samples/person.jpg"), 1L << 30)) {
            List<Detection> found = det.detect(RgbImage.fromMat(bgr), new DetectParams(0.3f, det.defaults().iou(), 100));
            assertTrue(found.size() >= 3, found.toString()); // person, dog, horse and a cow on the horse
            List<BoxDrawing.Box> boxes = new ArrayList<>();
            for (Detection d : found) {
                boxes.add(new BoxDrawing.Box(d.x(), d.y(), d.w(), d.h(), String.format(Locale.ROOT, "%s %.2f", d.label(), d.score()),
                        d.classIndex()));
            }
            List<LabelLayout.Rect> tags = BoxDrawing.tags(bgr.rows(), bgr.cols(), boxes);
            assertNoOverlapInside(tags, bgr.cols(), bgr.rows());
            // the tag grows with the image: at 640×424 text is about 0.7 of OpenCV's base font, as Ultralytics draws it
            assertEquals(2, BoxDrawing.lineWidth(bgr.rows(), bgr.cols()));
            assertTrue(tags.get(0).h() >= 20, tags.get(0).toString());
            try (Mat copy = bgr.clone()) {
                BoxDrawing.draw(copy, boxes);
                // the best tag is drawn in its class colour at its place
                LabelLayout.Rect t = tags.get(0);
                RgbImage drawn = RgbImage.fromMat(copy);
                try (var c = BoxDrawing.colour(boxes.get(0).classIndex())) {
                    assertEquals((int) Math.round(c.get(2)), drawn.at(t.x() + 1, t.y() + 1, 0), 1);
                }
            }
        }
    }

    @Test
    void aBoxWithoutTextHasNoTag() {
        List<LabelLayout.Rect> tags = BoxDrawing.tags(100, 100, List.of(new BoxDrawing.Box(10, 10, 20, 20, "", 0),
                new BoxDrawing.Box(500, 500, 20, 20, "x", 0)));
        assertNull(tags.get(0));
        assertNull(tags.get(1), "outside the image");
    }

    @Test
    void lineChartLegendIsOutsideTheDataWithRoundTicks() {
        // accuracy per epoch as a training run writes it
        double[] epochs = {1, 2, 3, 4, 5, 6, 7, 8};
        double[] acc = {0.371, 0.62, 0.81, 0.9, 0.95, 0.97, 0.99, 1.0};
        List<Charts.Series> series = List.of(new Charts.Series("train top-1", epochs, acc, Charts.BLUE),
                new Charts.Series("val top-1", epochs, acc, Charts.ORANGE));
        Charts.LinesLayout lay = Charts.linesLayout("accuracy", series);
        assertFalse(lay.legend().overlaps(lay.plot()), lay.toString());
        assertFalse(lay.legend().overlaps(lay.title()), lay.toString());
        assertEquals(50, lay.plot().y(), "a short legend stays in one row beside the title");
        assertTrue(lay.legend().inside(720, 440), lay.legend().toString());
        assertArrayEquals(new double[] {0.2, 0.4, 0.6, 0.8, 1.0}, lay.y().values(), 1e-12);
        assertEquals("0.4", lay.y().label(lay.y().values()[1]));
        assertArrayEquals(new double[] {0, 2, 4, 6, 8}, lay.x().values(), 1e-12);
        assertEquals("6", lay.x().label(6));
        byte[] png = Charts.lines("accuracy", "epoch", series);
        assertTrue(png.length > 1000);
    }

    @Test
    void aWideLegendWrapsUnderTheTitleAndPushesThePlotDown() throws Exception {
        // Mask R-CNN's six loss curves: one row would run over the title
        double[] it = {0, 100, 200};
        double[] v = {2.0, 1.0, 0.5};
        List<Charts.Series> series = new ArrayList<>();
        for (String name : List.of("loss_objectness", "loss_rpn_box_reg", "loss_classifier", "loss_box_reg", "loss_mask", "total")) {
            series.add(new Charts.Series(name, it, v, Charts.BLUE));
        }
        Charts.LinesLayout lay = Charts.linesLayout("training losses", series);
        assertFalse(lay.legend().overlaps(lay.title()), lay.legend() + " vs title " + lay.title());
        assertFalse(lay.legend().overlaps(lay.plot()), lay.legend() + " vs plot " + lay.plot());
        assertTrue(lay.legend().inside(720, 440), lay.legend().toString());
        assertTrue(lay.plot().h() > 250, "the plot keeps most of the height: " + lay.plot());
        assertEquals(6, lay.entries().size());
        int rows = (int) lay.entries().stream().mapToInt(e -> e[1]).distinct().count();
        assertTrue(rows >= 2, "wrapped into rows");
        for (int i = 1; i < 6; i++) {
            int[] prev = lay.entries().get(i - 1);
            int[] e = lay.entries().get(i);
            assertTrue(e[1] > prev[1] || e[0] > prev[0], "entries in reading order, apart");
        }
        byte[] png = Charts.lines("training losses", "iteration", series);
        assertTrue(png.length > 1000);
        if (System.getenv("CVKIT_KEEP_CHARTS") != null) {
            Files.write(Path.of(System.getenv("CVKIT_KEEP_CHARTS"), "wide-legend.png"), png);
        }
    }

    @Test
    void prCurveLegendIsRightOfThePlot() {
        LineChart c = new LineChart("Precision-recall, all categories (bbox, maxDets=100)", "recall", "precision")
                .series("IoU=0.50", new double[] {0, 1}, new double[] {1, 0})
                .series("IoU=0.75", new double[] {0, 1}, new double[] {1, 0})
                .series("IoU=0.50:0.95 (mean)", new double[] {0, 1}, new double[] {1, 0});
        LabelLayout.Rect legend = c.legendRect();
        assertFalse(legend.overlaps(LineChart.plotRect()), legend + " vs " + LineChart.plotRect());
        assertTrue(legend.inside(960, 540), legend.toString());
        assertTrue(c.png().length > 1000);
    }

    @Test
    void niceTicks() {
        NiceTicks t = NiceTicks.of(0.0123, 0.0871, 5, false);
        assertEquals(0.02, t.step(), 1e-15);
        assertEquals(0.0, t.min(), 1e-15);
        assertEquals(0.1, t.max(), 1e-15);
        assertEquals("0.06", t.label(0.06));
        NiceTicks loss = NiceTicks.of(0.03, 2.31, 5, false);
        assertEquals(0.5, loss.step(), 1e-15);
        assertEquals(2.5, loss.max(), 1e-15);
        NiceTicks one = NiceTicks.of(1, 1, 6, true);
        assertEquals(1, one.step(), 0);
        assertTrue(one.min() <= 1 && one.max() >= 1);
    }

    static void assertNoOverlapInside(List<LabelLayout.Rect> tags, int width, int height) {
        for (int i = 0; i < tags.size(); i++) {
            assertTrue(tags.get(i).inside(width, height), tags.get(i).toString());
            for (int j = 0; j < i; j++) {
                assertFalse(tags.get(i).overlaps(tags.get(j)), tags.get(i) + " overlaps " + tags.get(j));
            }
        }
    }
}
