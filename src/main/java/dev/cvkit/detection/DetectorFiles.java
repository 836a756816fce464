package dev.cvkit.detection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cvkit.UserError;
import dev.cvkit.ExitCodes;
import dev.cvkit.detection.training.DetectorFamilies;
import dev.cvkit.io.ConfigValues;
import dev.cvkit.io.SafeTensors;
import dev.cvkit.nn.Module;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Loads detectors from cvkit model files and resolves the short model names of
 * {@code cvkit detect --model}: {@code centernet} (default) and {@code nanodet} (80 COCO classes),
 * {@code face} (= {@code face-ssd}) and {@code face-tiny}, looked up in the models folder
 * ({@code $CVKIT_MODELS}, else {@code models/} beside the folder holding cvkit's jar, else
 * {@code ./models}).
 */
public final class DetectorFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Short name → file name in the models folder. */
    public static final Map<String, String> NAMES = Map.of(
            "nanodet", "nanodet.safetensors",
            "centernet", "centernet.safetensors",
            "face", "face-ssd.safetensors",
            "face-ssd", "face-ssd.safetensors",
            "face-tiny", "face-tiny.safetensors");

    private DetectorFiles() {}

    /** A model given by short name or path. */
    public static Detector resolve(String nameOrPath) {
        String file = NAMES.get(nameOrPath);
        if (file == null) {
            Path p = Path.of(nameOrPath);
            if (!Files.exists(p)) {
                throw new UserError(nameOrPath + ": no such model file or model name (names: centernet, face, face-ssd, face-tiny, nanodet)", ExitCodes.USAGE);
            }
            return load(p);
        }
        Path p = modelsFolder().resolve(file);
        if (!Files.isRegularFile(p)) {
            throw new UserError("model '" + nameOrPath + "' is not installed at " + p
                    + " (the models are committed with cvkit; set CVKIT_MODELS to the folder holding them, or run tools/fetch-models.sh --import)",
                    ExitCodes.USAGE);
        }
        return load(p);
    }

    /**
     * True when {@code nameOrPath} is a detector: one of the short names, or a model file whose
     * config says {@code "task": "detect"} (read from the header only). False for other model
     * files (classifiers). A path that does not exist is a usage error.
     */
    public static boolean isDetector(String nameOrPath) {
        if (NAMES.containsKey(nameOrPath)) {
            return true;
        }
        Path p = Path.of(nameOrPath);
        if (!Files.isRegularFile(p)) {
            throw new UserError(nameOrPath + ": no such model file or model name (detectors: centernet, face, face-ssd, face-tiny, nanodet)", ExitCodes.USAGE);
        }
        Map<String, String> meta = SafeTensors.readMetadata(p); // damaged: a bad data file, exit 1
        String cfg = meta.get(SafeTensors.CONFIG_KEY);
        try {
            return cfg != null && "detect".equals(JSON.readTree(cfg).path("task").asText());
        } catch (IOException e) {
            throw bad(p, "config metadata is not valid JSON");
        }
    }

    /** The folder that holds the named models. */
    public static Path modelsFolder() {
        String env = System.getenv("CVKIT_MODELS");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        try {
            Path jar = Path.of(DetectorFiles.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path candidate = jar.getParent() == null ? null : jar.getParent().getParent();
            if (candidate != null && Files.isDirectory(candidate.resolve("models"))) {
                return candidate.resolve("models");
            }
        } catch (URISyntaxException | SecurityException | NullPointerException ignored) {
            // fall back to the working folder
        }
        return Path.of("models");
    }

    /** Reads a cvkit detector file (safetensors with a detect config). */
    public static Detector load(Path file) {
        SafeTensors.Contents c = SafeTensors.read(file); // missing: exit 2; damaged: a bad data file, exit 1
        String cfgText = c.config();
        if (cfgText == null) {
            throw bad(file, "has no cvkit config metadata");
        }
        JsonNode cfg;
        try {
            cfg = JSON.readTree(cfgText);
        } catch (IOException e) {
            throw bad(file, "config metadata is not valid JSON");
        }
        if (!"detect".equals(cfg.path("task").asText())) {
            // a sound file of another kind: the wrong --model was chosen
            throw new UserError(file + ": is a '" + cfg.path("task").asText("?") + "' model, not a detector", ExitCodes.USAGE);
        }
        String archId = cfg.path("architecture").asText("");
        Architecture arch = Architecture.byId(archId);
        if (arch == null && DetectorFamilies.get(archId) == null) {
            List<String> known = new ArrayList<>(DetectorFamilies.names());
            for (Architecture a : Architecture.values()) known.add(a.id());
            throw bad(file, "unknown detector architecture '" + archId + "' (known: " + String.join(", ", known) + ")");
        }
        String nonFinite = SafeTensors.firstNonFinite(c.tensors());
        if (nonFinite != null) {
            throw bad(file, "tensor " + nonFinite + " holds NaN or infinite values");
        }
        List<String> classes = new ArrayList<>();
        cfg.path("classes").forEach(n -> classes.add(n.asText()));
        List<Integer> ids = new ArrayList<>();
        try {
            for (JsonNode n : cfg.path("category_ids")) ids.add(ConfigValues.integer(n, "category_ids", 0, Integer.MAX_VALUE));
        } catch (IllegalArgumentException e) {
            throw bad(file, e.getMessage());
        }
        if (classes.isEmpty() || ids.size() != classes.size()) {
            throw bad(file, "config lists " + classes.size() + " classes and " + ids.size() + " category ids");
        }
        JsonNode th = cfg.path("thresholds");
        DetectParams defaults;
        try {
            defaults = new DetectParams((float) ConfigValues.number(th, "conf", 0.5, 0, 1), (float) ConfigValues.number(th, "iou", 0.5, 0, 1),
                    ConfigValues.integer(th, "max_det", 100, 1, 100_000));
        } catch (IllegalArgumentException e) {
            throw bad(file, "thresholds: " + e.getMessage());
        }
        if (arch == null) {
            try {
                return DetectorFamilies.load(cfg, c.tensors(), defaults, classes, ids);
            } catch (IllegalArgumentException e) {
                throw bad(file, e.getMessage());
            }
        }
        Module net = arch.newNetwork();
        try {
            net.loadStateDict(c.tensors());
        } catch (IllegalArgumentException e) {
            throw bad(file, "weights do not fit " + arch.id() + " (" + e.getMessage() + ")");
        }
        net.eval();
        try {
            return switch (arch) {
                case SSD_MOBILENETV1_FACE -> new SsdFaceDetector((SsdMobileNetV1Face) net, defaults, classes, ids);
                case TINY_FACE -> new TinyFaceDetector((TinyFaceNet) net, inputSize(file, cfg), defaults, classes, ids);
                case NANODET -> new NanoDetDetector((NanoDetNet) net, defaults, classes, ids);
                case CENTERNET -> new CenterNetDetector((CenterNetNet) net, defaults, classes, ids);
            };
        } catch (IllegalArgumentException e) {
            throw bad(file, e.getMessage());
        }
    }

    /** The Tiny face detector's square input side: a whole number up to 4096 (a larger one only exhausts memory). */
    private static int inputSize(Path file, JsonNode cfg) {
        JsonNode n = cfg.path("input_size");
        if (n.isMissingNode()) {
            return 416;
        }
        if (!n.canConvertToInt() || n.asInt() < 64 || n.asInt() > 4096) {
            throw bad(file, "input_size " + n + " is outside 64 … 4096");
        }
        return n.asInt();
    }

    /** A model file that is there but wrong: a bad data file (exit 1), as the README says. */
    private static UserError bad(Path file, String what) {
        return new UserError(file + ": bad model file: " + what, ExitCodes.INPUT_FAILED);
    }
}
