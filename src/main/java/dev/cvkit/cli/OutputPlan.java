package dev.cvkit.cli;

import dev.cvkit.ExitCodes;
import dev.cvkit.UserError;
import dev.cvkit.io.AtomicFiles;
import dev.cvkit.io.InputItem;
import dev.cvkit.io.SkipCount;
import dev.cvkit.io.UrlInputs;
import dev.cvkit.io.RealPaths;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Decides, before any work, where a command's outputs go, and refuses (exit 2) any output that
 * would replace an input or a file named by an option. Paths are compared as real paths, so a
 * symlink or {@code ./} does not hide a clash.
 *
 * <ul>
 *   <li>A file output ({@code --coco}) must not be an input, an option's file or another output;
 *       its folder must be writable now, not only after the batch.</li>
 *   <li>An output folder ({@code --save}, {@code --crop}) that already holds files is used only
 *       with {@code --exist-ok}; otherwise the next free numbered sibling (out2, out3 …) is.
 *       It must not contain an input or lie inside an input folder: outputs would replace
 *       inputs, or be read back as inputs later in the same walk.</li>
 *   <li>{@link #items} gives each input a distinct output name: with several INPUTs their
 *       paths relative to a common root, and a numbered stem where two still coincide.</li>
 * </ul>
 *
 * Inputs streamed from stdin are checked one by one as they arrive.
 */
final class OutputPlan {
    private record Named(String option, Path real) {}

    private final Predicate<Path> accept;
    private final PrintWriter err;
    private final boolean quiet;
    private final List<Named> inputFiles = new ArrayList<>();
    private final List<Path> inputFolders = new ArrayList<>();
    private final List<Named> outputFiles = new ArrayList<>();
    private final List<Named> outputFolders = new ArrayList<>();
    private final Path commonRoot;

    /**
     * @param specs  the command's INPUT arguments
     * @param accept which files a folder walk takes as inputs
     */
    OutputPlan(List<String> specs, Predicate<Path> accept, PrintWriter err, boolean quiet) {
        this.accept = accept;
        this.err = err;
        this.quiet = quiet;
        List<Path> anchors = new ArrayList<>();
        for (String s : specs) {
            if (s.equals("-") || UrlInputs.isUrl(s) || UrlInputs.isStream(s)) {
                continue;
            }
            Path p = Path.of(s);
            if (Files.isDirectory(p)) {
                inputFolders.add(RealPaths.of(p));
                anchors.add(p.toAbsolutePath().normalize());
            } else if (Files.exists(p)) {
                inputFiles.add(new Named("INPUT", RealPaths.of(p)));
                Path parent = p.toAbsolutePath().normalize().getParent();
                anchors.add(parent == null ? p.toAbsolutePath() : parent);
            } else {
                Path base = globBase(s);
                if (base != null) {
                    inputFolders.add(RealPaths.of(base));
                    anchors.add(base.toAbsolutePath().normalize());
                }
            }
        }
        this.commonRoot = anchors.size() > 1 ? commonAncestor(anchors) : null;
    }

    /** A file the command reads because an option names it (--gt, --model …): never an output. */
    OutputPlan reads(String option, Path file) {
        if (file != null && Files.exists(file)) {
            inputFiles.add(new Named(option, RealPaths.of(file)));
        }
        return this;
    }

    /** Checks a file output now; returns it unchanged (null stays null). */
    Path file(String option, Path target) {
        if (target == null) {
            return null;
        }
        Path real = RealPaths.of(target);
        for (Named in : inputFiles) {
            if (in.real().equals(real)) {
                throw clash(option + " " + target + " is " + (in.option().equals("INPUT") ? "an input" : "the " + in.option() + " file")
                        + ": it would be overwritten (choose another file)");
            }
        }
        for (Path folder : inputFolders) {
            if (RealPaths.within(real, folder) && Files.isRegularFile(real) && accept.test(real)) {
                throw clash(option + " " + target + " is an input under " + folder + ": it would be overwritten (choose another file)");
            }
        }
        for (Named out : outputFiles) {
            if (out.real().equals(real)) {
                throw clash(option + " " + target + " is also the " + out.option() + " output");
            }
        }
        try {
            AtomicFiles.checkWritable(target);
        } catch (IOException e) {
            throw writeError(option, target, e);
        }
        outputFiles.add(new Named(option, real));
        return target;
    }

    /**
     * Chooses and creates an output folder: {@code dir} itself if it is new or empty or
     * {@code existOk}, else the first free {@code dir2}, {@code dir3} …. Returns null for null.
     */
    Path folder(String option, Path dir, boolean existOk) {
        if (dir == null) {
            return null;
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new UserError(option + " " + dir + ": is a file, not a folder", ExitCodes.USAGE);
        }
        Path chosen = dir;
        if (!existOk && holdsFiles(dir)) {
            Path given = dir.normalize().getFileName() == null || dir.normalize().toString().isEmpty()
                    ? dir.toAbsolutePath().normalize() : dir.normalize();
            String name = given.getFileName().toString();
            for (int n = 2; holdsFiles(chosen) || Files.exists(chosen) && !Files.isDirectory(chosen); n++) {
                chosen = given.getParent() == null ? Path.of(name + n) : given.getParent().resolve(name + n);
            }
            if (!quiet) {
                err.println("cvkit: " + option + " " + dir + " already holds files: writing to " + chosen
                        + " (--exist-ok writes into " + dir + ")");
                err.flush();
            }
        }
        Path real = RealPaths.of(chosen);
        for (Named in : inputFiles) {
            if (RealPaths.within(in.real(), real)) {
                throw clash((in.option().equals("INPUT") ? "input " : in.option() + " file ") + in.real() + " is inside the "
                        + option + " folder " + chosen + ": outputs could replace it (choose another folder)");
            }
        }
        for (Path folder : inputFolders) {
            if (RealPaths.within(folder, real) || RealPaths.within(real, folder)) {
                throw clash(option + " " + chosen + " and the input folder " + folder
                        + " overlap: outputs could replace inputs or be read back as inputs (choose a folder outside the inputs)");
            }
        }
        try {
            Files.createDirectories(chosen);
            AtomicFiles.checkWritable(chosen.resolve(".cvkit-probe"));
        } catch (IOException e) {
            throw writeError(option, chosen, e);
        }
        outputFolders.add(new Named(option, real));
        return chosen;
    }

    /**
     * The inputs, each with a distinct output name, refusing (exit 2) an input streamed from
     * stdin that is one of the outputs or lies in an output folder.
     */
    Iterator<InputItem> items(Iterator<InputItem> inputs) {
        Set<String> taken = new HashSet<>();
        return new Items() {
            @Override
            public long skippedSpecial() {
                return inputs instanceof SkipCount s ? s.skippedSpecial() : 0;
            }

            @Override
            public boolean hasNext() {
                return inputs.hasNext();
            }

            @Override
            public InputItem next() {
                InputItem item = inputs.next();
                if (item.error() != null) {
                    return item;
                }
                if (UrlInputs.isUrl(item.given()) || UrlInputs.isStream(item.given())) { // no local file: named after the URL
                    return new InputItem(item.given(), item.path(), distinct(item.relative(), taken), null, item.url());
                }
                check(item);
                Path rel = item.relative();
                if (commonRoot != null) {
                    Path abs = item.path().toAbsolutePath().normalize();
                    if (abs.startsWith(commonRoot) && !abs.equals(commonRoot)) {
                        rel = commonRoot.relativize(abs);
                    }
                }
                return new InputItem(item.given(), item.path(), distinct(rel, taken), null);
            }
        };
    }

    private interface Items extends Iterator<InputItem>, SkipCount {}

    private void check(InputItem item) {
        if (outputFiles.isEmpty() && outputFolders.isEmpty()) {
            return;
        }
        Path real = RealPaths.of(item.path());
        for (Named out : outputFiles) {
            if (out.real().equals(real)) {
                throw clash("input " + item.given() + " is the " + out.option() + " output: it would be overwritten (choose another file)");
            }
        }
        for (Named out : outputFolders) {
            if (RealPaths.within(real, out.real())) {
                throw clash("input " + item.given() + " is inside the " + out.option() + " folder " + out.real()
                        + ": outputs could replace it (choose another folder)");
            }
        }
    }

    /** {@code rel}, or {@code STEM_2.EXT}, {@code STEM_3.EXT} … when an earlier input took its stem. */
    private static Path distinct(Path rel, Set<String> taken) {
        String s = rel.toString();
        int dot = s.lastIndexOf('.');
        int slash = s.lastIndexOf('/');
        String stem = dot > slash + 1 ? s.substring(0, dot) : s;
        String ext = dot > slash + 1 ? s.substring(dot) : "";
        if (taken.add(stem)) {
            return rel;
        }
        for (int n = 2; ; n++) {
            String candidate = stem + "_" + n;
            if (taken.add(candidate)) {
                return Path.of(candidate + ext);
            }
        }
    }

    private static boolean holdsFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isPresent();
        } catch (IOException e) {
            return false; // unreadable: the write check reports it
        }
    }

    private static Path globBase(String spec) {
        String norm = spec.replace('\\', '/');
        int meta = -1;
        for (int i = 0; i < norm.length() && meta < 0; i++) {
            if ("*?[{".indexOf(norm.charAt(i)) >= 0) {
                meta = i;
            }
        }
        if (meta < 0) {
            return null;
        }
        int slash = norm.lastIndexOf('/', meta);
        Path base = slash < 0 ? Path.of(".") : Path.of(slash == 0 ? "/" : norm.substring(0, slash));
        return Files.isDirectory(base) ? base : null;
    }

    private static Path commonAncestor(List<Path> paths) {
        Path root = paths.get(0);
        for (Path p : paths) {
            while (root != null && !p.startsWith(root)) {
                root = root.getParent();
            }
        }
        return root;
    }

    private static UserError clash(String message) {
        return new UserError(message, ExitCodes.USAGE);
    }

    /** A location that cannot hold a file is a usage error; a failing file system (permissions, full disk) exit 1. */
    static UserError writeError(String option, Path target, IOException e) {
        Path blocker = fileInTheWay(target);
        if (blocker != null) {
            return new UserError(option + " " + target + ": cannot write there: a file is in the way of its folder (" + blocker + ")",
                    ExitCodes.USAGE, e);
        }
        if (e instanceof FileSystemException fse && fse.getReason() != null && fse.getReason().contains("is a folder")) {
            return new UserError(option + " " + target + ": is a folder, not a file", ExitCodes.USAGE, e);
        }
        return new UserError(option + " " + target + ": cannot write there: " + ErrorText.ioMessage(e), ExitCodes.INPUT_FAILED, e);
    }

    /** The nearest existing ancestor of {@code target} when it is not a folder (so nothing can be created below it). */
    private static Path fileInTheWay(Path target) {
        for (Path p = target.toAbsolutePath().normalize().getParent(); p != null; p = p.getParent()) {
            if (Files.exists(p)) {
                return Files.isDirectory(p) ? null : p;
            }
        }
        return null;
    }
}
