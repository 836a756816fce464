package dev.cvkit.cli;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** Runs cvkit in-process and captures what it prints. */
public final class CliTestSupport {
    public record Result(int code, String out, String err) {}

    private CliTestSupport() {}

    public static Result run(String... args) {
        return runWithStdin(null, args);
    }

    public static synchronized Result runWithStdin(String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        InputStream oldIn = System.in;
        Terminal.force(false);
        try {
            if (stdin != null) {
                System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            }
            int code = cl.execute(args);
            return new Result(code, out.toString(), err.toString());
        } finally {
            System.setIn(oldIn);
            Terminal.force(null);
        }
    }
}
