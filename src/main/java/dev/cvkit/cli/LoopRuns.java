package dev.cvkit.cli;

import dev.cvkit.ExitCodes;
import dev.cvkit.classify.RunDir;
import dev.cvkit.train.TrainLoop;
import dev.cvkit.train.TrainTask;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** What {@code train --task detect} and {@code --task segment} share once their run is set up: the run folder and the run itself. */
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
            err.println("train: writing to " + out + (loop.iteration() > 0 ? " (resuming after iteration " + loop.iteration() + ")" : ""));
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
            err.printf(Locale.ROOT, "train: %s; best at iteration %d (%s %.4f): %s%n", r.stopReason(), r.bestIteration(), task.scoreName(),
                    r.bestScore(), out.resolve("best.safetensors"));
            err.flush();
        }
        return ExitCodes.OK;
    }
}
