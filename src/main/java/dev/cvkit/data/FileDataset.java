package dev.cvkit.data;

import dev.cvkit.UserError;
import dev.cvkit.image.Pixels;
import java.nio.file.Path;
import java.util.List;

/** Samples that are image files on disk, decoded on every read (so memory stays bounded). */
abstract class FileDataset implements Dataset {
    private final List<Path> files;
    private final int[] labels;
    private final List<String> classes;
    private final long maxPixels;

    FileDataset(List<Path> files, int[] labels, List<String> classes, long maxPixels) {
        this.files = List.copyOf(files);
        this.labels = labels.clone();
        this.classes = List.copyOf(classes);
        this.maxPixels = maxPixels;
    }

    @Override
    public int size() { return files.size(); }

    @Override
    public List<String> classes() { return classes; }

    @Override
    public int label(int i) { return labels[i]; }

    @Override
    public Pixels image(int i) {
        try {
            return Pixels.read(files.get(i), maxPixels);
        } catch (UserError e) {
            throw new UserError(files.get(i) + ": " + e.getMessage(), 1);
        }
    }

    @Override
    public String name(int i) { return files.get(i).toString(); }

    /** The file of sample i. */
    public Path file(int i) { return files.get(i); }
}
