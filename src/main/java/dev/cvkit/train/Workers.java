package dev.cvkit.train;

import dev.cvkit.UserError;
import dev.cvkit.image.ImageDecoder;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.bytedeco.opencv.opencv_core.Mat;

/** What the tasks' decoding workers share: results with the worker's own exception, errors that name the file. */
public final class Workers {
    private Workers() {}

    /** The future's value; a worker's RuntimeException (a UserError naming its file) is rethrown as it was. */
    public static <T> T get(Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("interrupted", 1, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Decodes an image; a failure names the file. */
    public static Mat read(Path p, long maxPixels) {
        try {
            return ImageDecoder.read(p, maxPixels);
        } catch (UserError e) {
            throw new UserError(p + ": " + e.getMessage(), e.exitCode(), e);
        }
    }
}
