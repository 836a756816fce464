package dev.cvkit.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cvkit.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

class ImageDecoderTest {
    private static final Path DOG = Path.of("samples/dog.jpg");
    private static final Path ASTRONAUT = Path.of("samples/astronaut.png");

    @Test
    void decodesRealPhotographs() {
        try (Mat m = ImageDecoder.read(DOG, 100_000_000)) {
            assertEquals(768, m.cols());
            assertEquals(576, m.rows());
            assertEquals(3, m.channels());
        }
    }

    @Test
    void headerGivesSizeBeforeDecoding() throws IOException {
        ImageHeader jpeg = ImageHeader.sniff(Files.readAllBytes(DOG));
        assertEquals("jpeg", jpeg.format());
        assertEquals(768, jpeg.width());
        assertEquals(576, jpeg.height());
        ImageHeader png = ImageHeader.sniff(Files.readAllBytes(ASTRONAUT));
        assertEquals("png", png.format());
        assertEquals(512 * 512, png.pixels());
    }

    @Test
    void pixelLimitRefusesBeforeDecoding() {
        UserError e = assertThrows(UserError.class, () -> ImageDecoder.read(DOG, 1000));
        assertTrue(e.getMessage().contains("above the limit of 1000"), e.getMessage());
        assertEquals(1, e.exitCode());
    }

    @Test
    void decompressionBombHeaderIsRefusedWithoutDecoding() {
        // A PNG signature and an IHDR claiming 100000 x 100000 pixels, then nothing.
        byte[] b = new byte[33];
        byte[] head = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13, 'I', 'H', 'D', 'R', 0, 1, (byte) 0x86, (byte) 0xA0, 0, 1, (byte) 0x86, (byte) 0xA0};
        System.arraycopy(head, 0, b, 0, head.length);
        UserError e = assertThrows(UserError.class, () -> ImageDecoder.decode(b, 100_000_000));
        assertTrue(e.getMessage().contains("10000000000 pixels"), e.getMessage());
    }

    @Test
    void emptyNonImageTruncatedAndCorruptFilesAreClearErrors() throws IOException {
        assertEquals("empty file", assertThrows(UserError.class, () -> ImageDecoder.decode(new byte[0], 1000)).getMessage());
        assertTrue(assertThrows(UserError.class, () -> ImageDecoder.decode("hello world".getBytes(), 1000))
                .getMessage().startsWith("not an image"));
        byte[] jpg = Files.readAllBytes(DOG);
        byte[] cut = Arrays.copyOf(jpg, jpg.length / 2);
        assertTrue(assertThrows(UserError.class, () -> ImageDecoder.decode(cut, 100_000_000))
                .getMessage().startsWith("truncated jpeg"));
        byte[] png = Files.readAllBytes(ASTRONAUT);
        byte[] cutPng = Arrays.copyOf(png, png.length - 100);
        assertTrue(assertThrows(UserError.class, () -> ImageDecoder.decode(cutPng, 100_000_000))
                .getMessage().startsWith("truncated png"));
        byte[] garbled = png.clone();
        Arrays.fill(garbled, 40, garbled.length - 20, (byte) 7);
        assertTrue(assertThrows(UserError.class, () -> ImageDecoder.decode(garbled, 100_000_000))
                .getMessage().startsWith("cannot decode png"));
    }

    @Test
    void missingFileAndFolderAreClearErrors() {
        assertEquals("no such file", assertThrows(UserError.class, () -> ImageDecoder.read(Path.of("samples/none.jpg"), 1000)).getMessage());
        assertEquals("is a folder, not an image", assertThrows(UserError.class, () -> ImageDecoder.read(Path.of("samples"), 1000)).getMessage());
    }
}
