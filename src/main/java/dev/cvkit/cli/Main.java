package dev.cvkit.cli;

import dev.cvkit.ExitCodes;

import dev.cvkit.UserError;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;

/** Entry point: builds the command tree and maps every failure to one line and an exit code. */
public final class Main {
    private Main() {}

    /** True when cvkit was started as a program (not run in-process by tests or a host application). */
    private static volatile boolean ownsProcess;

    public static void main(String[] args) {
        ownsProcess = true;
        System.exit(run(args));
    }

    /** Whether process-wide settings (such as compiler choices) are cvkit's to make. */
    static boolean ownsProcess() { return ownsProcess; }

    /** Runs cvkit in-process (used by the tests): returns the exit code. */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** The configured command line; tests set out/err writers on it. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new CvkitCommand());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setUsageHelpAutoWidth(true);
        cl.setExecutionExceptionHandler(Main::handleExecutionException);
        cl.setParameterExceptionHandler(Main::handleParameterException);
        cl.setColorScheme(CommandLine.Help.defaultColorScheme(
                System.getenv("NO_COLOR") != null ? CommandLine.Help.Ansi.OFF : CommandLine.Help.Ansi.AUTO));
        return cl;
    }

    private static int handleParameterException(CommandLine.ParameterException ex, String[] args) {
        PrintWriter err = ex.getCommandLine().getErr();
        err.println("cvkit: " + ex.getMessage() + " (see '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
        err.flush();
        return ExitCodes.USAGE;
    }

    private static int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        boolean debug = parsed.hasMatchedOption("--debug") || isDebugAnywhere(parsed);
        if (debug) {
            ex.printStackTrace(err);
        }
        int code;
        if (ex instanceof UserError ue) {
            err.println("cvkit: " + ue.getMessage());
            code = ue.exitCode();
        } else if (ex instanceof UncheckedIOException uio && uio.getCause() instanceof NoSuchFileException nsf) {
            err.println("cvkit: " + nsf.getFile() + ": no such file");
            code = ExitCodes.USAGE;
        } else {
            err.println("cvkit: internal error: " + ex + (debug ? "" : " (rerun with --debug for details)"));
            code = ExitCodes.INTERNAL;
        }
        err.flush();
        return code;
    }

    private static boolean isDebugAnywhere(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--debug")) {
                return true;
            }
        }
        return false;
    }
}
