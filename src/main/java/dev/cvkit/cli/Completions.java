package dev.cvkit.cli;

import dev.cvkit.detection.CocoClasses;
import dev.cvkit.detection.DetectorFiles;
import dev.cvkit.models.Architecture;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/** Completion candidates for shell completion and help: the names users type for models, architectures, classes and formats. */
final class Completions {
    private Completions() {}

    /** The --format values, lower case as typed, with the alias {@code table}. */
    static final class Formats extends ArrayList<String> {
        Formats() {
            super(List.of("text", "table", "jsonl", "json", "csv"));
        }
    }

    /** The bundled detectors' short names. */
    static final class Detectors extends ArrayList<String> {
        Detectors() {
            super(new TreeSet<>(DetectorFiles.NAMES.keySet()));
        }
    }

    /** The bundled person segmenters' short names. */
    static final class PersonSegmenters extends ArrayList<String> {
        PersonSegmenters() {
            super(Arrays.stream(dev.cvkit.segmentation.PersonModel.values()).map(dev.cvkit.segmentation.PersonModel::id).toList());
        }
    }

    /** The classification architectures, then the detectors cvkit trains. */
    static final class Architectures extends ArrayList<String> {
        Architectures() {
            super(Arrays.stream(Architecture.values()).map(Architecture::cliName).toList());
            addAll(dev.cvkit.detection.training.DetectorFamilies.names());
        }
    }

    /** YOLO's model sizes ({@code train --scale}). */
    static final class Scales extends ArrayList<String> {
        Scales() {
            super(dev.cvkit.detection.yolo.YoloSpec.SCALES);
        }
    }

    /** train --task segment --arch fcn --head: the lecture's FCN variants. */
    static final class FcnHeads extends ArrayList<String> {
        FcnHeads() {
            super(java.util.List.of("fcn32s", "fcn16s", "fcn8s", "dilated"));
        }
    }

    /** train --task segment --arch fcn --upsample. */
    static final class FcnUpsamples extends ArrayList<String> {
        FcnUpsamples() {
            super(dev.cvkit.segmentation.FcnSpec.UPSAMPLES);
        }
    }

    /** Everything {@code cvkit models summary} builds: classifiers, then detectors. */
    static final class ModelNames extends ArrayList<String> {
        ModelNames() {
            super(Arrays.stream(Architecture.values()).map(Architecture::cliName).toList());
            addAll(new TreeSet<>(ModelsCommand.detectorNames()));
        }
    }

    /** The default detector's classes (the 80 COCO names). */
    static final class CocoClassNames extends ArrayList<String> {
        CocoClassNames() {
            super(CocoClasses.NAMES);
        }
    }
}
