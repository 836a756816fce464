package dev.cvkit.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An annotated video gets the same rw-r--r-- as annotated images, and no temporary file stays. */
class VideoWriterModeTest {
    @TempDir
    Path dir;

    @Test
    void videosAreWrittenLikeImages() throws Exception {
        Path out = dir.resolve("clip.avi");
        try (VideoWriter w = new VideoWriter(out, 64, 48, 10); Mat frame = new Mat(48, 64, opencv_core.CV_8UC3, new Scalar(40, 80, 120, 0))) {
            w.write(frame);
            w.write(frame);
            w.commit();
        }
        assertTrue(Files.size(out) > 0);
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(1, s.count(), "only the video");
        }
    }
}
