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
        subcommands = {DetectCommand.class, ProposeCommand.class, ClassifyCommand.class, TrainCommand.class, EvalCommand.class,
                ModelsCommand.class, BenchCommand.class},
        footerHeading = "%nExamples:%n",
        footer = {
                "  cvkit propose samples/                       proposals for every image, a table on a terminal",
                "  find photos -name '*.jpg' | cvkit propose - | jq -c '.proposals[:5]'",
                "  cvkit eval --proposals props.jsonl --gt samples/gt.json",
                "",
                "Exit codes: 0 ok, 1 some input failed, 2 usage error, 3 quality gate missed."})
public final class CvkitCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command");
    }
}
