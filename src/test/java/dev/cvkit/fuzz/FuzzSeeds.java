package dev.cvkit.fuzz;

import dev.cvkit.image.ImageEncoder;
import dev.cvkit.io.SafeTensors;
import dev.cvkit.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Writes the seed corpus of {@link ParserFuzzTest}: small valid inputs taken from the project's
 * fixtures and samples. Run once from the project folder (the files are committed):
 * {@code java -cp target/test-classes:target/classes:DEPS dev.cvkit.fuzz.FuzzSeeds}.
 */
public final class FuzzSeeds {
    static final Path ROOT = Path.of("src/test/resources/dev/cvkit/fuzz/ParserFuzzTestInputs");

    private FuzzSeeds() {}

    public static void main(String[] args) throws IOException {
        seed("cocoDataset", "gt", Files.readAllBytes(Path.of("samples/gt.json")));
        String dt = Files.readString(Path.of("src/test/resources/fixtures/coco/case-small/dt_bbox.json"));
        seed("cocoResults", "dt", firstResults(dt, 12).getBytes(StandardCharsets.UTF_8));
        seed("proposalResults", "jsonl", ("{\"file\":\"samples/dog.jpg\",\"width\":768,\"height\":576,\"proposals\":[[0,0,100,120],[10,20,300,200]]}\n"
                + "{\"file\":\"samples/person.jpg\",\"width\":640,\"height\":427,\"proposals\":[[5,5,50,60]]}\n").getBytes(StandardCharsets.UTF_8));
        seed("proposalResults", "coco", "[{\"image_id\":1,\"category_id\":1,\"bbox\":[1,2,30,40],\"score\":0.9}]".getBytes(StandardCharsets.UTF_8));
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("conv.weight", Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 1, 1, 2, 3));
        t.put("fc.bias", Tensor.of(new float[] {0.5f, -1}, 2));
        Path small = Files.createTempFile("seed", ".safetensors");
        SafeTensors.write(small, t, Map.of(SafeTensors.CONFIG_KEY, "{\"task\":\"classify\"}"));
        seed("safetensors", "small", Files.readAllBytes(small));
        Files.delete(small);
        seed("classifierConfig", "lenet5", SafeTensors.read(Path.of("models/lenet5-mnist.safetensors")).config().getBytes(StandardCharsets.UTF_8));
        seed("detectorConfig", "face-tiny", SafeTensors.read(Path.of("models/face-tiny.safetensors")).config().getBytes(StandardCharsets.UTF_8));
        seed("tfjsManifest", "synthetic", Files.readAllBytes(Path.of("src/test/resources/fixtures/tfjs/synthetic-weights_manifest.json")));
        seed("tfjsGraph", "three-nodes", GRAPH.getBytes(StandardCharsets.UTF_8));
        try (Mat big = opencv_imgcodecs.imread("samples/dog.jpg"); Mat img = new Mat()) {
            opencv_imgproc.resize(big, img, new Size(24, 18));
            for (String ext : new String[] {"png", "jpg", "bmp", "webp", "tiff", "ppm"}) {
                seed("image", ext, ImageEncoder.encode(img, ext));
            }
        }
        seed("idxFile", "labels", gunzip("src/test/resources/fixtures/data/mnist/t10k-labels-idx1-ubyte.gz"));
        byte[] images = gunzip("src/test/resources/fixtures/data/mnist/t10k-images-idx3-ubyte.gz");
        byte[] two = Arrays.copyOf(images, 16 + 2 * 28 * 28);
        two[7] = 2; // the header's image count
        seed("idxFile", "images", two);
        seed("metricsLog", "two-epochs", ("{\"epoch\":1,\"train_loss\":0.9,\"val_top1\":0.5}\n"
                + "{\"epoch\":2,\"train_loss\":0.6,\"val_top1\":0.7}\n").getBytes(StandardCharsets.UTF_8));
    }

    /** The three-node TF.js graph of TfjsGraphModelTest. */
    private static final String GRAPH = """
        {"format": "graph-model", "signature": {"inputs": {"x:0": {"name": "x:0"}}, "outputs": {"conv:0": {"name": "conv:0"}}},
         "modelTopology": {"node": [
           {"name": "x", "op": "Placeholder", "attr": {"dtype": {"type": "DT_FLOAT"}}},
           {"name": "w", "op": "Const"},
           {"name": "conv", "op": "Conv2D", "input": ["x", "w"],
            "attr": {"padding": {"s": "VkFMSUQ="}, "strides": {"list": {"i": ["1", "2", "2", "1"]}}}}]},
         "weightsManifest": [{"paths": ["w.bin"], "weights": [
           {"name": "w", "shape": [2, 2], "dtype": "float32", "quantization": {"dtype": "float16", "original_dtype": "float32"}}]}]}
        """;

    private static String firstResults(String json, int n) {
        com.fasterxml.jackson.databind.ObjectMapper m = new com.fasterxml.jackson.databind.ObjectMapper();
        try {
            var arr = (com.fasterxml.jackson.databind.node.ArrayNode) m.readTree(json);
            var out = m.createArrayNode();
            for (int i = 0; i < Math.min(n, arr.size()); i++) {
                out.add(arr.get(i));
            }
            return m.writeValueAsString(out);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static byte[] gunzip(String path) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(Path.of(path)))) {
            return in.readAllBytes();
        }
    }

    private static void seed(String target, String name, byte[] bytes) throws IOException {
        Path dir = Files.createDirectories(ROOT.resolve(target));
        Files.write(dir.resolve("seed-" + name), bytes);
    }
}
