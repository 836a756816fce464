package dev.cvkit.segmentation.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cvkit.cli.CliTestSupport;
import dev.cvkit.image.ImageDecoder;
import dev.cvkit.image.RgbImage;
import dev.cvkit.io.SafeTensors;
import dev.cvkit.segmentation.LabelImages;
import dev.cvkit.segmentation.SemanticMetrics;
import dev.cvkit.segmentation.SemanticModelFile;
import dev.cvkit.segmentation.SemanticSegmenter;
import dev.cvkit.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cvkit train --task segment --arch fcn --data IMAGES --labels LABELS}: a folder of images
 * with label-map PNGs (written here: noise with red and blue rectangles, classes 1 and 2) trains,
 * learns and is scored by {@code eval --model} alike; the ignore index is really ignored; and each
 * way the folders can be wrong is one line with its exit code.
 */
class LabelMapTrainingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A 4-pixel frame round each image that the ignore tests mark. */
    private static final int FRAME = 4;
    @TempDir
    Path tmp;

    /**
     * Writes {@code n} images of {@code side}² (under sub/ for every other one; PNG or JPEG) with
     * their label maps: grey noise, a red rectangle (class 1) and a blue one (class 2), the frame
     * labelled {@code frame} (-1: the true class).
     */
    static void write(Path images, Path labels, int n, int side, long seed, int frame, boolean jpeg) throws IOException {
        Random r = new Random(seed);
        for (int i = 0; i < n; i++) {
            BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_3BYTE_BGR);
            byte[] map = new byte[side * side];
            for (int y = 0; y < side; y++) {
                for (int x = 0; x < side; x++) {
                    int g = 80 + r.nextInt(96);
                    img.setRGB(x, y, g << 16 | g << 8 | g);
                }
            }
            for (int c = 1; c <= 2; c++) {
                int w = side / 4 + r.nextInt(side / 3), h = side / 4 + r.nextInt(side / 3);
                int x0 = r.nextInt(side - w), y0 = r.nextInt(side - h);
                for (int y = y0; y < y0 + h; y++) {
                    for (int x = x0; x < x0 + w; x++) {
                        int v = 150 + r.nextInt(100);
                        img.setRGB(x, y, c == 1 ? v << 16 | 30 << 8 | 30 : 30 << 16 | 30 << 8 | v);
                        map[y * side + x] = (byte) c;
                    }
                }
            }
            if (frame >= 0) {
                for (int y = 0; y < side; y++) {
                    for (int x = 0; x < side; x++) {
                        if (x < FRAME || y < FRAME || x >= side - FRAME || y >= side - FRAME) map[y * side + x] = (byte) frame;
                    }
                }
            }
            String stem = (i % 2 == 0 ? "sub/" : "") + "img" + i;
            Path file = images.resolve(stem + (jpeg ? ".jpg" : ".png"));
            Files.createDirectories(file.getParent());
            ImageIO.write(img, jpeg ? "jpg" : "png", file.toFile());
            Path label = labels.resolve(stem + ".png");
            Files.createDirectories(label.getParent());
            Files.write(label, LabelImages.palettePng(new SemanticSegmenter.Labels(side, side, map)));
        }
    }

    private static List<JsonNode> rows(Path run) throws IOException {
        List<JsonNode> rows = new ArrayList<>();
        for (String l : Files.readAllLines(run.resolve("metrics.jsonl"))) rows.add(JSON.readTree(l));
        return rows;
    }

    @Test
    void learnsOnLabelMapFoldersAndEvalScoresTheModelAlike() throws IOException {
        Path data = tmp.resolve("set");
        write(data.resolve("train/img"), data.resolve("train/cls"), 16, 64, 1, -1, false);
        write(data.resolve("val/img"), data.resolve("val/cls"), 6, 64, 2, 255, true);
        Path run = tmp.resolve("run");
        var r = CliTestSupport.run("train", "--task", "segment", "--arch", "fcn", "--data", data.resolve("train/img").toString(),
                "--labels", data.resolve("train/cls").toString(), "--val", data.resolve("val/img").toString(), "--val-labels",
                data.resolve("val/cls").toString(), "--imgsz", "64", "--epochs", "30", "--val-every", "15", "--lr", "0.004",
                "--warmup", "5", "--out", run.toString(), "--threads", "2", "--quiet");
        assertEquals(0, r.code(), r.err());
        List<JsonNode> rows = rows(run);
        assertEquals(4, rows.size(), "validations at iterations 15, 30, 45, 60");
        double best = 0;
        for (JsonNode row : rows) best = Math.max(best, row.get("val_miou").asDouble());

        double background = allBackground(data.resolve("val/img"), data.resolve("val/cls"));
        // 16 images of 64², 60 iterations: mIoU 0.33 → 0.87 in a trial
        assertTrue(best > background + 0.3, "learns: " + rows.stream().map(x -> x.get("val_miou").asText()).toList() + " vs all background " + background);

        JsonNode cfg = JSON.readTree(SafeTensors.read(run.resolve("best.safetensors")).config());
        assertEquals(3, cfg.get("num_classes").asInt(), "classes 0..2 from the largest label seen");
        assertEquals(List.of("1", "2"), List.of(cfg.get("classes").get(0).asText(), cfg.get("classes").get(1).asText()));

        var e = CliTestSupport.run("eval", "--model", run.resolve("best.safetensors").toString(), "--data", data.resolve("val/img").toString(),
                "--labels", data.resolve("val/cls").toString(), "--format", "json", "--quiet");
        assertEquals(0, e.code(), e.err());
        JsonNode m = JSON.readTree(e.out());
        assertEquals(best, Math.round(m.get("miou").asDouble() * 1e6) / 1e6, 1e-9, "eval --model scores what the run logged as best");
        long framePixels = 6L * (64 * 64 - (64 - 2 * FRAME) * (64 - 2 * FRAME));
        assertEquals(6L * 64 * 64 - framePixels, m.get("pixels").asLong(), "the ignored frame is not counted");
    }

    /** The mIoU of calling every pixel background: the score of a net that learned nothing. */
    private static double allBackground(Path images, Path labels) {
        SemanticMetrics background = new SemanticMetrics(3);
        var val = dev.cvkit.segmentation.LabelMapSet.read(images, labels, 255, 100_000_000L);
        for (int i = 0; i < val.size(); i++) {
            byte[] t = val.labels(i);
            background.add(t, new byte[t.length], 255);
        }
        return background.meanIou();
    }

    /**
     * --head dilated on ResNet-18 (output stride 8, the FCN head on layer4): a short run learns (well
     * above calling everything background), the
     * model file records the head, and the file alone scores what the run logged as best.
     */
    @Test
    void dilatedResnet18LearnsAndReloads() throws IOException {
        Path data = tmp.resolve("set");
        write(data.resolve("train/img"), data.resolve("train/cls"), 8, 32, 11, -1, false);
        write(data.resolve("val/img"), data.resolve("val/cls"), 4, 32, 12, -1, false);
        Path run = tmp.resolve("run");
        var r = CliTestSupport.run("train", "--task", "segment", "--arch", "fcn", "--head", "dilated", "--data", data.resolve("train/img").toString(),
                "--labels", data.resolve("train/cls").toString(), "--val", data.resolve("val/img").toString(), "--val-labels",
                data.resolve("val/cls").toString(), "--imgsz", "32", "--batch", "4", "--epochs", "20", "--val-every", "10", "--lr", "0.004",
                "--warmup", "5", "--out", run.toString(), "--threads", "2", "--quiet");
        assertEquals(0, r.code(), r.err());
        List<JsonNode> rows = rows(run);
        double first = rows.get(0).get("val_miou").asDouble(), best = 0;
        for (JsonNode row : rows) best = Math.max(best, row.get("val_miou").asDouble());
        double background = allBackground(data.resolve("val/img"), data.resolve("val/cls"));
        // 8 images of 32², 40 batches of 4 (20 s): mIoU 0.30 → 0.54 in a trial
        assertTrue(best > first + 0.15 && best > background + 0.15,
                "learns: " + rows.stream().map(x -> x.get("val_miou").asText()).toList() + " vs all background " + background);
        JsonNode cfg = JSON.readTree(SafeTensors.read(run.resolve("best.safetensors")).config());
        assertEquals("fcn-dilated8", cfg.get("head").asText());
        assertEquals("resnet18", cfg.get("backbone").asText());
        var e = CliTestSupport.run("eval", "--model", run.resolve("best.safetensors").toString(), "--data", data.resolve("val/img").toString(),
                "--labels", data.resolve("val/cls").toString(), "--format", "json", "--quiet");
        assertEquals(0, e.code(), e.err());
        assertEquals(best, Math.round(JSON.readTree(e.out()).get("miou").asDouble() * 1e6) / 1e6, 1e-9, "the model file alone scores the logged best");
        assertTrue(SemanticModelFile.read(run.resolve("best.safetensors")).spec().dilated());
    }

    /** Runs 4 iterations on train labels whose frame holds {@code frame}, with that --ignore-index (null: not given). */
    private Map<String, Tensor> run(String name, int frame, Integer ignore) throws IOException {
        Path data = tmp.resolve(name);
        write(data.resolve("img"), data.resolve("cls"), 4, 64, 3, frame, false);
        write(data.resolve("vimg"), data.resolve("vcls"), 2, 64, 4, frame, false);
        Path run = data.resolve("run");
        List<String> args = new ArrayList<>(List.of("train", "--task", "segment", "--arch", "fcn", "--data", data.resolve("img").toString(),
                "--labels", data.resolve("cls").toString(), "--val", data.resolve("vimg").toString(), "--val-labels", data.resolve("vcls").toString(),
                "--imgsz", "64", "--batch", "2", "--epochs", "2", "--classes", "3", "--out", run.toString(), "--threads", "2", "--quiet"));
        if (ignore != null) args.addAll(List.of("--ignore-index", ignore.toString()));
        var r = CliTestSupport.run(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        Map<String, Tensor> w = SafeTensors.read(run.resolve("last.safetensors")).tensors();
        lastMiou.put(name, rows(run).get(rows(run).size() - 1).get("val_miou").asDouble());
        return w;
    }

    private final Map<String, Double> lastMiou = new java.util.HashMap<>();

    /**
     * The frame marked 255 (the default ignore index) or 7 with --ignore-index 7 (7 is no class of
     * 3: were it read as a label, the run would fail) trains to the same weights and validation
     * mIoU bit for bit; the frame labelled as background instead does not.
     */
    @Test
    void theIgnoreIndexCountsInNeitherLossNorMiou() throws IOException {
        Map<String, Tensor> a = run("a", 255, null), b = run("b", 7, 7), c = run("c", 0, null);
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) assertArrayEquals(a.get(k).data(), b.get(k).data(), k);
        assertEquals(lastMiou.get("a"), lastMiou.get("b"));
        boolean differs = false;
        for (String k : a.keySet()) differs |= !java.util.Arrays.equals(a.get(k).data(), c.get(k).data());
        assertTrue(differs, "a frame of background pixels does change the training");
    }

    /** eval --model with the frame ignored gives the confusion matrix of the other pixels alone. */
    @Test
    void evalLeavesTheIgnoredPixelsOut() throws IOException {
        run("m", 255, null);
        Path model = tmp.resolve("m/run/last.safetensors"), clean = tmp.resolve("clean");
        write(clean.resolve("img"), clean.resolve("cls"), 2, 64, 4, -1, false); // the same images, true labels in the frame
        SemanticSegmenter seg = SemanticModelFile.read(model);
        SemanticMetrics inner = new SemanticMetrics(3);
        var set = dev.cvkit.segmentation.LabelMapSet.read(clean.resolve("img"), clean.resolve("cls"), 255, 100_000_000L);
        for (int i = 0; i < set.size(); i++) {
            byte[] t = set.labels(i), p;
            try (Mat mat = ImageDecoder.read(set.items().get(i).path(), 100_000_000L)) {
                p = seg.segment(RgbImage.fromMat(mat)).map();
            }
            for (int q = 0; q < t.length; q++) {
                int x = q % 64, y = q / 64;
                if (x >= FRAME && y >= FRAME && x < 64 - FRAME && y < 64 - FRAME) inner.add(t[q] & 0xff, p[q] & 0xff, 1);
            }
        }
        var e = CliTestSupport.run("eval", "--model", model.toString(), "--data", tmp.resolve("m/vimg").toString(), "--labels",
                tmp.resolve("m/vcls").toString(), "--format", "json", "--quiet");
        assertEquals(0, e.code(), e.err());
        JsonNode m = JSON.readTree(e.out());
        long[][] conf = inner.confusion();
        for (int t = 0; t < 3; t++) {
            for (int p = 0; p < 3; p++) assertEquals(conf[t][p], m.get("confusion").get(t).get(p).asLong(), "confusion " + t + "," + p);
        }
        assertEquals(inner.meanIou(), m.get("miou").asDouble(), 1e-12);
    }

    /** Stopped after iteration 3 (checkpoint at 2), resumed: the same weights at 4 as a run never stopped. */
    @Test
    void resumesFromTheRunFolder() throws IOException {
        Path data = tmp.resolve("r");
        write(data.resolve("img"), data.resolve("cls"), 4, 64, 5, 255, false);
        SegmentTraining.LabelFolders f = new SegmentTraining.LabelFolders(data.resolve("cls"), null, 255, null);
        dev.cvkit.train.TrainLoop.Options o = new dev.cvkit.train.TrainLoop.Options(2, 1e-3f, "adamw", 0.05f, 5, 2, 0, 2, 2, 0, 10f);
        SegmentTraining.Request req = new SegmentTraining.Request("fcn", data.resolve("img"), null, null, null, "resnet18", 64, "fcn32s", null,
                "hflip", o, 100_000_000L, f);
        SegmentTraining.Ready a = SegmentTraining.start(req, () -> Files.createDirectories(tmp.resolve("ra")), 2, "test", w -> {}, null);
        assertTrue(a.describe().startsWith("4 images, 3 classes (0..2, ignore 255)"), a.describe());
        try (var task = a.task()) {
            a.loop().run();
        }
        dev.cvkit.train.TrainLoop.Listener crash = new dev.cvkit.train.TrainLoop.Listener() {
            @Override
            public void step(int iteration, int total, Map<String, Double> losses, double ips, double eta) {
                if (iteration == 3) throw new IllegalStateException("killed");
            }

            @Override
            public void row(com.fasterxml.jackson.databind.node.ObjectNode row) {}
        };
        SegmentTraining.Ready b = SegmentTraining.start(req, () -> Files.createDirectories(tmp.resolve("rb")), 2, "test", w -> {}, crash);
        try (var task = b.task()) {
            org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> b.loop().run());
        }
        var r = CliTestSupport.run("train", "--resume", tmp.resolve("rb").toString(), "--threads", "2", "--quiet");
        assertEquals(0, r.code(), r.err());
        var wa = SafeTensors.read(tmp.resolve("ra/last.safetensors")).tensors();
        var wb = SafeTensors.read(tmp.resolve("rb/last.safetensors")).tensors();
        for (String k : wa.keySet()) assertArrayEquals(wa.get(k).data(), wb.get(k).data(), k);
    }

    private void fails(int code, String expected, String... args) {
        List<String> all = new ArrayList<>(List.of("train", "--task", "segment", "--imgsz", "64", "--epochs", "1",
                "--out", tmp.resolve("never").toString(), "--quiet"));
        all.addAll(List.of(args));
        if (!all.contains("--arch")) all.addAll(List.of("--arch", "fcn"));
        var r = CliTestSupport.run(all.toArray(String[]::new));
        assertEquals(code, r.code(), r.err());
        assertTrue(r.err().strip().lines().count() == 1 && r.err().contains(expected), r.err());
        assertFalse(Files.exists(tmp.resolve("never/checkpoint.safetensors")));
    }

    @Test
    void eachWayTheFoldersCanBeWrongIsOneLine() throws IOException {
        Path img = tmp.resolve("img"), cls = tmp.resolve("cls");
        write(img, cls, 4, 64, 6, 255, false);
        String i = img.toString(), c = cls.toString();

        Files.createDirectories(tmp.resolve("empty"));
        fails(1, "empty: no images in this folder", "--data", tmp.resolve("empty").toString(), "--labels", c);
        fails(2, "is a folder: give its label maps with --labels", "--data", i);
        fails(2, "--val " + i + " needs --val-labels", "--data", i, "--labels", c, "--val", i);
        fails(2, "--ignore-index 256: a label value, 0..255", "--data", i, "--labels", c, "--ignore-index", "256");
        fails(2, "--labels is for --arch fcn", "--data", i, "--labels", c, "--arch", "mask-rcnn");
        fails(1, "holds class index 2 but there are 2 classes (0..1; the ignore index is 255)", "--data", i, "--labels", c, "--classes", "2");

        // labels inside the image folder: they are not taken for images
        Path nested = tmp.resolve("nested");
        write(nested, nested.resolve("labels"), 4, 32, 6, 255, false);
        assertEquals(4, dev.cvkit.segmentation.LabelMapSet.read(nested, nested.resolve("labels"), 255, 100_000_000L).size());

        Path label = cls.resolve("img1.png");
        Files.move(label, tmp.resolve("img1.png"));
        fails(1, label + ": no label map for image " + img.resolve("img1.png"), "--data", i, "--labels", c);

        BufferedImage small = new BufferedImage(32, 64, BufferedImage.TYPE_BYTE_GRAY);
        ImageIO.write(small, "png", label.toFile());
        fails(1, label + ": is 32×64 but its image " + img.resolve("img1.png") + " is 64×64", "--data", i, "--labels", c);

        ImageIO.write(new BufferedImage(64, 64, BufferedImage.TYPE_USHORT_GRAY), "png", label.toFile());
        fails(1, label + ": has 1 channel(s) of 16 bits", "--data", i, "--labels", c);
        ImageIO.write(new BufferedImage(64, 64, BufferedImage.TYPE_3BYTE_BGR), "png", label.toFile());
        fails(1, label + ": has 3 channel(s) of 8 bits", "--data", i, "--labels", c);
    }
}
