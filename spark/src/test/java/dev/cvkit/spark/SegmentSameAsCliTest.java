package dev.cvkit.spark;

import static dev.cvkit.spark.TestSpark.cli;
import static dev.cvkit.spark.TestSpark.lines;
import static dev.cvkit.spark.TestSpark.spark;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cvkit.data.detect.ShapesGenerator;
import dev.cvkit.detection.DetectParams;
import dev.cvkit.detection.rcnn.FasterRcnn;
import dev.cvkit.detection.rcnn.MaskRcnnSpec;
import dev.cvkit.nn.Init;
import dev.cvkit.segmentation.InstanceModelFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cvkit-spark segment} writes the CLI's JSON lines and the CLI's mask files, byte for byte
 * and under the same relative names, whatever the number of partitions: the person segmenter
 * (shares, label maps, soft masks) and a Mask R-CNN (instances with RLE or polygons, a PNG per instance).
 */
class SegmentSameAsCliTest {
    @TempDir
    Path tmp;

    /** Every file under a folder by its relative path, with its bytes. */
    private static Map<String, byte[]> tree(Path dir) throws Exception {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) files.put(dir.relativize(p).toString(), Files.readAllBytes(p));
        }
        return files;
    }

    private static void assertSameTree(Path expected, Path actual) throws Exception {
        Map<String, byte[]> e = tree(expected), a = tree(actual);
        assertEquals(e.keySet(), a.keySet());
        for (String k : e.keySet()) assertArrayEquals(e.get(k), a.get(k), k);
    }

    @Test
    void personSegmenterInThreePartitions() throws Exception {
        TestSpark.Run c = cli("segment", "samples/", "--format", "jsonl", "-q", "--masks", tmp.resolve("cli-masks").toString(),
                "--alpha", tmp.resolve("cli-alpha").toString());
        assertEquals(0, c.code(), c.err());
        String out = tmp.resolve("seg").toString();
        TestSpark.Run s = spark("segment", "--input", "samples/", "--output", out, "--partitions", "3",
                "--masks", tmp.resolve("masks").toString(), "--alpha", tmp.resolve("alpha").toString());
        assertEquals(0, s.code(), s.err());
        List<String> expected = c.out().lines().toList();
        assertEquals(17, expected.size(), "samples/ holds 7 photographs and 10 digits");
        String person = expected.stream().filter(l -> l.startsWith("{\"file\":\"samples/person.jpg\",\"width\":")).findFirst().orElseThrow();
        double share = Records.parse(person).path("shares").path("person").asDouble();
        assertTrue(share > 0.05 && share < 0.95, person);
        assertEquals(expected, lines(Path.of(out, "run-001")));
        assertTrue(s.err().contains("segment: 17 images, 17 ok, 0 failed"), s.err());
        assertTrue(Files.isRegularFile(tmp.resolve("masks/digits/7.png")), "the input's relative path under --masks");
        assertEquals(17, tree(tmp.resolve("masks")).size(), "one label map per image, and no other file");
        assertSameTree(tmp.resolve("cli-masks"), tmp.resolve("masks"));
        assertSameTree(tmp.resolve("cli-alpha"), tmp.resolve("alpha"));

        // a second job into the same folders only with --skip-done
        TestSpark.Run again = spark("segment", "--input", "samples/", "--output", tmp.resolve("seg2").toString(), "--masks", tmp.resolve("masks").toString());
        assertEquals(2, again.code(), again.err());
        assertTrue(again.err().contains("holds files of an earlier run (--masks)"), again.err());
    }

    /** An untrained Mask R-CNN: near-uniform class scores give instances above a low threshold. */
    private Path maskRcnn() throws Exception {
        Init.seed(5);
        MaskRcnnSpec spec = MaskRcnnSpec.smallImages("resnet18", 3, 64);
        FasterRcnn net = spec.build();
        Path f = tmp.resolve("mask.safetensors");
        InstanceModelFile.save(f, net, InstanceModelFile.config(spec, List.of("circle", "square"), List.of(1, 2), new DetectParams(0.3f, 0.5f, 5), null),
                "", Map.of(), Map.of());
        return f;
    }

    @Test
    void maskRcnnInstancesInOneAndTwoPartitions() throws Exception {
        Path f = maskRcnn();
        Path data = tmp.resolve("data");
        ShapesGenerator.generate(data, new ShapesGenerator.Options(0, 3, 64, 3, List.of(Path.of("samples/dog.jpg")), 1, 100_000_000L));
        for (String[] v : new String[][] {{"1"}, {"2", "--polygons"}}) {
            List<String> extra = List.of(v).subList(1, v.length); // RLE in one partition, polygons in two
            String cliMasks = tmp.resolve("cli-inst" + v[0]).toString(), masks = tmp.resolve("inst" + v[0]).toString();
            List<String> ca = new java.util.ArrayList<>(List.of("segment", "--model", f.toString(), data.toString(), "--conf", "0.1", "--format", "jsonl",
                    "-q", "--masks", cliMasks));
            ca.addAll(extra);
            TestSpark.Run c = cli(ca.toArray(String[]::new));
            assertEquals(0, c.code(), c.err());
            String out = tmp.resolve("seg" + v[0]).toString();
            List<String> sa = new java.util.ArrayList<>(List.of("segment", "--model", f.toString(), "--input", data.toString(), "--output", out,
                    "--conf", "0.1", "--partitions", v[0], "--masks", masks, "-q"));
            sa.addAll(extra);
            TestSpark.Run s = spark(sa.toArray(String[]::new));
            assertEquals(0, s.code(), s.err());
            List<String> expected = c.out().lines().toList();
            assertEquals(3, expected.size());
            assertTrue(expected.get(0).contains(extra.isEmpty() ? "\"segmentation\":{\"size\":[64,64],\"counts\":\"" : "\"segmentation\":[["),
                    expected.get(0));
            assertEquals(expected, lines(Path.of(out, "run-001")));
            Map<String, byte[]> written = tree(Path.of(masks));
            assertTrue(written.containsKey("val/" + expected.get(0).replaceAll(".*/val/([^.]+)\\..*", "$1") + "_0.png"), written.keySet().toString());
            assertSameTree(Path.of(cliMasks), Path.of(masks));
        }
    }

    @Test
    void optionsThatDoNotFitTheModelAreUsageErrors() throws Exception {
        Path f = maskRcnn();
        TestSpark.Run a = spark("segment", "--model", f.toString(), "--input", "samples/dog.jpg", "--output", tmp.resolve("a").toString(),
                "--alpha", tmp.resolve("alpha").toString());
        assertEquals(2, a.code(), a.err());
        assertTrue(a.err().contains("cvkit: --alpha is for semantic models"), a.err());
        TestSpark.Run p = spark("segment", "--input", "samples/dog.jpg", "--output", tmp.resolve("p").toString(), "--polygons");
        assertEquals(2, p.code(), p.err());
        assertTrue(p.err().contains("cvkit: --polygons is for instance models (Mask R-CNN); meet is a semantic one"), p.err());
        TestSpark.Run same = spark("segment", "--input", "samples/dog.jpg", "--output", tmp.resolve("o").toString(), "--masks", tmp.resolve("m").toString(),
                "--alpha", tmp.resolve("m").toString());
        assertEquals(2, same.code(), same.err());
    }
}
