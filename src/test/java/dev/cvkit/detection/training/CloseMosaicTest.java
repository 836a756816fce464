package dev.cvkit.detection.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.data.detect.CocoDetectionReader;
import dev.cvkit.data.detect.DetectionSet;
import dev.cvkit.data.detect.ShapesGenerator;
import dev.cvkit.detection.BatchDetector;
import dev.cvkit.detection.DetectParams;
import dev.cvkit.image.RgbImage;
import dev.cvkit.nn.Linear;
import dev.cvkit.nn.Module;
import dev.cvkit.tensor.Tensor;
import dev.cvkit.train.TrainTask;
import dev.cvkit.train.Workers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CloseMosaicTest {
    /**
     * With {@code --augment mosaic} alone, a step's image is either its own training image,
     * unchanged, or a mosaic. Before the last tenth of the planned iterations about half of the
     * samples are mosaics; in the last tenth none is, and every image and box is the sample's own.
     */
    @Test
    void noMosaicsInTheLastTenthOfTheRun(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        ShapesGenerator.generate(data, new ShapesGenerator.Options(8, 0, 64, 3,
                List.of(Path.of("samples/dog.jpg"), Path.of("samples/horses.jpg")), 2, 100_000_000L));
        DetectionSet set = CocoDetectionReader.read(data.resolve("train.json"), null).set();
        Recorder rec = new Recorder();
        int[] samples = {0, 1, 2, 3, 4, 5, 6, 7};
        try (DetectionTask task = new DetectionTask(rec, set, null, null, BoxAugment.parse("mosaic"), 2, 100_000_000L)) {
            int early = 0, late = 0;
            for (long seed = 1; seed <= 4; seed++) {
                task.step(samples, seed, new TrainTask.Progress(10, 100));
                early += mosaics(rec.last, set, samples);
                task.step(samples, seed, new TrainTask.Progress(90, 100));
                late += mosaics(rec.last, set, samples);
                for (int k = 0; k < samples.length; k++) assertArrayEquals(set.items().get(samples[k]).boxes(), rec.last.boxes().get(k));
            }
            assertEquals(0, late);
            assertTrue(early >= 8 && early <= 24, "mosaics in 32 early samples: " + early);
        }
    }

    /** {@code --close-mosaic 0.3}: mosaics at 65 % of the run, none from 70 %; 0: mosaics up to the last iteration. */
    @Test
    void theClosingShareIsAnOption(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        ShapesGenerator.generate(data, new ShapesGenerator.Options(8, 0, 64, 3,
                List.of(Path.of("samples/dog.jpg"), Path.of("samples/horses.jpg")), 2, 100_000_000L));
        DetectionSet set = CocoDetectionReader.read(data.resolve("train.json"), null).set();
        Recorder rec = new Recorder();
        int[] samples = {0, 1, 2, 3, 4, 5, 6, 7};
        int open = 0, closed = 0, never = 0;
        try (DetectionTask task = new DetectionTask(rec, set, null, null, BoxAugment.parse("mosaic"), 0.3, 2, 100_000_000L);
             DetectionTask always = new DetectionTask(rec, set, null, null, BoxAugment.parse("mosaic"), 0.0, 2, 100_000_000L)) {
            for (long seed = 1; seed <= 4; seed++) {
                task.step(samples, seed, new TrainTask.Progress(65, 100));
                open += mosaics(rec.last, set, samples);
                task.step(samples, seed, new TrainTask.Progress(70, 100));
                closed += mosaics(rec.last, set, samples);
                always.step(samples, seed, new TrainTask.Progress(100, 100));
                never += mosaics(rec.last, set, samples);
            }
        }
        assertEquals(0, closed);
        assertTrue(open >= 8 && open <= 24, "mosaics in 32 samples at 65 %: " + open);
        assertTrue(never >= 8 && never <= 24, "mosaics in 32 samples at the end with 0: " + never);
    }

    private static int mosaics(TrainableDetector.Batch b, DetectionSet set, int[] samples) {
        int n = 0;
        for (int k = 0; k < samples.length; k++) {
            DetectionSet.Item item = set.items().get(samples[k]);
            RgbImage own = Workers.readSized(item.path(), item.width(), item.height(), 100_000_000L);
            if (!java.util.Arrays.equals(own.rgb(), b.images().get(k).rgb())) n++;
        }
        return n;
    }

    /** Keeps the last batch; its loss is a constant. */
    private static final class Recorder implements TrainableDetector {
        private final Module net = new Linear(1, 1);
        TrainableDetector.Batch last;

        @Override
        public String architecture() { return "recorder"; }

        @Override
        public Module network() { return net; }

        @Override
        public int classes() { return 5; }

        @Override
        public Map<String, Tensor> losses(Batch batch, SplittableRandom rng) {
            last = batch;
            return Map.of("loss", Tensor.zeros(1));
        }

        @Override
        public BatchDetector detector(DetectParams defaults, List<String> classes, List<Integer> categoryIds) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ObjectNode config() { return new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode(); }
    }
}
