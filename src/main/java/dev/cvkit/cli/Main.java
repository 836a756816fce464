package dev.cvkit.cli;

import dev.cvkit.ExitCodes;

import dev.cvkit.UserError;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
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
        CommandLine cl = commandLine();
        PrintWriter out = CheckedStdout.writer(new FileOutputStream(FileDescriptor.out));
        cl.setOut(out);
        int code;
        try {
            code = cl.execute(args);
            out.flush();
        } catch (CheckedStdout.Failed e) {
            code = stdoutFailed(e, cl.getErr());
        }
        System.exit(code);
    }

    /** A closed pipe stops quietly, as Unix tools do; any other failed write is an error. */
    static int stdoutFailed(CheckedStdout.Failed e, PrintWriter err) {
        if (e.readerClosed()) {
            return ExitCodes.STDOUT_CLOSED;
        }
        err.println("cvkit: stdout: write failed (" + e.reason() + ")");
        err.flush();
        return ExitCodes.INPUT_FAILED;
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
        cl.registerConverter(OutputFormat.class, OutputFormat::parse);
        cl.setUsageHelpAutoWidth(true);
        cl.setExecutionExceptionHandler(Main::handleExecutionException);
        cl.setParameterExceptionHandler(Main::handleParameterException);
        cl.setColorScheme(CommandLine.Help.defaultColorScheme(
                System.getenv("NO_COLOR") != null ? CommandLine.Help.Ansi.OFF : CommandLine.Help.Ansi.AUTO));
        return cl;
    }

    private static int handleParameterException(CommandLine.ParameterException ex, String[] args) {
        PrintWriter err = ex.getCommandLine().getErr();
        err.println("cvkit: " + ErrorText.oneLine(message(ex)) + didYouMean(ex)
                + " (see '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
        err.flush();
        return ExitCodes.USAGE;
    }

    /** The error; a word where a command should be is an unknown command rather than picocli's "unmatched arguments". */
    private static String message(CommandLine.ParameterException ex) {
        if (ex instanceof CommandLine.UnmatchedArgumentException u && !ex.getCommandLine().getSubcommands().isEmpty()
                && !u.getUnmatched().isEmpty() && !u.getUnmatched().get(0).startsWith("-")) {
            return "unknown command '" + u.getUnmatched().get(0) + "'";
        }
        return ex.getMessage();
    }

    /** Picocli's best suggestion for a mistyped option or subcommand, as {@code "; did you mean --threads?"}, or "". */
    static String didYouMean(CommandLine.ParameterException ex) {
        if (!(ex instanceof CommandLine.UnmatchedArgumentException u) || u.getSuggestions().isEmpty()) {
            return "";
        }
        return "; did you mean " + u.getSuggestions().get(0) + "?";
    }

    private static int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        boolean debug = parsed.hasMatchedOption("--debug") || isDebugAnywhere(parsed);
        if (debug) {
            ex.printStackTrace(err);
        }
        int code;
        if (ex instanceof CheckedStdout.Failed f) {
            return stdoutFailed(f, err);
        }
        if (ex instanceof UserError ue) {
            err.println("cvkit: " + ErrorText.oneLine(ue.getMessage()));
            code = ue.exitCode();
        } else if (ex instanceof UncheckedIOException uio && uio.getCause() instanceof NoSuchFileException nsf) {
            err.println("cvkit: " + ErrorText.escape(nsf.getFile()) + ": no such file");
            code = ExitCodes.USAGE;
        } else if (ex instanceof IOException io) {
            // the file system failed us (full disk, permissions, a vanished folder): not a bug
            err.println("cvkit: " + ErrorText.ioMessage(io));
            code = ExitCodes.INPUT_FAILED;
        } else {
            err.println("cvkit: internal error: " + ErrorText.oneLine(ex.toString()) + (debug ? "" : " (rerun with --debug for details)"));
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
