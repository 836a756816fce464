package dev.cvkit.cli;

import dev.cvkit.ExitCodes;
import dev.cvkit.train.RunDir;
import dev.cvkit.train.TrainLoop;
import dev.cvkit.train.TrainTask;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** What every {@code train --task} shares once its run is set up: the run folder and the run itself. */
final class LoopRuns {
    private LoopRuns() {}

    /** --out DIR as given, else the next free runs/TASK/ARCH folder. */
    static Path outDir(TrainCommand c, String task) throws IOException {
        if (c.out != null) {
            Files.createDirectories(c.out);
            return c.out;
        }
        return RunDir.next(Path.of("runs", task), c.name != null ? c.name : c.arch.toLowerCase(Locale.ROOT));
    }

    /** Says what will run, runs it (closing the task after), and says how it ended. */
    static <T extends TrainTask & AutoCloseable> int run(TrainLoop loop, T task, Path out, String describe, PrintWriter err, boolean quiet)
            throws IOException {
        if (!quiet) {
            err.println("train: " + describe);
            err.println("train: writing to " + out + (loop.iteration() > 0 ? " (resuming after " + loop.position() + ")" : ""));
            err.flush();
        }
        TrainLoop.Result r;
        try (task) {
            r = loop.run();
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        if (!quiet) {
            String at = r.perEpoch() > 0 ? "best epoch " + r.bestEpoch() : "best at iteration " + r.bestIteration();
            err.printf(Locale.ROOT, "train: %s; %s (%s %.4f): %s%n", r.stopReason(), at, r.validated() ? task.scoreLabel() : "training loss",
                    r.validated() ? r.bestScore() : -r.bestScore(), out.resolve("best.safetensors"));
            err.flush();
        }
        return ExitCodes.OK;
    }
}
