package dev.cvkit.detection;

import dev.cvkit.image.ImageDecoder;
import dev.cvkit.image.RgbImage;
import dev.cvkit.importer.tfjs.TfjsModelImporter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Assumptions;

/**
 * The imported detectors for tests: the model file under models/ when it is there (Tiny is
 * committed; SSD and NanoDet are made by tools/fetch-models.sh --import), else imported from the
 * npm cache when that is there, else the test is skipped.
 */
final class Models {
    static final Path FIXTURES = Path.of("src/test/resources/fixtures/detect");
    private static final Map<Architecture, Detector> CACHE = new HashMap<>();

    private Models() {}

    static synchronized Detector get(Architecture arch) {
        return CACHE.computeIfAbsent(arch, Models::find);
    }

    private static Detector find(Architecture arch) {
        String file = switch (arch) {
            case SSD_MOBILENETV1_FACE -> "face-ssd.safetensors";
            case TINY_FACE -> "face-tiny.safetensors";
            case NANODET -> "nanodet.safetensors";
        };
        Path model = Path.of("models", file);
        if (Files.isRegularFile(model)) {
            return DetectorFiles.load(model);
        }
        Path cache = Path.of(System.getProperty("cvkit.cache", "data/cache/npm"));
        Path src = arch == Architecture.NANODET ? cache.resolve("human-models-3.0.4/models/nanodet.json")
                : cache.resolve("face-api-1.7.15/model");
        Assumptions.assumeTrue(Files.exists(src), "no " + model + " and no npm cache: run tools/fetch-models.sh --import");
        try {
            Path tmp = Files.createTempFile("cvkit-" + arch.id(), ".safetensors");
            tmp.toFile().deleteOnExit();
            TfjsModelImporter.write(TfjsModelImporter.importModel(src, arch), tmp);
            return DetectorFiles.load(tmp);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static RgbImage image(String name) {
        try (Mat m = ImageDecoder.read(FIXTURES.resolve(name), 100_000_000L)) {
            return RgbImage.fromMat(m);
        }
    }
}
