package dev.cvkit.spark;

import java.io.IOException;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * The local file system under the scheme {@code flaky:}, whose storage fails once: the first
 * open of a file named {@code *fail-once*} throws, as a lost datanode would. Tasks run in the
 * test's JVM in local mode, so one counter sees every attempt.
 */
public final class FlakyFileSystem extends RawLocalFileSystem {
    static final AtomicInteger FAILURES = new AtomicInteger();
    static final AtomicInteger ARMED = new AtomicInteger();

    @Override
    public URI getUri() {
        return URI.create("flaky:///");
    }

    @Override
    public String getScheme() {
        return "flaky";
    }

    @Override
    public FSDataInputStream open(Path f, int bufferSize) throws IOException {
        if (f.getName().contains("fail-once") && ARMED.compareAndSet(1, 0)) {
            FAILURES.incrementAndGet();
            throw new IOException("connection reset by the storage (injected once)");
        }
        return super.open(f, bufferSize);
    }
}
