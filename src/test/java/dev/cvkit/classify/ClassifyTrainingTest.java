package dev.cvkit.classify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cvkit.UserError;
import dev.cvkit.data.Dataset;
import dev.cvkit.data.IdxDataset;
import dev.cvkit.data.Subset;
import dev.cvkit.image.Augmentation;
import dev.cvkit.image.Preprocessing;
import dev.cvkit.io.SafeTensors;
import dev.cvkit.nn.Activation;
import dev.cvkit.nn.Conv2d;
import dev.cvkit.nn.Dropout;
import dev.cvkit.nn.Flatten;
import dev.cvkit.nn.Init;
import dev.cvkit.nn.Linear;
import dev.cvkit.nn.Module;
import dev.cvkit.nn.Pool2d;
import dev.cvkit.nn.Sequential;
import dev.cvkit.tensor.Tensor;
import dev.cvkit.train.MetricsLog;
import dev.cvkit.train.RunCheckpoint;
import dev.cvkit.train.TrainLoop;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassifyTrainingTest {
    static final Path MNIST = Path.of("src/test/resources/fixtures/data/mnist");
    static final Preprocessing PREP = new Preprocessing(1, 0, 28, 28, new float[] {0.1307f}, new float[] {0.3081f});

    /** A small CNN for the tests (the zoo's architectures are tested by the engine). */
    static final ArchFactory TINY = (arch, k, c, h, w) -> new Sequential(
            new Conv2d(c, 4, 3, 1, 1), Activation.relu(), Pool2d.max(2, 2), new Flatten(), new Dropout(0.2f),
            new Linear(4 * (h / 2) * (w / 2), k));

    @TempDir
    Path tmp;

    static ClassifierModel fresh(Dataset d, long seed) {
        Init.seed(seed);
        return new ClassifierModel("tiny", d.classes(), PREP, TINY.create("tiny", d.classes().size(), 1, 28, 28), null);
    }

    static final double VAL_SPLIT = 0.2;
    static final Augmentation SHIFT = Augmentation.parse("shift=1");

    static TrainLoop.Options config(int epochs) {
        return new TrainLoop.Options(20, 0.01f, "adam", 0f, 7, epochs, 0, 0, 0, 0, 0f, 0.9f, "step:2:0.5");
    }

    TrainLoop trainer(ClassifierModel m, TrainLoop.Options cfg, Path out) {
        return trainer(m, cfg, SHIFT, out, 2);
    }

    TrainLoop trainer(ClassifierModel m, TrainLoop.Options cfg, Augmentation augment, Path out, int threads) {
        IdxDataset all = IdxDataset.open(MNIST, "train");
        Subset[] parts = Subset.split(all, VAL_SPLIT, cfg.seed());
        ClassifyTraining.DataInfo info = new ClassifyTraining.DataInfo(MNIST.toAbsolutePath().toString(), null, MNIST.toString(), null,
                VAL_SPLIT, "");
        return ClassifyTraining.create(m, parts[0], parts[1], info, augment, cfg, out, threads, "cvkit train test", null).loop();
    }

    @Test
    void sameModelFileBytesWhateverTheThreadCount() throws IOException {
        IdxDataset all = IdxDataset.open(MNIST, "train");
        int before = dev.cvkit.tensor.Parallel.threads();
        try {
            for (int threads : new int[] {1, 3}) {
                dev.cvkit.tensor.Parallel.setThreads(threads);
                trainer(fresh(all, 1), config(2), SHIFT, tmp.resolve("t" + threads), threads).run();
            }
        } finally {
            dev.cvkit.tensor.Parallel.setThreads(before);
        }
        for (String f : List.of("last.safetensors", "best.safetensors", "checkpoint.safetensors")) {
            assertArrayEquals(Files.readAllBytes(tmp.resolve("t1").resolve(f)), Files.readAllBytes(tmp.resolve("t3").resolve(f)), f);
        }
    }

    @Test
    void learnsAndWritesEveryFile() throws IOException {
        IdxDataset all = IdxDataset.open(MNIST, "train");
        Path out = tmp.resolve("run");
        ClassifierModel m = fresh(all, 1);
        TrainLoop.Result r = trainer(m, config(3), out).run();
        assertEquals(3, r.epochsDone());
        for (String f : List.of("metrics.jsonl", "metrics.csv", "loss.png", "accuracy.png", "last.safetensors",
                "best.safetensors", "checkpoint.safetensors")) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        MetricsLog log = new MetricsLog(out);
        log.load(99);
        assertEquals(3, log.rows().size());
        double[] loss = log.column("train_loss");
        assertTrue(loss[2] < loss[0] * 0.8, "loss falls: " + java.util.Arrays.toString(loss));
        assertEquals(0.01, log.column("lr")[0], 1e-9);
        assertEquals(0.005, log.column("lr")[2], 1e-9); // step:2:0.5
        assertEquals(4, Files.readAllLines(out.resolve("metrics.csv")).size());

        // the model file loads back, knows its classes and command, and gives the same logits
        ClassifierModel back = ClassifierModel.load(out.resolve("last.safetensors"), TINY);
        assertEquals(all.classes(), back.classes());
        assertEquals(PREP, back.preprocessing());
        assertEquals("cvkit train test", back.training().get("command").asText());
        assertEquals(3, back.training().get("epoch").asInt());
        float[] x = new float[2 * 784];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin(i);
        }
        assertArrayEquals(m.logits(x, 2), back.logits(x, 2));

        // validation numbers in the metrics are what an independent evaluation of best.safetensors gives
        ClassifierModel best = ClassifierModel.load(out.resolve("best.safetensors"), TINY);
        Subset val = Subset.split(all, 0.2, 7)[1];
        ClassifierEval.Result e = ClassifierEval.run(best, val, 16, 1, null);
        int bestRow = best.training().get("epoch").asInt() - 1;
        assertEquals(log.column("val_top1")[bestRow], e.metrics().top1(), 1e-12);
        assertEquals(log.column("val_loss")[bestRow], e.loss(), 1e-6); // other batch size: GEMM sums in another order
    }

    @Test
    void resumingGivesTheSameWeightsAsOneRun() throws IOException {
        IdxDataset all = IdxDataset.open(MNIST, "train");
        Path straight = tmp.resolve("straight");
        trainer(fresh(all, 1), config(3), straight).run();

        Path split = tmp.resolve("split");
        trainer(fresh(all, 1), config(2), split).run();
        // as after a crash: a fresh process builds a new model and restores the checkpoint
        RunCheckpoint ckpt = RunCheckpoint.read(split, "classify");
        JsonNode state = ckpt.state();
        assertEquals(2, state.get("epoch").asInt());
        TrainLoop.Options cfg = ckpt.options();
        assertEquals(config(2), cfg);
        Init.seed(99); // the network the checkpoint's weights replace starts elsewhere
        ClassifyTraining.Ready t = ClassifyTraining.resume(split, 3, 100_000_000L, 2, null, TINY);
        assertEquals(2, t.loop().iteration() / t.loop().perEpoch());
        assertEquals(0, t.loop().iteration() % t.loop().perEpoch());
        assertEquals(3, t.loop().run().epochsDone());

        Map<String, Tensor> a = SafeTensors.read(straight.resolve("last.safetensors")).tensors();
        Map<String, Tensor> b = SafeTensors.read(split.resolve("last.safetensors")).tensors();
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) {
            assertArrayEquals(a.get(k).data(), b.get(k).data(), k);
        }
        MetricsLog la = new MetricsLog(straight);
        la.load(99);
        MetricsLog lb = new MetricsLog(split);
        lb.load(99);
        assertArrayEquals(la.column("val_top1"), lb.column("val_top1"));
        assertArrayEquals(la.column("train_loss"), lb.column("train_loss"));
    }

    @Test
    void nanLossStopsAndKeepsTheLastGoodFiles() throws IOException {
        IdxDataset all = IdxDataset.open(MNIST, "train");
        Path out = tmp.resolve("nan");
        TrainLoop.Options wild = new TrainLoop.Options(20, 1e30f, "sgd", 0f, 7, 3, 0, 0, 0, 0, 0f, 0f, "constant");
        UserError e = assertThrows(UserError.class, () -> trainer(fresh(all, 1), wild, Augmentation.NONE, out, 2).run());
        assertTrue(e.getMessage().contains("the loss is"), e.getMessage());
        assertTrue(e.getMessage().contains("try a lower --lr"), e.getMessage());
        assertFalse(Files.exists(out.resolve("last.safetensors")));
    }

    @Test
    void patienceStopsEarly() throws IOException {
        IdxDataset all = IdxDataset.open(MNIST, "train");
        // a learning rate of ~0 never improves on the first epoch's score
        TrainLoop.Options still = new TrainLoop.Options(20, 1e-12f, "sgd", 0f, 7, 6, 0, 0, 0, 2, 0f, 0f, "constant");
        TrainLoop.Result r = trainer(fresh(all, 1), still, Augmentation.NONE, tmp.resolve("p"), 2).run();
        assertTrue(r.epochsDone() < 6, "stopped at " + r.epochsDone());
        assertTrue(r.stopReason().contains("--patience"), r.stopReason());
    }
}
