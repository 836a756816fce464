package dev.cvkit.cli;

import dev.cvkit.ExitCodes;
import dev.cvkit.UserError;
import dev.cvkit.data.detect.ShapesGenerator;
import dev.cvkit.detection.DetectorFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cvkit data}: data-set helpers. */
@Command(name = "data", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Data-set helpers: generate a detection data set.",
        subcommands = {DataCommand.ShapesCommand.class})
public final class DataCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return ExitCodes.OK;
    }

    /** {@code cvkit data shapes}. */
    @Command(name = "shapes", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Generate a COCO detection and instance-segmentation data set with no download: 1-6 shapes",
                "(circle, square, triangle, star, hexagon) per image on crops of real photographs, with occlusion,",
                "blur and noise; boxes and masks exact. Writes OUT/train.json, OUT/train/, OUT/val.json, OUT/val/."},
            footerHeading = "%nExamples:%n",
            footer = {"  cvkit data shapes --out shapes/",
                "  cvkit data shapes --out small/ --train 200 --val 50 --imgsz 128 \\",
                "      --backgrounds photos/",
                "",
                "Exit codes: 0 ok; 1 a background photo is unreadable; 2 usage error."})
    static final class ShapesCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--out", paramLabel = "DIR", required = true, description = "Folder to write the data set into.")
        Path out;

        @Option(names = "--train", paramLabel = "N", defaultValue = "2000", description = "Training images (default: ${DEFAULT-VALUE}).")
        int train;

        @Option(names = "--val", paramLabel = "N", defaultValue = "300", description = "Validation images (default: ${DEFAULT-VALUE}).")
        int val;

        @Option(names = "--imgsz", paramLabel = "N", defaultValue = "160", description = "Image side in pixels (default: ${DEFAULT-VALUE}).")
        int imgsz;

        @Option(names = "--backgrounds", paramLabel = "DIR",
                description = "Photographs to crop backgrounds from (default: cvkit's samples/).")
        Path backgrounds;

        @Mixin
        RunOptions run;

        @Override
        public Integer call() throws IOException {
            if (train > 10_000_000 || val > 10_000_000) throw new UserError("--train and --val must be at most 10000000", ExitCodes.USAGE);
            Path bg = backgrounds != null ? backgrounds : DetectorFiles.modelsFolder().toAbsolutePath().getParent().resolve("samples");
            if (!Files.isDirectory(bg)) {
                throw new UserError(bg + ": no such folder of background photographs (give --backgrounds DIR)", ExitCodes.USAGE);
            }
            List<Path> photos = new ArrayList<>();
            try (Stream<Path> s = Files.list(bg)) {
                s.filter(Files::isRegularFile).filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).matches(".*\\.(jpe?g|png|bmp|webp|tiff?)"))
                        .sorted().forEach(photos::add);
            }
            ShapesGenerator.Summary sum = ShapesGenerator.generate(out,
                    new ShapesGenerator.Options(train, val, imgsz, run.seed, photos, run.threadCount(), 100_000_000L));
            if (!run.quiet) {
                PrintWriter err = spec.commandLine().getErr();
                err.printf(Locale.ROOT, "data shapes: %d train images (%d shapes), %d val images (%d shapes) from %d photographs in %s%n",
                        sum.trainImages(), sum.trainInstances(), sum.valImages(), sum.valInstances(), photos.size(), out);
                err.flush();
            }
            return ExitCodes.OK;
        }
    }
}
