package dev.cvkit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cvkit.coco.Rle;
import dev.cvkit.data.detect.ShapesGenerator;
import dev.cvkit.detection.DetectParams;
import dev.cvkit.detection.rcnn.FasterRcnn;
import dev.cvkit.detection.rcnn.MaskRcnnSpec;
import dev.cvkit.image.ImageDecoder;
import dev.cvkit.image.RgbImage;
import dev.cvkit.nn.Init;
import dev.cvkit.segmentation.InstanceModelFile;
import dev.cvkit.segmentation.InstanceSegmenter;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cvkit segment --model MASK_RCNN}: the JSON lines carry exactly the segmenter's instances
 * (RLE decoding to its masks, area its pixel count), --masks one binary PNG per instance equal to
 * its mask, --save an overlay of the input's size, --coco results that cvkit eval scores as segm;
 * options that do not fit a Mask R-CNN, and bad model files, get their exit codes.
 */
class SegmentInstancesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path tmp;

    /** An untrained Mask R-CNN: its near-uniform class scores give many instances above a low threshold. */
    private Path model() throws IOException {
        Init.seed(5);
        MaskRcnnSpec spec = MaskRcnnSpec.smallImages("resnet18", 3, 64);
        FasterRcnn net = spec.build();
        Path f = tmp.resolve("mask.safetensors");
        InstanceModelFile.save(f, net, InstanceModelFile.config(spec, List.of("circle", "square"), List.of(1, 2), new DetectParams(0.3f, 0.5f, 5), null),
                "", java.util.Map.of(), java.util.Map.of());
        return f;
    }

    /**
     * An image where nothing passes the threshold: the mask head runs on no boxes (an empty batch
     * through its convolutions, which once indexed an empty array), and the image gets a record
     * with no detections and no mask files.
     */
    @Test
    void anImageWithNoInstancesIsAnEmptyRecord() throws IOException {
        Path f = model();
        Path data = tmp.resolve("data");
        ShapesGenerator.generate(data, new ShapesGenerator.Options(0, 1, 64, 3, List.of(Path.of("samples/dog.jpg")), 1, 100_000_000L));
        Path img = Files.list(data.resolve("val")).sorted().findFirst().orElseThrow();
        var r = CliTestSupport.run("segment", "--model", f.toString(), img.toString(), "--format", "jsonl", "--conf", "0.999", "--masks",
                tmp.resolve("masks").toString(), "--threads", "2", "--quiet");
        assertEquals(0, r.code(), r.err());
        JsonNode line = JSON.readTree(r.out().strip());
        assertEquals(0, line.get("detections").size(), r.out());
        try (var files = Files.walk(tmp.resolve("masks"))) {
            assertEquals(0, files.filter(Files::isRegularFile).count());
        }
    }

    @Test
    void linesMasksOverlaysAndCoco() throws IOException {
        Path f = model();
        Path data = tmp.resolve("data");
        ShapesGenerator.generate(data, new ShapesGenerator.Options(0, 2, 64, 3, List.of(Path.of("samples/dog.jpg")), 1, 100_000_000L));
        Path val = data.resolve("val");
        var r = CliTestSupport.run("segment", "--model", f.toString(), val.toString(), "--format", "jsonl", "--conf", "0.1", "--masks",
                tmp.resolve("masks").toString(), "--save", tmp.resolve("out").toString(), "--coco", tmp.resolve("coco.json").toString(),
                "--gt", data.resolve("val.json").toString(), "--threads", "2", "--quiet");
        assertEquals(0, r.code(), r.err());
        InstanceSegmenter seg = InstanceModelFile.read(f);
        List<String> lines = r.out().strip().lines().toList();
        assertEquals(2, lines.size());
        List<Path> files = Files.list(val).sorted().toList();
        int total = 0;
        for (int i = 0; i < 2; i++) {
            JsonNode line = JSON.readTree(lines.get(i));
            RgbImage img;
            try (Mat m = ImageDecoder.read(files.get(i), 100_000_000L)) {
                img = RgbImage.fromMat(m);
            }
            List<InstanceSegmenter.Instance> want = seg.segment(img, new DetectParams(0.1f, 0.5f, 5));
            JsonNode dets = line.get("detections");
            assertEquals(want.size(), dets.size());
            assertTrue(want.size() > 0, "the untrained model finds instances at 0.1");
            String stem = files.get(i).getFileName().toString().replaceAll("\\.[^.]+$", "");
            for (int k = 0; k < want.size(); k++) {
                JsonNode d = dets.get(k);
                InstanceSegmenter.Instance w = want.get(k);
                assertEquals(w.label(), d.get("label").asText());
                assertEquals(w.area(), d.get("area").asLong());
                Rle rle = Rle.fromCompressedString(d.get("segmentation").get("counts").asText(), img.height(), img.width());
                assertEquals(w.rle(), rle);
                BufferedImage png = ImageIO.read(tmp.resolve("masks").resolve(stem + "_" + k + ".png").toFile());
                int[] v = png.getRaster().getSamples(0, 0, img.width(), img.height(), 0, (int[]) null);
                byte[] back = new byte[v.length];
                for (int q = 0; q < v.length; q++) back[q] = (byte) (v[q] / 255);
                assertArrayEquals(w.mask(), back);
            }
            assertTrue(Files.notExists(tmp.resolve("masks").resolve(stem + "_" + want.size() + ".png")));
            BufferedImage overlay = ImageIO.read(tmp.resolve("out").resolve(files.get(i).getFileName().toString()).toFile());
            assertEquals(img.width(), overlay.getWidth());
            total += want.size();
        }
        JsonNode coco = JSON.readTree(tmp.resolve("coco.json").toFile());
        assertEquals(total, coco.size());
        assertTrue(coco.get(0).has("segmentation") && !coco.get(0).has("bbox"));
        var eval = CliTestSupport.run("eval", "--gt", data.resolve("val.json").toString(), "--dt", tmp.resolve("coco.json").toString(),
                "--iou-type", "segm", "--format", "json", "--quiet");
        assertEquals(0, eval.code(), eval.err());
        // eval --model runs the same segmenter at conf 0.001: the same stats as segment --coco at 0.001 scored by eval --dt
        var low = CliTestSupport.run("segment", "--model", f.toString(), val.toString(), "--conf", "0.001", "--coco", tmp.resolve("low.json").toString(),
                "--gt", data.resolve("val.json").toString(), "--quiet");
        assertEquals(0, low.code(), low.err());
        var viaFile = CliTestSupport.run("eval", "--gt", data.resolve("val.json").toString(), "--dt", tmp.resolve("low.json").toString(),
                "--iou-type", "segm", "--format", "json", "--quiet");
        var viaModel = CliTestSupport.run("eval", "--model", f.toString(), "--data", data.resolve("val.json").toString(), "--format", "json", "--quiet");
        assertEquals(0, viaModel.code(), viaModel.err());
        assertEquals(JSON.readTree(viaFile.out()).get("stats"), JSON.readTree(viaModel.out()).get("stats"));

        var poly = CliTestSupport.run("segment", "--model", f.toString(), files.get(0).toString(), "--conf", "0.1", "--polygons", "--format", "jsonl");
        assertEquals(0, poly.code(), poly.err());
        JsonNode seg0 = JSON.readTree(poly.out()).get("detections").get(0).get("segmentation");
        assertTrue(seg0.isArray(), seg0.toString());
    }

    @Test
    void badOptionsAndFiles() throws IOException {
        Path f = model();
        String img = "samples/dog.jpg";
        assertEquals(2, CliTestSupport.run("segment", "--model", f.toString(), img, "--alpha", tmp.resolve("a").toString()).code());
        assertEquals(2, CliTestSupport.run("segment", "--model", f.toString(), img, "--gt", "samples/gt.json").code());
        assertEquals(2, CliTestSupport.run("segment", "--model", f.toString(), img, "--conf", "1.5").code());
        byte[] bytes = Files.readAllBytes(f);
        Path cut = tmp.resolve("cut.safetensors");
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        var r = CliTestSupport.run("segment", "--model", cut.toString(), img);
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().startsWith("cvkit: " + cut), r.err());
        // a semantic-only option with an instance model, an instance-only option with the person segmenter
        assertEquals(2, CliTestSupport.run("segment", img, "--polygons").code());
    }
}
