package dev.cvkit.data;

import dev.cvkit.UserError;
import dev.cvkit.image.Augmentation;
import dev.cvkit.image.Preprocessing;
import dev.cvkit.image.Preprocessor;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Streams a dataset as mini-batches: {@code threads} workers decode and preprocess whole batches
 * while the consumer trains on earlier ones, with at most {@code prefetch} batches in flight
 * (bounded memory). Batches come out in order.
 *
 * <p>Determinism: the sample order of an epoch is a permutation drawn from (seed, epoch), and each
 * sample's augmentation from (seed, epoch, sample index); nothing depends on which thread did the
 * work, so the same seed gives the same batches for any thread count.
 */
public final class DataLoader implements AutoCloseable {
    /** What a loader does besides reading: batch size, order and augmentation. */
    public record Config(int batchSize, boolean shuffle, boolean dropLast, Augmentation augmentation,
                         long seed, int threads, int prefetch) {
        public Config {
            if (batchSize < 1 || threads < 1 || prefetch < 1) {
                throw new IllegalArgumentException("batchSize, threads and prefetch must be positive");
            }
        }

        /** In dataset order, no augmentation: for evaluation and prediction. */
        public static Config ordered(int batchSize, int threads) {
            return new Config(batchSize, false, false, Augmentation.NONE, 0, threads, Math.max(2, 2 * threads));
        }
    }

    private final Dataset data;
    private final Preprocessor preprocessor;
    private final Preprocessing prep;
    private final Config config;
    private final ExecutorService pool;

    public DataLoader(Dataset data, Preprocessing prep, Config config) {
        if (data.size() == 0) {
            throw new IllegalArgumentException("empty dataset");
        }
        this.data = data;
        this.prep = prep;
        this.config = config;
        this.preprocessor = new Preprocessor(prep, config.augmentation());
        this.pool = Executors.newFixedThreadPool(config.threads(), r -> {
            Thread t = new Thread(r, "cvkit-loader");
            t.setDaemon(true);
            return t;
        });
    }

    public Dataset dataset() { return data; }

    /** Batches per epoch. */
    public int batches() {
        int n = data.size();
        int b = config.batchSize();
        return config.dropLast() && n >= b ? n / b : (n + b - 1) / b;
    }

    /** The sample order of an epoch. */
    int[] order(int epoch) {
        if (!config.shuffle()) {
            int[] p = new int[data.size()];
            for (int i = 0; i < p.length; i++) {
                p[i] = i;
            }
            return p;
        }
        return Subset.permutation(data.size(), new SplittableRandom(Seeds.mix(config.seed(), Seeds.SHUFFLE, epoch, 0)));
    }

    /** The batches of one epoch (numbered from 0), produced ahead in the background. */
    public Iterator<Batch> epoch(int epoch) {
        int[] order = order(epoch);
        int nBatches = batches();
        return new Iterator<>() {
            private final Deque<Future<Batch>> inFlight = new ArrayDeque<>();
            private int submitted;
            private int taken;

            private void fill() {
                while (submitted < nBatches && inFlight.size() < config.prefetch()) {
                    int from = submitted * config.batchSize();
                    int to = Math.min(order.length, from + config.batchSize());
                    inFlight.add(pool.submit(() -> build(order, from, to, epoch)));
                    submitted++;
                }
            }

            @Override
            public boolean hasNext() {
                return taken < nBatches;
            }

            @Override
            public Batch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                fill();
                Future<Batch> f = inFlight.poll();
                taken++;
                fill();
                try {
                    return f.get();
                } catch (ExecutionException e) {
                    inFlight.forEach(x -> x.cancel(true));
                    inFlight.clear();
                    submitted = taken = nBatches;
                    if (e.getCause() instanceof UserError ue) {
                        throw ue;
                    }
                    throw new IllegalStateException("loading a batch failed: " + e.getCause(), e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
        };
    }

    private Batch build(int[] order, int from, int to, int epoch) {
        int n = to - from;
        int per = prep.sampleSize();
        float[] x = new float[n * per];
        int[] labels = new int[n];
        int[] idx = new int[n];
        for (int k = 0; k < n; k++) {
            int i = order[from + k];
            idx[k] = i;
            labels[k] = data.label(i);
            long seed = Seeds.mix(config.seed(), Seeds.AUGMENT, epoch, i);
            preprocessor.apply(data.image(i), seed, x, k * per);
        }
        return new Batch(x, labels, idx, n, prep.channels(), prep.height(), prep.width());
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
