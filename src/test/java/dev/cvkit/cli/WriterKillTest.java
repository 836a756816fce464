package dev.cvkit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cvkit.image.ImageDecoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * The writers killed mid-batch (SIGKILL, SIGINT, SIGTERM): every output is then the old
 * complete file or a new complete one, and no temporary file is left: after SIGINT or SIGTERM the
 * shutdown hook removes them; SIGKILL runs no code, so the next write into the folder does.
 */
class WriterKillTest {
    private static final byte[] OLD_COCO = "[{\"old\": true}]".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    @TempDir
    Path tmp;

    @ParameterizedTest
    @CsvSource({"detect, KILL", "detect, INT", "detect, TERM", "propose, KILL", "propose, INT", "propose, TERM"})
    void killedWritersLeaveWholeFiles(String command, String signal) throws Exception {
        Path in = Files.createDirectories(tmp.resolve("in"));
        for (int i = 0; i < 40; i++) {
            Files.copy(Path.of("samples/dog.jpg"), in.resolve(String.format("in%02d.jpg", i)));
        }
        Path out = Files.createDirectories(tmp.resolve("out"));
        Path coco = Files.write(out.resolve("c.json"), OLD_COCO);
        Path saved = Files.createDirectories(out.resolve("s"));
        byte[] oldImage = Files.readAllBytes(Path.of("samples/eagle.jpg"));
        for (int i = 0; i < 40; i += 2) {
            Files.write(saved.resolve(String.format("in%02d.jpg", i)), oldImage);
        }
        List<String> args = new ArrayList<>(List.of(command, "--coco", coco.toString(), "--save", saved.toString(), "--exist-ok",
                "--threads", "1", "--quiet", in.toString()));
        if (command.equals("detect")) {
            args.addAll(List.of("--model", "face-tiny"));
        } else {
            args.addAll(List.of("--max-side", "160", "--mode", "single"));
        }
        Process p = StdoutErrorsTest.cvkit(args.toArray(String[]::new))
                .redirectErrorStream(true).redirectOutput(tmp.resolve("log.txt").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (p.isAlive() && newImages(saved, oldImage) < 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        Thread.sleep(new Random(signal.hashCode() + command.hashCode()).nextInt(150)); // somewhere inside the batch
        assertTrue(p.isAlive(), "the batch should still be running: " + Files.readString(tmp.resolve("log.txt")));
        switch (signal) {
            case "KILL" -> p.destroyForcibly();
            case "TERM" -> p.destroy();
            default -> new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
        }
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));

        byte[] c = Files.readAllBytes(coco);
        if (!Arrays.equals(OLD_COCO, c)) {
            JsonNode json = new ObjectMapper().readTree(c); // complete: parses to the end
            assertTrue(json.isArray(), "new COCO results are a whole array");
        }
        try (Stream<Path> s = Files.list(saved)) {
            for (Path f : s.filter(f -> !f.getFileName().toString().startsWith(".")).toList()) {
                byte[] b = Files.readAllBytes(f);
                if (!Arrays.equals(oldImage, b)) {
                    try (Mat m = ImageDecoder.read(f, 100_000_000)) {
                        assertEquals(576, m.rows(), f + " is a whole image");
                    }
                }
            }
        }
        if (signal.equals("KILL")) {
            // no code runs on SIGKILL: the next write into each folder removes what the dead process left
            dev.cvkit.io.TempFiles.sweep(out);
            dev.cvkit.io.TempFiles.sweep(saved);
        }
        try (Stream<Path> s = Files.walk(out)) {
            assertEquals(List.of(), s.filter(f -> f.getFileName().toString().startsWith(".")).toList(), "temporary files left");
        }
        assertArrayEquals(Files.readAllBytes(Path.of("samples/dog.jpg")), Files.readAllBytes(in.resolve("in00.jpg")), "inputs untouched");
    }

    /** Annotated images written so far (those that are no longer the old bytes, or are new). */
    private static long newImages(Path saved, byte[] old) throws Exception {
        try (Stream<Path> s = Files.list(saved)) {
            return s.filter(f -> !f.getFileName().toString().startsWith(".")).filter(f -> {
                try {
                    return Files.size(f) != old.length;
                } catch (java.io.IOException e) {
                    return false;
                }
            }).count();
        }
    }
}
