package dev.cvkit.segmentation;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cvkit.ExitCodes;
import dev.cvkit.UserError;
import dev.cvkit.detection.DetectorFiles;
import dev.cvkit.image.RgbImage;
import dev.cvkit.io.SafeTensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The semantic models {@code cvkit segment --model} (and {@code cvkit-spark segment}) takes: a bundled person segmenter by short
 * name (the default when no --model is given) from the models folder, or a model file, either an
 * imported person segmenter or an FCN trained by cvkit, told apart by its config.
 */
public final class SegmentModels {
    /** The person segmenter used when no --model is given (chosen by measured quality; docs/segmentation.md). */
    public static final PersonModel DEFAULT = PersonModel.MEET;

    private SegmentModels() {}

    /** A loaded model: exactly one of the two kinds. */
    public record Loaded(PersonSegmenter person, SemanticSegmenter fcn) {
        /** Class names without the background. */
        public List<String> classes() { return person != null ? person.classes() : fcn.classes(); }

        /** Labels, and the soft foreground mask when {@code soft} (FCN: computed only then). */
        public SemanticSegmenter.Soft segment(RgbImage im, boolean soft) {
            if (person != null) {
                PersonSegmenter.Mask m = person.segment(im);
                return new SemanticSegmenter.Soft(m.labels(), m.alpha());
            }
            return soft ? fcn.segmentSoft(im) : new SemanticSegmenter.Soft(fcn.segment(im), null);
        }
    }

    /** The file a --model value names (null: the default person segmenter); a missing one is a usage error. */
    public static Path file(String nameOrPath) {
        PersonModel named = nameOrPath == null ? DEFAULT : PersonModel.byId(nameOrPath);
        if (named != null) {
            Path p = DetectorFiles.modelsFolder().resolve(named.fileName());
            if (!Files.isRegularFile(p)) {
                throw new UserError("model '" + named.id() + "' is not installed at " + p
                        + " (the models are committed with cvkit; set CVKIT_MODELS to the folder holding them, or run tools/fetch-models.sh --import)",
                        ExitCodes.USAGE);
            }
            return p;
        }
        Path p = Path.of(nameOrPath);
        if (!Files.exists(p)) {
            throw new UserError(nameOrPath + ": no such model file or model name (names: "
                    + String.join(", ", Arrays.stream(PersonModel.values()).map(PersonModel::id).toList()) + ")", ExitCodes.USAGE);
        }
        return p;
    }

    /** Reads a model file of either kind (the header's config decides). */
    public static Loaded load(Path file) {
        String cfg = SafeTensors.readMetadata(file).get(SafeTensors.CONFIG_KEY);
        boolean person;
        try {
            person = cfg != null && PersonSegmenter.isPerson(new ObjectMapper().readTree(cfg));
        } catch (IOException e) {
            person = false; // the FCN reader reports the bad config
        }
        return person ? new Loaded(PersonSegmenter.read(file), null) : new Loaded(null, SemanticModelFile.read(file));
    }
}
