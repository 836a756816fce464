package dev.cvkit.cli;

import dev.cvkit.ExitCodes;

import dev.cvkit.UserError;
import dev.cvkit.io.InputItem;
import dev.cvkit.io.SkipCount;
import dev.cvkit.io.UrlInputs;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs one task per input on N threads and hands results to a sink in input order. At most
 * 2×N inputs are in flight, so memory stays bounded however many inputs stream in. A failing
 * input prints one line ({@code cvkit: PATH: why}) and the batch goes on; the exit code is then 1.
 */
public final class BatchRunner {
    /** Work done for one input; may throw {@link UserError} for a bad input. */
    @FunctionalInterface
    public interface Task<R> {
        R run(InputItem item) throws Exception;
    }

    /** A task that reads live {@code rtsp://} streams itself; other tasks refuse them. */
    @FunctionalInterface
    public interface StreamTask<R> extends Task<R> {}

    /** Receives results in input order, on the calling thread. */
    @FunctionalInterface
    public interface Sink<R> {
        void accept(InputItem item, R result) throws Exception;
    }

    private BatchRunner() {}

    /** Returns {@link ExitCodes#OK} or {@link ExitCodes#INPUT_FAILED}. */
    public static <R> int run(Iterator<InputItem> inputs, int threads, Task<R> task, Sink<R> sink,
                              Progress progress, PrintWriter err, boolean debug) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "cvkit-worker");
            t.setDaemon(true);
            return t;
        });
        Deque<InputItem> items = new ArrayDeque<>();
        Deque<Future<R>> futures = new ArrayDeque<>();
        int window = Math.max(2, threads * 2);
        boolean anyFailed = false;
        try {
            while (true) {
                while (futures.size() < window && inputs.hasNext()) {
                    InputItem item = inputs.next();
                    items.add(item);
                    futures.add(pool.submit(() -> {
                        if (item.error() != null) {
                            throw new UserError(item.error(), ExitCodes.INPUT_FAILED);
                        }
                        if (UrlInputs.isStream(item.given()) && !(task instanceof StreamTask)) {
                            throw new UserError("a live stream: only detect and segment read rtsp:// inputs", ExitCodes.INPUT_FAILED);
                        }
                        if (UrlInputs.isUrl(item.given())) {
                            Path local = UrlInputs.fetch(item.source());
                            try {
                                return task.run(new InputItem(item.given(), local, item.relative(), null, item.url()));
                            } finally {
                                UrlInputs.discard(local);
                            }
                        }
                        return task.run(item);
                    }));
                }
                if (futures.isEmpty()) {
                    break;
                }
                InputItem item = items.poll();
                Future<R> f = futures.poll();
                R result;
                try {
                    result = f.get();
                } catch (ExecutionException e) {
                    anyFailed = true;
                    progress.clearLine();
                    reportFailure(item, e.getCause(), err, debug);
                    progress.step(false);
                    continue;
                }
                sink.accept(item, result);
                progress.step(true);
            }
        } finally {
            pool.shutdownNow();
        }
        if (inputs instanceof SkipCount s && s.skippedSpecial() > 0) {
            progress.note("warning: skipped " + s.skippedSpecial() + " special file(s) (FIFO, device or socket) found in input folders");
        }
        progress.finish();
        return anyFailed ? ExitCodes.INPUT_FAILED : ExitCodes.OK;
    }

    static void reportFailure(InputItem item, Throwable cause, PrintWriter err, boolean debug) {
        if (debug) {
            cause.printStackTrace(err);
        }
        String why = cause instanceof UserError ? ErrorText.oneLine(cause.getMessage())
                : cause instanceof java.io.IOException io ? ErrorText.ioMessage(io)
                : "unexpected error: " + ErrorText.oneLine(cause.toString()) + (debug ? "" : " (rerun with --debug for details)");
        err.println("cvkit: " + ErrorText.escape(item.given()) + ": " + why);
        err.flush();
    }
}
