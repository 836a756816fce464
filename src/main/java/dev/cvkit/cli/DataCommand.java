package dev.cvkit.cli;

import dev.cvkit.ExitCodes;
import dev.cvkit.UserError;
import dev.cvkit.data.detect.CocoDetectionReader;
import dev.cvkit.data.detect.DatasetConverter;
import dev.cvkit.data.detect.DatasetStats;
import dev.cvkit.data.detect.DetectionSet;
import dev.cvkit.data.detect.ShapesGenerator;
import dev.cvkit.data.detect.YoloDetectionReader;
import dev.cvkit.io.AtomicFiles;
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
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cvkit data}: data-set helpers. */
@Command(name = "data", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Data-set helpers: generate a detection data set, describe one, convert between COCO and YOLO.",
        subcommands = {DataCommand.ShapesCommand.class, DataCommand.StatsCommand.class, DataCommand.ConvertCommand.class})
public final class DataCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return ExitCodes.OK;
    }

    /** A COCO JSON (with its image folder) or a YOLO data.yaml split. */
    static CocoDetectionReader.Read read(Path data, Path images, String split) {
        return YoloDetectionReader.isYaml(data) ? YoloDetectionReader.read(data, split) : CocoDetectionReader.read(data, images);
    }

    /** {@code cvkit data stats}. */
    @Command(name = "stats", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Describe a detection data set (COCO JSON or YOLO data.yaml): images, instances per class,",
                "box sizes per class; --plot writes the size histogram as a PNG."},
            footerHeading = "%nExamples:%n",
            footer = {"  cvkit data stats shapes/train.json --plot sizes.png",
                "  cvkit data stats data.yaml --split val",
                "",
                "Exit codes: 0 ok; 1 a malformed data set; 2 usage error."})
    static final class StatsCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "DATA", description = "A COCO JSON or a YOLO data.yaml.")
        Path data;

        @Option(names = "--images", paramLabel = "DIR", description = "COCO: the image folder (default: the JSON's folder, or the one named like it).")
        Path images;

        @Option(names = "--split", paramLabel = "S", defaultValue = "train", description = "YOLO: the split (default: ${DEFAULT-VALUE}).")
        String split;

        @Option(names = "--plot", paramLabel = "FILE", description = "Write the box-size histogram as a PNG.")
        Path plot;

        @Override
        public Integer call() throws IOException {
            CocoDetectionReader.Read r = read(data, images, split);
            DatasetStats st = DatasetStats.of(r.set());
            PrintWriter out = spec.commandLine().getOut();
            out.print(st.table());
            out.flush();
            if (r.cleaning().any()) {
                spec.commandLine().getErr().println("cvkit: warning: " + data + ": " + r.cleaning().describe());
                spec.commandLine().getErr().flush();
            }
            if (plot != null) AtomicFiles.write(plot, st.plot());
            return ExitCodes.OK;
        }
    }

    /** {@code cvkit data convert}. */
    @Command(name = "convert", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Convert a detection data set between COCO JSON and Ultralytics YOLO folders, losslessly",
                "(boxes within 1e-3 px, class names and order kept).",
                "coco -> yolo: copies the images to OUT/images/SPLIT/, writes OUT/labels/SPLIT/*.txt and OUT/data.yaml.",
                "yolo -> coco: writes the split as one COCO JSON file (OUT)."},
            footerHeading = "%nExamples:%n",
            footer = {"  cvkit data convert --from coco --to yolo shapes/train.json --out yolo/",
                "  cvkit data convert --from coco --to yolo shapes/val.json --out yolo/",
                "  cvkit data convert --from yolo --to coco yolo/data.yaml --split val \\",
                "      --out val.json",
                "",
                "Exit codes: 0 ok; 1 a malformed data set; 2 usage error."})
    static final class ConvertCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--from", paramLabel = "F", required = true, description = "coco or yolo.")
        String from;

        @Option(names = "--to", paramLabel = "F", required = true, description = "yolo or coco.")
        String to;

        @Parameters(paramLabel = "DATA", description = "The COCO JSON, or the YOLO data.yaml.")
        Path data;

        @Option(names = "--images", paramLabel = "DIR", description = "COCO: the image folder (default: the JSON's folder, or the one named like it).")
        Path images;

        @Option(names = "--split", paramLabel = "S",
                description = "coco -> yolo: the split to write (default: the JSON's name, e.g. train); yolo -> coco: the split to read (default: train).")
        String split;

        @Option(names = "--out", paramLabel = "OUT", required = true, description = "yolo: the data set folder; coco: the JSON file to write.")
        Path out;

        @Override
        public Integer call() throws IOException {
            String f = from.toLowerCase(Locale.ROOT), t = to.toLowerCase(Locale.ROOT);
            DetectionSet.Cleaning c;
            if (f.equals("coco") && t.equals("yolo")) {
                String name = data.getFileName().toString().replaceFirst("\\.json$", "");
                String s = split != null ? split : name.matches("[A-Za-z0-9_-]+") ? name : "train";
                c = DatasetConverter.cocoToYolo(data, images, out, s);
            } else if (f.equals("yolo") && t.equals("coco")) {
                if (Files.exists(out) && Files.isSameFile(out, data)) throw new UserError(out + ": is the input", ExitCodes.USAGE);
                c = DatasetConverter.yoloToCoco(data, split != null ? split : "train", out);
            } else {
                throw new UserError("convert --from " + from + " --to " + to + ": use --from coco --to yolo or --from yolo --to coco", ExitCodes.USAGE);
            }
            if (c.any()) {
                spec.commandLine().getErr().println("cvkit: warning: " + data + ": " + c.describe());
                spec.commandLine().getErr().flush();
            }
            return ExitCodes.OK;
        }
    }

    /** {@code cvkit data shapes}. */
    @Command(name = "shapes", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Generate a COCO detection and instance-segmentation data set with no",
                "download: 1-6 shapes (circle, square, triangle, star, hexagon) per image on",
                "crops of real photographs, with occlusion, blur and noise; boxes and masks",
                "exact. Writes OUT/train.json, OUT/train/, OUT/val.json, OUT/val/."},
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
