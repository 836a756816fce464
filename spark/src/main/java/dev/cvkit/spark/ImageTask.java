package dev.cvkit.spark;

import dev.cvkit.UserError;
import dev.cvkit.tensor.Parallel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SerializableWritable;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;

/**
 * One Spark task: the records of one partition of images, made one image at a time as the output
 * writer asks for them. A bad image becomes an error record; a failure of the cluster's storage
 * fails the task, and Spark's retry writes the whole partition again (its committer keeps one attempt).
 */
final class ImageTask implements FlatMapFunction<Iterator<ImageItem>, String> {
    private final RecordMaker.Spec spec;
    private final Broadcast<SerializableWritable<Configuration>> conf;
    private final long maxPixels;

    ImageTask(RecordMaker.Spec spec, Broadcast<SerializableWritable<Configuration>> conf, long maxPixels) {
        this.spec = spec;
        this.conf = conf;
        this.maxPixels = maxPixels;
    }

    @Override
    public Iterator<String> call(Iterator<ImageItem> items) throws Exception {
        TaskContext tc = TaskContext.get();
        // spark.task.cpus is what this task may use: the engine's kernels get that many threads
        Parallel.setThreads(tc == null ? 1 : Math.max(1, tc.cpus()));
        RecordMaker maker = Engines.get(spec);
        Configuration c = conf.value().value();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return items.hasNext();
            }

            @Override
            public String next() {
                return line(items.next(), maker, c);
            }
        };
    }

    private String line(ImageItem item, RecordMaker maker, Configuration c) {
        if (item.error() != null) {
            return Records.error(item.given(), item.error());
        }
        long t0 = System.nanoTime();
        try {
            byte[] bytes = ImageBytes.read(item.uri(), c, maxPixels);
            return maker.line(item, bytes, t0);
        } catch (UserError e) {
            return Records.error(item.given(), e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(item.uri() + ": " + e.getMessage(), e);
        } catch (Exception e) {
            // as the CLI: one input's bug does not stop the batch
            return Records.error(item.given(), "unexpected error: " + e);
        }
    }
}
