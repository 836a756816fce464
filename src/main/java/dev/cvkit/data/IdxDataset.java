package dev.cvkit.data;

import dev.cvkit.UserError;
import dev.cvkit.image.Pixels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * An MNIST-style folder: {@code train-images-idx3-ubyte} and {@code train-labels-idx1-ubyte}
 * (split "train") or the {@code t10k-} pair (split "test"), raw or {@code .gz}, with '-' or '.'
 * before "idx" (both spellings circulate). Held in memory (MNIST's training set is 47 MB).
 *
 * <p>Class names come from a {@code classes.txt} beside the files (one per line) when there is
 * one; otherwise Fashion-MNIST's names when the folder's name contains "fashion"; otherwise the
 * digits 0..9.
 */
public final class IdxDataset implements Dataset {
    static final List<String> FASHION = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    private static final Pattern NAME = Pattern.compile("(train|t10k|test)-(images|labels)[-.]idx([13])-ubyte(\\.gz)?");

    private final Path imagesFile;
    private final int count;
    private final int rows;
    private final int cols;
    private final byte[] pixels;
    private final byte[] labels;
    private final List<String> classes;

    private IdxDataset(Path imagesFile, IdxFile images, IdxFile labels, List<String> classes) {
        this.imagesFile = imagesFile;
        this.count = images.dims()[0];
        this.rows = images.dims()[1];
        this.cols = images.dims()[2];
        this.pixels = images.data();
        this.labels = labels.data();
        this.classes = List.copyOf(classes);
    }

    /** True when the folder holds at least one idx images file. */
    public static boolean looksLike(Path folder) {
        try (Stream<Path> s = Files.list(folder)) {
            return s.anyMatch(p -> NAME.matcher(p.getFileName().toString()).matches());
        } catch (IOException e) {
            return false;
        }
    }

    /** True when the folder has the images file of this split ("train" or "test"). */
    public static boolean hasSplit(Path folder, String split) {
        String prefix = split.equals("train") ? "train" : split.equals("test") || split.equals("t10k") ? "t10k" : null;
        if (prefix == null) {
            return false;
        }
        try (Stream<Path> s = Files.list(folder)) {
            return s.anyMatch(p -> {
                Matcher m = NAME.matcher(p.getFileName().toString());
                return m.matches() && m.group(2).equals("images")
                        && prefix.equals(m.group(1).equals("test") ? "t10k" : m.group(1));
            });
        } catch (IOException e) {
            return false;
        }
    }

    /** Opens split "train" or "test" of an idx folder. */
    public static IdxDataset open(Path folder, String split) {
        String prefix = switch (split) {
            case "train" -> "train";
            case "test", "t10k" -> "t10k";
            default -> throw new UserError(folder + ": an idx folder has splits 'train' and 'test', not '" + split + "'", 2);
        };
        Path imagesPath = find(folder, prefix, "images", split);
        Path labelsPath = find(folder, prefix, "labels", split);
        IdxFile images = IdxFile.read(imagesPath, 3);
        IdxFile labels = IdxFile.read(labelsPath, 1);
        int n = images.dims()[0];
        if (labels.dims()[0] != n) {
            throw new UserError(imagesPath + " has " + n + " images but " + labelsPath + " has "
                    + labels.dims()[0] + " labels (files from different sets?)", 1);
        }
        if (n == 0 || images.dims()[1] == 0 || images.dims()[2] == 0) {
            throw new UserError(imagesPath + ": holds no images (" + IdxFile.shape(images.dims()) + ")", 1);
        }
        List<String> classes = classNames(folder, labels.data(), labelsPath);
        return new IdxDataset(imagesPath, images, labels, classes);
    }

    private static Path find(Path folder, String prefix, String kind, String split) {
        List<Path> found = new ArrayList<>();
        try (Stream<Path> s = Files.list(folder)) {
            s.forEach(p -> {
                Matcher m = NAME.matcher(p.getFileName().toString());
                String filePrefix = m.matches() ? (m.group(1).equals("test") ? "t10k" : m.group(1)) : null;
                if (prefix.equals(filePrefix) && m.group(2).equals(kind)) {
                    found.add(p);
                }
            });
        } catch (IOException e) {
            throw new UserError(folder + ": cannot list (" + e.getMessage() + ")", 1);
        }
        // a raw file and its .gz twin may both be there; take the raw one (faster to read)
        found.sort((a, b) -> Boolean.compare(a.toString().endsWith(".gz"), b.toString().endsWith(".gz")));
        if (found.isEmpty()) {
            throw new UserError(folder + ": no " + prefix + "-" + kind + "-idx" + (kind.equals("images") ? 3 : 1)
                    + "-ubyte[.gz] file for split '" + split + "'", 1);
        }
        return found.get(0);
    }

    private static List<String> classNames(Path folder, byte[] labels, Path labelsPath) {
        int max = 0;
        for (byte b : labels) {
            max = Math.max(max, b & 0xFF);
        }
        Path listFile = folder.resolve("classes.txt");
        List<String> classes;
        String source;
        if (Files.isRegularFile(listFile)) {
            try {
                classes = Files.readAllLines(listFile, StandardCharsets.UTF_8).stream()
                        .map(String::strip).filter(s -> !s.isEmpty()).toList();
            } catch (java.nio.charset.CharacterCodingException e) {
                throw new UserError(listFile + ": not UTF-8 text", 1);
            } catch (IOException e) {
                throw new UserError(listFile + ": cannot read (" + e.getMessage() + ")", 1);
            }
            source = listFile + " lists " + classes.size();
        } else if (Optional.ofNullable(folder.toAbsolutePath().normalize().getFileName())
                .map(p -> p.toString().toLowerCase(Locale.ROOT).contains("fashion")).orElse(false)) {
            classes = FASHION;
            source = "Fashion-MNIST has 10";
        } else {
            String[] digits = new String[Math.max(10, max + 1)];
            for (int i = 0; i < digits.length; i++) {
                digits[i] = Integer.toString(i);
            }
            classes = Arrays.asList(digits);
            source = "";
        }
        if (max >= classes.size()) {
            throw new UserError(labelsPath + ": label " + max + " is outside the classes (" + source + ")", 1);
        }
        return classes;
    }

    @Override
    public int size() { return count; }

    @Override
    public List<String> classes() { return classes; }

    @Override
    public int label(int i) { return labels[i] & 0xFF; }

    @Override
    public Pixels image(int i) {
        int n = rows * cols;
        return new Pixels(rows, cols, 1, Arrays.copyOfRange(pixels, i * n, (i + 1) * n));
    }

    @Override
    public String name(int i) { return imagesFile.getFileName() + "#" + i; }

    @Override
    public String describe() {
        return imagesFile + ": " + count + " images " + rows + "×" + cols + ", " + classes.size() + " classes";
    }
}
