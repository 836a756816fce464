package dev.cvkit.fuzz;

import static dev.cvkit.fuzz.Outcomes.resultOrOneLineError;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.cvkit.classify.Architectures;
import dev.cvkit.classify.ClassifierModel;
import dev.cvkit.train.MetricsLog;
import dev.cvkit.coco.CocoDataset;
import dev.cvkit.coco.CocoResults;
import dev.cvkit.data.IdxFile;
import dev.cvkit.detection.DetectorFiles;
import dev.cvkit.image.ImageDecoder;
import dev.cvkit.image.ImageHeader;
import dev.cvkit.importer.tfjs.TfjsGraphModel;
import dev.cvkit.importer.tfjs.TfjsWeights;
import dev.cvkit.io.SafeTensors;
import dev.cvkit.proposals.GroundTruth;
import dev.cvkit.proposals.ProposalResults;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Fuzz targets for every parser of untrusted input. Each may only return a result or throw the
 * documented one-line error ({@link Outcomes}). In every build the committed corpus
 * ({@code src/test/resources/dev/cvkit/fuzz/ParserFuzzTestInputs/TARGET/}: the valid fixtures
 * {@link FuzzSeeds} wrote, plus every finding) runs as regression tests; {@code tools/fuzz.sh}
 * fuzzes each target with Jazzer's coverage guidance ({@code -Pfuzz}).
 */
class ParserFuzzTest {
    /** How long -Pfuzz fuzzes each target (every build only replays the corpus). */
    static final String BUDGET = "2m";
    private static final Path DIR = tempDir();
    private static final CocoDataset CASE_SMALL = CocoDataset.read(Path.of("src/test/resources/fixtures/coco/case-small/gt.json"));
    private static final GroundTruth SAMPLES = GroundTruth.load(Path.of("samples/gt.json"));
    private static final SafeTensors.Contents LENET = SafeTensors.read(Path.of("models/lenet5-mnist.safetensors"));
    private static final SafeTensors.Contents FACE_TINY = SafeTensors.read(Path.of("models/face-tiny.safetensors"));
    private static final SafeTensors.Contents SELFIE = SafeTensors.read(Path.of("models/selfie.safetensors"));

