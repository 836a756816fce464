package dev.cvkit.data;

import dev.cvkit.UserError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Opens {@code --data} whatever its layout, by looking at what is there. */
public final class Datasets {
    private Datasets() {}

    /**
     * Opens a dataset:
     * <ul>
     *   <li>a {@code .csv}/{@code .jsonl} file: a {@link ListDataset};</li>
     *   <li>a folder with idx files: an {@link IdxDataset}, split "train" or "test";</li>
     *   <li>a folder with a subfolder named after the split ({@code ROOT/train}, {@code ROOT/test},
     *       {@code ROOT/val}): that subfolder as an {@link ImageFolderDataset};</li>
     *   <li>any other folder: an {@link ImageFolderDataset} (split "train" only).</li>
     * </ul>
     *
     * @param split           "train", "test" or "val"
     * @param expectedClasses the classes labels must come from (training set's or model's), or null
     */
    public static Dataset open(Path path, String split, List<String> expectedClasses, long maxPixels) {
        if (!Files.exists(path)) {
            throw new UserError(path + ": no such file or folder", 2);
        }
        if (Files.isRegularFile(path)) {
            if (!ListDataset.isListFile(path)) {
                throw new UserError(path + ": not a dataset (give a folder, or a .csv/.jsonl list of path,label)", 2);
            }
            return ListDataset.open(path, expectedClasses, maxPixels);
        }
        if (IdxDataset.looksLike(path)) {
            IdxDataset idx = IdxDataset.open(path, split);
            if (expectedClasses != null && !expectedClasses.equals(idx.classes())) {
                throw new UserError(path + ": classes " + ImageFolderDataset.abbreviate(idx.classes())
                        + " differ from the expected " + ImageFolderDataset.abbreviate(expectedClasses), 1);
            }
            return idx;
        }
        Path sub = path.resolve(split);
        if (Files.isDirectory(sub)) {
            return ImageFolderDataset.open(sub, expectedClasses, maxPixels);
        }
        if (!split.equals("train")) {
            throw new UserError(path + ": no '" + split + "' folder (expected " + path.resolve(split) + "/CLASS/IMAGE)", 2);
        }
        return ImageFolderDataset.open(path, expectedClasses, maxPixels);
    }

    /** True when {@link #open} with this split would find a separate part for it. */
    public static boolean hasSplit(Path path, String split) {
        if (!Files.isDirectory(path)) {
            return false;
        }
        if (IdxDataset.looksLike(path)) {
            return IdxDataset.hasSplit(path, split);
        }
        return Files.isDirectory(path.resolve(split));
    }
}
