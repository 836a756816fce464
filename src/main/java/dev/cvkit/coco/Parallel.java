package dev.cvkit.coco;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * Runs {@code body(0..n-1)} on up to {@code threads} threads (the caller is one of them). Each
 * index writes only its own output slot, so results do not depend on the thread count.
 */
final class Parallel {
    private Parallel() {}

    static void forEach(int n, int threads, IntConsumer body) {
        int workers = Math.max(1, Math.min(threads, n));
        if (workers == 1) {
            for (int i = 0; i < n; i++) {
                body.accept(i);
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        int chunk = Math.max(1, Math.min(64, n / (workers * 8)));
        Runnable loop = () -> {
            while (failure.get() == null) {
                int start = next.getAndAdd(chunk);
                if (start >= n) {
                    return;
                }
                int end = Math.min(n, start + chunk);
                try {
                    for (int i = start; i < end; i++) {
                        body.accept(i);
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                    return;
                }
            }
        };
        List<Thread> started = new ArrayList<>();
        for (int w = 1; w < workers; w++) {
            Thread t = new Thread(loop, "cvkit-coco-" + w);
            t.setDaemon(true);
            t.start();
            started.add(t);
        }
        loop.run();
        for (Thread t : started) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        Throwable t = failure.get();
        if (t instanceof RuntimeException re) {
            throw re;
        }
        if (t instanceof Error err) {
            throw err;
        }
        if (t != null) {
            throw new IllegalStateException(t);
        }
    }
}
