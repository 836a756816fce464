package dev.cvkit.train;

import dev.cvkit.UserError;
import dev.cvkit.image.ImageDecoder;
import dev.cvkit.image.RgbImage;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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

    /** An image of a data set, which must have the size the data set gives it; a failure names the file. */
    public static RgbImage readSized(Path p, int width, int height, long maxPixels) {
        try (Mat m = read(p, maxPixels)) {
            RgbImage img = RgbImage.fromMat(m);
            if (img.width() != width || img.height() != height) {
                throw new UserError(p + ": is " + img.width() + "×" + img.height() + " but the data set says " + width + "×" + height, 1);
            }
            return img;
        }
    }

    /** The decoding pool of a training task: daemon threads, so an unclosed task never holds the JVM. */
    public static ExecutorService decoders(int threads) {
        return Executors.newFixedThreadPool(Math.max(1, threads), r -> {
            Thread t = new Thread(r, "cvkit-decode");
            t.setDaemon(true);
            return t;
        });
    }
}
