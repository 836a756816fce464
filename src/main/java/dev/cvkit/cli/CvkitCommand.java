package dev.cvkit.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The root command: lists the subcommands that work. */
@Command(name = "cvkit",
        mixinStandardHelpOptions = true,
        versionProvider = VersionInfo.class,
        sortOptions = false,
        description = "A command-line computer-vision toolkit: region proposals, CNN engine, detection and COCO evaluation.",
        subcommands = {DetectCommand.class, SegmentCommand.class, ProposeCommand.class, ClassifyCommand.class, TrainCommand.class, EvalCommand.class,
                DataCommand.class, ModelsCommand.class, BenchCommand.class},
        footerHeading = "%nExamples:%n",
        footer = {
                "  cvkit detect samples/              # objects in every photo (80 COCO classes)",
                "  cvkit detect --model face --blur --save out/ photos/    # anonymise faces",
                "  cvkit propose samples/ | jq -c '.proposals[:5]'   # selective-search boxes",
                "  cvkit classify samples/digits/     # the bundled LeNet-5 digit classifier",
                "  cvkit train --task classify --arch lenet5 --data DIR --epochs 10",
                "  cvkit eval --gt gt.json --dt results.json --min AP=0.30   # gate a CI job",
                "  cvkit models summary resnet18      # shapes, parameters, multiply-adds",
                "",
                "Exit codes: 0 ok, 1 some input failed (or a bad data or model file),",
                "2 usage error, 3 quality gate missed, 141 stdout closed by its reader."})
public final class CvkitCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command");
    }
}
