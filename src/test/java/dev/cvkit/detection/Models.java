package dev.cvkit.detection;

import dev.cvkit.image.ImageDecoder;
import dev.cvkit.image.RgbImage;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * The bundled detectors for tests: the committed model files under models/ (compact U8/F16
 * forms of the imports, which load bit-identical to a fresh import; ModelsImportCommandTest
 * checks that where the npm cache exists). No network, no npm needed.
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
            case CENTERNET -> "centernet.safetensors";
        };
        return DetectorFiles.load(Path.of("models", file));
    }

    static RgbImage image(String name) {
        try (Mat m = ImageDecoder.read(FIXTURES.resolve(name), 100_000_000L)) {
            return RgbImage.fromMat(m);
        }
    }
}
