package dev.cvkit.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code cvkit models}: model files (import from other frameworks). */
@Command(name = "models",
        mixinStandardHelpOptions = true,
        description = "Manage model files.",
        subcommands = {ModelsImportCommand.class})
public final class ModelsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing subcommand (import)");
    }
}