    private static Path tempDir() {
        try {
            Path d = Files.createTempDirectory("cvkit-fuzz");
            Files.copy(Path.of("src/test/resources/fixtures/tfjs/synthetic.part1.bin"), d.resolve("synthetic.part1.bin"));
            Files.copy(Path.of("src/test/resources/fixtures/tfjs/synthetic.part2.bin"), d.resolve("synthetic.part2.bin"));
            Files.write(d.resolve("w.bin"), new byte[] {0x00, 0x3c, 0x00, (byte) 0xc0, 0x00, 0x38, 0x55, 0x35});
            Files.createDirectories(d.resolve("run"));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(d)));
            return d;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path d) {
        try (var s = Files.walk(d)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary folder: best effort
        }
    }

    private static Path write(String name, byte[] data) throws IOException {
        return Files.write(DIR.resolve(name), data);
    }

    @FuzzTest(maxDuration = BUDGET)
    void cocoDataset(byte[] data) throws Exception {
        Path p = write("gt.json", data);
        resultOrOneLineError(() -> CocoDataset.read(p));
    }

    @FuzzTest(maxDuration = BUDGET)
    void cocoResults(byte[] data) throws Exception {
        Path p = write("dt.json", data);
        resultOrOneLineError(() -> CocoResults.read(p, CASE_SMALL));
    }

    @FuzzTest(maxDuration = BUDGET)
    void proposalResults(byte[] data) throws Exception {
        Path p = write("props.jsonl", data);
        resultOrOneLineError(() -> ProposalResults.load(p, SAMPLES));
    }

    @FuzzTest(maxDuration = BUDGET)
    void safetensors(byte[] data) throws Exception {
        Path p = write("m.safetensors", data);
        resultOrOneLineError(() -> SafeTensors.read(p));
    }

    /** A valid classifier's tensors under a fuzzed config: what the loader must validate. */
    @FuzzTest(maxDuration = BUDGET)
    void classifierConfig(byte[] data) throws Exception {
        Map<String, String> meta = new LinkedHashMap<>(LENET.metadata());
        meta.put(SafeTensors.CONFIG_KEY, new String(data, StandardCharsets.UTF_8));
        Path p = DIR.resolve("c.safetensors");
        SafeTensors.write(p, LENET.tensors(), meta);
        resultOrOneLineError(() -> ClassifierModel.load(p, Architectures.ZOO));
    }

    @FuzzTest(maxDuration = BUDGET)
    void detectorConfig(byte[] data) throws Exception {
        Map<String, String> meta = new LinkedHashMap<>(FACE_TINY.metadata());
        meta.put(SafeTensors.CONFIG_KEY, new String(data, StandardCharsets.UTF_8));
        meta.remove("quantization");
        Path p = DIR.resolve("d.safetensors");
        SafeTensors.write(p, FACE_TINY.tensors(), meta);
        resultOrOneLineError(() -> DetectorFiles.load(p));
    }

    /** The selfie segmenter's tensors under a fuzzed config (its graph included): what PersonSegmenter.read must validate. */
    @FuzzTest(maxDuration = BUDGET)
    void personSegmenterConfig(byte[] data) throws Exception {
        Map<String, String> meta = new LinkedHashMap<>(SELFIE.metadata());
        meta.put(SafeTensors.CONFIG_KEY, new String(data, StandardCharsets.UTF_8));
        Path p = DIR.resolve("p.safetensors");
        SafeTensors.write(p, SELFIE.tensors(), meta);
        resultOrOneLineError(() -> dev.cvkit.segmentation.PersonSegmenter.read(p));
    }

    @FuzzTest(maxDuration = BUDGET)
    void tfjsManifest(byte[] data) throws Exception {
        Path p = write("synthetic-weights_manifest.json", data);
        resultOrOneLineError(() -> TfjsWeights.readManifest(p));
    }

    @FuzzTest(maxDuration = BUDGET)
    void tfjsGraph(byte[] data) throws Exception {
        Path p = write("model.json", data);
        resultOrOneLineError(() -> TfjsGraphModel.read(p));
    }

    /** Header sniffing (the pixel-count guard) and OpenCV's decoders behind it. */
    @FuzzTest(maxDuration = BUDGET)
    void image(byte[] data) throws Exception {
        resultOrOneLineError(() -> {
            ImageHeader.sniff(data);
            try (Mat m = ImageDecoder.decode(data, 4_000_000)) {
                // decoded or refused, nothing else
            }
        });
    }

    @FuzzTest(maxDuration = BUDGET)
    void idxFile(byte[] data) throws Exception {
        Path p = write("labels-idx1-ubyte", data);
        resultOrOneLineError(() -> IdxFile.read(p, 1));
        Path q = write("images-idx3-ubyte", data);
        resultOrOneLineError(() -> IdxFile.read(q, 3));
    }

    /** A training run's metrics.jsonl, read back on --resume. */
    @FuzzTest(maxDuration = BUDGET)
    void metricsLog(byte[] data) throws Exception {
        Files.write(DIR.resolve("run/metrics.jsonl"), data);
        resultOrOneLineError(() -> new MetricsLog(DIR.resolve("run")).load(1000));
    }

    /** An Ultralytics data.yaml and one YOLO label file (train --task detect --data data.yaml, data convert, data stats). */
    @FuzzTest(maxDuration = BUDGET)
    void yoloDataSet(byte[] data) throws Exception {
        int cut = data.length / 2;
        Path root = DIR.resolve("yolo");
        Files.createDirectories(root.resolve("images/train"));
        Files.createDirectories(root.resolve("labels/train"));
        Path img = root.resolve("images/train/a.png");
        if (!Files.exists(img)) Files.copy(Path.of("samples/coffee.png"), img);
        Files.write(root.resolve("data.yaml"), java.util.Arrays.copyOfRange(data, 0, cut));
        Files.write(root.resolve("labels/train/a.txt"), java.util.Arrays.copyOfRange(data, cut, data.length));
        resultOrOneLineError(() -> dev.cvkit.data.detect.YoloDetectionReader.read(root.resolve("data.yaml"), "train"));
    }
}
