package dev.cvkit.tensor;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Runs a fixed list of independent tasks on the engine's threads.
 *
 * <p>Determinism rule: callers split work into tasks by the problem's shape only, never by the
 * thread count, and each task writes its own outputs (reductions are summed afterwards in a
 * fixed order). Then every output value is computed by the same operations in the same order
 * whatever {@link #setThreads} says, so results are bitwise identical for any --threads.
 */
public final class Parallel {
    private static volatile int threads = Runtime.getRuntime().availableProcessors();
    private static ExecutorService pool;
    private static int poolSize;
    /** Set inside worker tasks so nested calls run inline instead of deadlocking the pool. */
    private static final ThreadLocal<Boolean> IN_TASK = ThreadLocal.withInitial(() -> false);

    private Parallel() {}

    /** The number of threads kernels use (also the thread count the CLI's --threads sets). */
    public static synchronized void setThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("threads must be >= 1");
        }
        threads = n;
    }

    public static int threads() { return threads; }

    private static synchronized ExecutorService pool(int n) {
        if (pool == null || poolSize != n) {
            if (pool != null) {
                pool.shutdown();
            }
            AtomicInteger id = new AtomicInteger();
            pool = Executors.newFixedThreadPool(n, r -> {
                Thread t = new Thread(r, "cvkit-engine-" + id.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            poolSize = n;
        }
        return pool;
    }

    /** Runs {@code task.accept(i)} for i in [0, count); returns when all are done. */
    public static void forEach(int count, IntConsumer task) {
        int n = Math.min(threads, count);
        if (n <= 1 || IN_TASK.get()) {
            for (int i = 0; i < count; i++) {
                task.accept(i);
            }
            return;
        }
        ExecutorService p = pool(threads);
        AtomicInteger next = new AtomicInteger();
        Runnable worker = () -> {
            IN_TASK.set(true);
            try {
                for (int i; (i = next.getAndIncrement()) < count; ) {
                    task.accept(i);
                }
            } finally {
                IN_TASK.set(false);
            }
        };
        Future<?>[] fs = new Future<?>[n - 1];
        for (int k = 0; k < n - 1; k++) {
            fs[k] = p.submit(worker);
        }
        Throwable failure = null;
        try {
            worker.run();
        } catch (Throwable t) {
            failure = t;
        }
        for (Future<?> f : fs) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                if (failure == null) failure = e.getCause();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                if (failure == null) failure = e;
            }
        }
        if (failure instanceof RuntimeException re) throw re;
        if (failure instanceof Error er) throw er;
        if (failure != null) throw new RuntimeException(failure);
    }

    /** Elements per task of {@link #forRange}: 256 KB of floats, large enough to hide the hand-off. */
    static final int RANGE_CHUNK = 1 << 16;

    /** body.run(from, to) over [from, to). */
    @FunctionalInterface
    public interface Range {
        void run(int from, int to);
    }

    /**
     * Element-wise work over [0, n) in fixed chunks of {@link #RANGE_CHUNK} (under two chunks
     * it runs inline): each element's value does not depend on the split. Serial element-wise
     * passes (activations, residual adds, gradient sums) were idle time for the second thread.
     */
    public static void forRange(int n, Range body) {
        if (n < 2 * RANGE_CHUNK || threads <= 1) {
            body.run(0, n);
            return;
        }
        int chunks = (n + RANGE_CHUNK - 1) / RANGE_CHUNK;
        forEach(chunks, t -> body.run(t * RANGE_CHUNK, Math.min(n, (t + 1) * RANGE_CHUNK)));
    }
}
