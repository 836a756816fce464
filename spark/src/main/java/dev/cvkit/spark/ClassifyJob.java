package dev.cvkit.spark;

import dev.cvkit.ExitCodes;
import dev.cvkit.UserError;
import dev.cvkit.classify.Architectures;
import dev.cvkit.classify.ClassifierModel;
import dev.cvkit.detection.DetectorFiles;
import dev.cvkit.image.ImageDecoder;
import dev.cvkit.image.Pixels;
import dev.cvkit.records.ClassifyRecords;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.spark.broadcast.Broadcast;
import org.bytedeco.opencv.opencv_core.Mat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code cvkit-spark classify}: {@code cvkit classify} over many images, one JSON line per image. */
@Command(name = "classify", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Classify images as 'cvkit classify' does (same models, options and JSON lines), on Spark.")
final class ClassifyJob implements Callable<Integer> {
    private static final String BUNDLED = "lenet5-mnist.safetensors";

    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Mixin
    JobOptions job;

    @Option(names = "--model", paramLabel = "M", description = "Model file, local or on a Hadoop file system (default: the bundled models/" + BUNDLED + ").")
    String model;

    @Option(names = "--top", paramLabel = "K", defaultValue = "1", description = "Report the K most probable classes (default: ${DEFAULT-VALUE}).")
    int top;

    @Override
    public Integer call() throws Exception {
        if (top < 1) {
            throw new UserError("--top must be at least 1, got " + top, ExitCodes.USAGE);
        }
        byte[] bytes = DriverFiles.read(model != null ? model : bundled().toString(), "--model");
        ClassifierModel.load(DriverFiles.toTempFile(bytes, ".safetensors"), Architectures.ZOO); // a bad model fails here, before any task
        try (Main.Context ctx = main.context("classify", job.master)) {
            Maker s = new Maker(ctx.sc().broadcast(bytes), DriverFiles.sha256(bytes), top, job.maxPixels);
            return ImageRun.run(ctx.sc(), job, "classify", s, spec.commandLine().getErr());
        }
    }

    /** As the CLI: models/ in the working folder, else beside cvkit's jar. */
    private static Path bundled() {
        Path here = Path.of("models", BUNDLED);
        return Files.isRegularFile(here) ? here : DetectorFiles.modelsFolder().resolve(BUNDLED);
    }

    /** What the executors build: the classifier from the broadcast bytes, and the CLI's record maker. */
    record Maker(Broadcast<byte[]> model, String sha, int top, long maxPixels) implements RecordMaker.Spec {
        @Override
        public String key() {
            return "classify " + sha + " " + top + " " + maxPixels;
        }

        @Override
        public RecordMaker build() throws IOException {
            ClassifyRecords records = new ClassifyRecords(ClassifierModel.load(DriverFiles.toTempFile(model.value(), ".safetensors"), Architectures.ZOO), top);
            return (item, bytes, t0) -> {
                Pixels px;
                try (Mat m = ImageDecoder.decode(bytes, maxPixels)) {
                    px = Pixels.of(m);
                }
                return ClassifyRecords.line(item.given(), records.classify(px, t0));
            };
        }
    }
}
