package dev.cvkit.image;

import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;

import dev.cvkit.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;

/** Encodes images and writes them atomically, never over an input. */
public final class ImageEncoder {
    private static final Set<String> WRITABLE = Set.of("jpg", "jpeg", "png", "bmp", "tif", "tiff", "webp", "ppm", "pgm");

    private ImageEncoder() {}

    /** The output path for an input's relative path under DIR: same extension when OpenCV can write it, else PNG. */
    public static Path outputPath(Path dir, Path relative) {
        String name = relative.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        Path out = dir.resolve(relative.toString());
        return WRITABLE.contains(ext) ? out : out.resolveSibling((dot < 0 ? name : name.substring(0, dot)) + ".png");
    }

    /** Encodes by the target's extension and writes atomically; refuses to overwrite {@code input}. */
    public static void write(Mat img, Path target, Path input) throws IOException {
        if (input != null && Files.exists(target) && Files.isSameFile(target, input)) {
            throw new dev.cvkit.UserError("refusing to overwrite the input image " + input + " (choose another --save folder)", 1);
        }
        String name = target.getFileName().toString();
        AtomicFiles.write(target, encode(img, name.substring(name.lastIndexOf('.') + 1)));
    }

    /** Encodes in the format of {@code ext} ("png", "jpg", ...). */
    public static byte[] encode(Mat img, String ext) {
        try (BytePointer buf = new BytePointer()) {
            if (!imencode("." + ext.toLowerCase(Locale.ROOT), img, buf)) {
                throw new IllegalStateException("OpenCV cannot encode ." + ext);
            }
            byte[] bytes = new byte[(int) buf.limit()];
            buf.get(bytes);
            return bytes;
        }
    }
}
