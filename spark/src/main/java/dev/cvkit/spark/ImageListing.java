package dev.cvkit.spark;

import dev.cvkit.io.InputWalker;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Expands --input through Hadoop's FileSystem as the CLI's InputWalker expands its inputs: a
 * folder is walked recursively in sorted order (images only), a glob is matched, a file is taken
 * as given, and a {@code .txt} or {@code .lst} file is a list of image paths or URIs, one a line,
 * read by the executors so that a list of millions of names never sits on the driver.
 */
final class ImageListing {
    private ImageListing() {}

    static JavaRDD<ImageItem> list(JavaSparkContext sc, List<String> specs) throws IOException {
        Configuration conf = sc.hadoopConfiguration();
        List<ImageItem> onDriver = new ArrayList<>();
        List<JavaRDD<ImageItem>> parts = new ArrayList<>();
        for (String spec : specs) {
            if (isListFile(spec)) {
                flush(sc, onDriver, parts);
                parts.add(sc.textFile(spec).map(String::strip).filter(s -> !s.isEmpty()).map(s -> new ImageItem(s, s, new Path(s).getName(), null)));
            } else {
                expand(spec, conf, onDriver);
            }
        }
        flush(sc, onDriver, parts);
        JavaRDD<ImageItem> all = parts.get(0);
        for (int i = 1; i < parts.size(); i++) {
            all = all.union(parts.get(i)); // keeps the inputs' order: partitions are concatenated
        }
        return all;
    }

    private static void flush(JavaSparkContext sc, List<ImageItem> items, List<JavaRDD<ImageItem>> parts) {
        if (!items.isEmpty() || parts.isEmpty()) {
            parts.add(sc.parallelize(new ArrayList<>(items), Math.max(1, Math.min(items.size(), sc.defaultParallelism()))));
            items.clear();
        }
    }

    static boolean isListFile(String spec) {
        String s = spec.toLowerCase(java.util.Locale.ROOT);
        return (s.endsWith(".txt") || s.endsWith(".lst")) && !isGlob(spec);
    }

    private static void expand(String spec, Configuration conf, List<ImageItem> out) throws IOException {
        Path p = new Path(spec);
        FileSystem fs = p.getFileSystem(conf);
        if (isGlob(spec)) {
            FileStatus[] matches = fs.globStatus(p);
            if (matches == null || matches.length == 0) {
                out.add(new ImageItem(spec, spec, null, "no file matches this pattern"));
                return;
            }
            String literal = literalPrefix(spec);
            Path base = fs.makeQualified(new Path(literal.isEmpty() ? "." : literal));
            Arrays.sort(matches, Comparator.comparing(FileStatus::getPath));
            for (FileStatus m : matches) {
                String rel = relative(base, m.getPath());
                String given = literal.isEmpty() ? rel : join(literal, rel);
                if (m.isDirectory()) {
                    walk(fs, m.getPath(), given, "", out);
                } else {
                    out.add(new ImageItem(given, m.getPath().toString(), m.getPath().getName(), null));
                }
            }
            return;
        }
        FileStatus st;
        try {
            st = fs.getFileStatus(p);
        } catch (java.io.FileNotFoundException e) {
            out.add(new ImageItem(spec, spec, null, "no such file or folder"));
            return;
        }
        if (st.isDirectory()) {
            walk(fs, st.getPath(), spec, "", out);
        } else {
            out.add(new ImageItem(spec, st.getPath().toString(), st.getPath().getName(), null));
        }
    }

    /** Depth-first, names sorted at each level, as the CLI walks a folder; {@code under}: the path below the given folder. */
    private static void walk(FileSystem fs, Path dir, String given, String under, List<ImageItem> out) throws IOException {
        FileStatus[] entries = fs.listStatus(dir);
        Arrays.sort(entries, Comparator.comparing(s -> s.getPath().getName()));
        for (FileStatus e : entries) {
            String name = e.getPath().getName();
            if (e.isDirectory()) {
                walk(fs, e.getPath(), join(given, name), under.isEmpty() ? name : under + "/" + name, out);
            } else if (InputWalker.isImageName(java.nio.file.Path.of(name))) {
                out.add(new ImageItem(join(given, name), e.getPath().toString(), under.isEmpty() ? name : under + "/" + name, null));
            }
        }
    }

    private static String join(String dir, String name) {
        return dir.endsWith("/") ? dir + name : dir + "/" + name;
    }

    private static String relative(Path base, Path p) {
        String b = base.toUri().getPath();
        String s = p.toUri().getPath();
        return s.startsWith(b + "/") ? s.substring(b.length() + 1) : s;
    }

    static boolean isGlob(String spec) {
        return spec.indexOf('*') >= 0 || spec.indexOf('?') >= 0 || spec.indexOf('[') >= 0 || spec.indexOf('{') >= 0;
    }

    /** The folder part of a glob before its first pattern character ("" when there is none). */
    private static String literalPrefix(String spec) {
        int meta = spec.length();
        for (int i = 0; i < spec.length(); i++) {
            if ("*?[{".indexOf(spec.charAt(i)) >= 0) {
                meta = i;
                break;
            }
        }
        int slash = spec.lastIndexOf('/', meta);
        return slash < 0 ? "" : slash == 0 ? "/" : spec.substring(0, slash);
    }
}
