package dev.cvkit.data;

import dev.cvkit.UserError;
import dev.cvkit.io.InputWalker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The "ImageFolder" layout: {@code ROOT/CLASS/…/IMAGE}. Each folder directly under ROOT is a
 * class (sorted by name, as torchvision does; hidden folders skipped); its images are found
 * recursively and sorted. When the classes are already known (from the training set or a model)
 * the folders must match them exactly: a missing or unknown class folder is an error rather than
 * a silent relabelling.
 */
public final class ImageFolderDataset extends FileDataset {
    private final Path root;

    private ImageFolderDataset(Path root, List<Path> files, int[] labels, List<String> classes, long maxPixels) {
        super(files, labels, classes, maxPixels);
        this.root = root;
    }

    /**
     * @param expectedClasses the classes the folders must match, in label order; null to take
     *                        the sorted folder names
     */
    public static ImageFolderDataset open(Path root, List<String> expectedClasses, long maxPixels) {
        List<Path> classDirs;
        try (Stream<Path> s = Files.list(root)) {
            classDirs = s.filter(Files::isDirectory)
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            throw new UserError(root + ": cannot list (" + e.getMessage() + ")", 1);
        }
        if (classDirs.isEmpty()) {
            throw new UserError(root + ": no class folders (expected ROOT/CLASS/IMAGE, one folder per class)", 1);
        }
        List<String> found = classDirs.stream().map(p -> p.getFileName().toString()).toList();
        List<String> classes = expectedClasses == null ? found : expectedClasses;
        for (String c : found) {
            if (!classes.contains(c)) {
                throw new UserError(root + ": folder '" + c + "' is not one of the " + classes.size()
                        + " known classes " + abbreviate(classes), 1);
            }
        }
        for (String c : classes) {
            if (!found.contains(c)) {
                throw new UserError(root + ": no folder for class '" + c + "' (expected one folder per class: "
                        + abbreviate(classes) + ")", 1);
            }
        }
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (Path dir : classDirs) {
            int label = classes.indexOf(dir.getFileName().toString());
            int before = files.size();
            try (Stream<Path> s = Files.walk(dir)) {
                s.filter(Files::isRegularFile).filter(InputWalker::isImageName).sorted().forEach(p -> {
                    files.add(p);
                    labels.add(label);
                });
            } catch (IOException e) {
                throw new UserError(dir + ": cannot list (" + e.getMessage() + ")", 1);
            }
            if (files.size() == before) {
                throw new UserError(dir + ": class folder holds no images", 1);
            }
        }
        return new ImageFolderDataset(root, files, labels.stream().mapToInt(Integer::intValue).toArray(), classes, maxPixels);
    }

    static String abbreviate(List<String> classes) {
        if (classes.size() <= 12) {
            return classes.toString();
        }
        return classes.subList(0, 12).toString().replace("]", ", …]");
    }

    @Override
    public String describe() {
        return root + ": " + size() + " images in " + classes().size() + " class folders";
    }
}
