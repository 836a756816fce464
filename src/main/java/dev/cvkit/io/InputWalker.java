package dev.cvkit.io;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Expands command-line inputs lazily, so a folder of 100,000 images streams with bounded memory:
 * files as given; folders walked recursively in sorted order (symlinked folders followed, loops
 * skipped); globs; '-' reads one path per line from stdin. Paths that do not exist become
 * {@link InputItem#error() failed} items so the rest of the batch still runs.
 */
public final class InputWalker implements Iterator<InputItem>, SkipCount {
    /** File name extensions treated as images when walking folders. */
    public static final Set<String> IMAGE_EXTENSIONS = Set.of(
            "jpg", "jpeg", "jpe", "png", "bmp", "dib", "tif", "tiff", "webp", "pgm", "ppm", "pbm", "pnm",
            "jp2", "exr", "hdr", "pic", "sr", "ras", "avif", "gif");

    private final Deque<Source> stack = new ArrayDeque<>();
    private final Predicate<Path> accept;
    private InputItem next;
    private long skippedSpecial;

    /** A pending producer of items: one spec, the stdin list, or a folder being walked. */
    private interface Source {
        /** Next item, or null when exhausted. */
        InputItem poll() throws IOException;
    }

    public InputWalker(List<String> specs, InputStream stdin, Predicate<Path> accept) {
        this.accept = accept;
        List<String> all = specs.isEmpty() ? List.of("-") : specs;
        for (int i = all.size() - 1; i >= 0; i--) {
            String spec = all.get(i);
            stack.push(spec.equals("-") ? stdinSource(stdin) : singleSpec(spec));
        }
    }

    /** Walks image files only. */
    public static InputWalker images(List<String> specs, InputStream stdin) {
        return new InputWalker(specs, stdin, InputWalker::isImageName);
    }

    /**
     * How many FIFOs, devices and sockets a folder walk has passed over so far: reading one
     * could block forever, so only regular files (and symlinks to them) are taken.
     */
    @Override
    public long skippedSpecial() {
        return skippedSpecial;
    }

    public static boolean isImageName(Path p) {
        String name = p.getFileName() == null ? "" : p.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && IMAGE_EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    @Override
    public boolean hasNext() {
        while (next == null && !stack.isEmpty()) {
            try {
                InputItem item = stack.peek().poll();
                if (item == null) {
                    stack.pop();
                } else {
                    next = item;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return next != null;
    }

    @Override
    public InputItem next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        InputItem item = next;
        next = null;
        return item;
    }

    private Source stdinSource(InputStream stdin) {
        BufferedReader reader = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8));
        return () -> {
            String line;
            while ((line = reader.readLine()) != null) {
                String spec = line.strip();
                if (!spec.isEmpty()) {
                    Source s = singleSpec(spec);
                    InputItem first = s.poll();
                    if (first != null) {
                        stack.push(s); // a folder named on stdin keeps streaming after this item
                        return first;
                    }
                }
            }
            return null;
        };
    }

    private Source singleSpec(String spec) {
        return new Source() {
            boolean done;

            @Override
            public InputItem poll() throws IOException {
                if (done) {
                    return null;
                }
                done = true;
                if (UrlInputs.isUrl(spec) || UrlInputs.isStream(spec)) {
                    return UrlInputs.item(spec); // fetched (or, a stream, opened) by the worker that processes it
                }
                Path p = Path.of(spec);
                if (Files.isDirectory(p)) {
                    stack.push(new FolderWalk(spec, p));
                    return stack.peek().poll();
                }
                if (Files.exists(p)) {
                    return fileItem(spec, p, relativeOf(p.getFileName()));
                }
                if (isGlob(spec)) {
                    List<Path> matches = glob(spec);
                    if (matches.isEmpty()) {
                        return InputItem.failed(spec, "no file matches this pattern");
                    }
                    stack.push(listSource(spec, matches));
                    return stack.peek().poll();
                }
                return InputItem.failed(spec, "no such file or folder");
            }
        };
    }

    private Source listSource(String spec, List<Path> paths) {
        Iterator<Path> it = paths.iterator();
        return () -> {
            while (it.hasNext()) {
                Path p = it.next();
                if (Files.isDirectory(p)) {
                    FolderWalk walk = new FolderWalk(p.toString(), p);
                    InputItem first = walk.poll();
                    if (first != null) {
                        stack.push(walk);
                        return first;
                    }
                } else if (Files.isRegularFile(p)) {
                    return new InputItem(p.toString(), p, relativeOf(p.getFileName()), null);
                } else {
                    skippedSpecial++;
                }
            }
            return null;
        };
    }

    /** A file named on the command line or stdin: read only if it is a regular file (a FIFO would block). */
    private static InputItem fileItem(String given, Path p, Path relative) {
        if (!Files.isRegularFile(p)) {
            return InputItem.failed(given, "not a regular file (a FIFO, device or socket): not read");
        }
        return new InputItem(given, p, relative, null);
    }

    private static Path relativeOf(Path p) {
        return p == null ? Path.of("image") : p;
    }

    static boolean isGlob(String spec) {
        return spec.indexOf('*') >= 0 || spec.indexOf('?') >= 0 || spec.indexOf('[') >= 0 || spec.indexOf('{') >= 0;
    }

    /** Expands a glob from its longest literal folder prefix; sorted. */
    private static List<Path> glob(String spec) throws IOException {
        String norm = spec.replace('\\', '/');
        int firstMeta = firstGlobChar(norm);
        int slash = norm.lastIndexOf('/', firstMeta);
        Path base = slash < 0 ? Path.of("") : Path.of(slash == 0 ? "/" : norm.substring(0, slash));
        String pattern = slash < 0 ? norm : norm.substring(slash + 1);
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
        Path baseDir = base.toString().isEmpty() ? Path.of(".") : base;
        if (!Files.isDirectory(baseDir)) {
            return List.of();
        }
        List<Path> out = new ArrayList<>();
        boolean recursive = pattern.contains("/") || pattern.contains("**");
        try (var stream = recursive ? Files.walk(baseDir) : Files.list(baseDir)) {
            stream.filter(p -> !p.equals(baseDir))
                    .filter(p -> matcher.matches(baseDir.relativize(p)))
                    .map(p -> base.toString().isEmpty() ? baseDir.relativize(p) : p)
                    .sorted()
                    .forEach(out::add);
        }
        return out;
    }

    private static int firstGlobChar(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == '{') {
                return i;
            }
        }
        return s.length();
    }

    /** Depth-first, sorted walk of one folder tree; each folder listed only when reached. */
    private final class FolderWalk implements Source {
        private final String givenRoot;
        private final Path root;
        private final Deque<Iterator<Path>> levels = new ArrayDeque<>();
        private final Set<Path> visited = new HashSet<>();

        private InputItem pendingError;

        FolderWalk(String givenRoot, Path root) {
            this.givenRoot = givenRoot;
            this.root = root;
            pendingError = enter(root);
        }

        /** Lists {@code dir}; returns a failed item when it cannot be read (permissions), else null. */
        private InputItem enter(Path dir) {
            Path real;
            try {
                real = dir.toRealPath();
            } catch (IOException e) {
                return failed(dir, "cannot resolve folder (" + e.getClass().getSimpleName() + ")");
            }
            if (!visited.add(real)) {
                return null; // symlink loop or a folder reached twice
            }
            List<Path> entries = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
                for (Path p : ds) {
                    entries.add(p);
                }
            } catch (java.nio.file.AccessDeniedException e) {
                return failed(dir, "cannot read folder: permission denied");
            } catch (IOException | UncheckedIOException e) {
                return failed(dir, "cannot read folder (" + e.getMessage() + ")");
            }
            entries.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
            levels.push(entries.iterator());
            return null;
        }

        private InputItem failed(Path dir, String why) {
            return InputItem.failed(given(dir), why);
        }

        private String given(Path p) {
            if (p.equals(root)) {
                return givenRoot;
            }
            Path rel = root.relativize(p);
            return givenRoot.endsWith("/") ? givenRoot + rel : givenRoot + "/" + rel;
        }

        @Override
        public InputItem poll() {
            if (pendingError != null) {
                InputItem e = pendingError;
                pendingError = null;
                return e;
            }
            while (!levels.isEmpty()) {
                Iterator<Path> it = levels.peek();
                if (!it.hasNext()) {
                    levels.pop();
                    continue;
                }
                Path p = it.next();
                if (Files.isDirectory(p)) {
                    InputItem error = enter(p);
                    if (error != null) {
                        return error;
                    }
                } else if (!accept.test(p)) {
                    continue;
                } else if (Files.isRegularFile(p)) {
                    return new InputItem(given(p), p, root.relativize(p), null);
                } else if (Files.exists(p)) {
                    skippedSpecial++; // a FIFO, device or socket with an image name
                } else {
                    return failed(p, "broken symbolic link");
                }
            }
            return null;
        }
    }
}
