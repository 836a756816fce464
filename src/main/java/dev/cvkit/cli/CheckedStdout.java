package dev.cvkit.cli;

import dev.cvkit.ExitCodes;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;

/**
 * Standard output that fails loudly. PrintStream and PrintWriter swallow write errors, so a
 * full disk or {@code > /dev/full} would pass as success; here a failed write throws
 * {@link Failed}, which {@link Main} maps to exit 1, or to a quiet stop when the reader has
 * closed the pipe ({@code | head}).
 */
final class CheckedStdout extends FilterOutputStream {
    /** A write to stdout failed. */
    static final class Failed extends UncheckedIOException {
        Failed(IOException cause) {
            super(cause);
        }

        /** The reader went away (EPIPE): Unix tools then stop without a word. */
        boolean readerClosed() {
            String m = getCause().getMessage();
            return m != null && m.contains("Broken pipe");
        }

        String reason() {
            String m = getCause().getMessage();
            return m == null ? getCause().getClass().getSimpleName() : m;
        }
    }

    CheckedStdout(OutputStream out) {
        super(out);
    }

    /** A PrintWriter over {@code out} in the console's encoding whose write errors throw. */
    static PrintWriter writer(OutputStream out) {
        String enc = System.getProperty("stdout.encoding", System.getProperty("sun.stdout.encoding"));
        Charset cs = enc != null && Charset.isSupported(enc) ? Charset.forName(enc) : Charset.defaultCharset();
        return new PrintWriter(new OutputStreamWriter(new CheckedStdout(out), cs), false);
    }

    @Override
    public void write(int b) {
        try {
            out.write(b);
        } catch (IOException e) {
            throw new Failed(e);
        }
    }

    @Override
    public void write(byte[] b, int off, int len) {
        try {
            out.write(b, off, len);
        } catch (IOException e) {
            throw new Failed(e);
        }
    }

    @Override
    public void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new Failed(e);
        }
    }
}
