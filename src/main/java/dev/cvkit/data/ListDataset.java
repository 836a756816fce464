package dev.cvkit.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cvkit.UserError;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * A list of labelled images: CSV lines {@code path,label} (an optional first line
 * {@code path,label} is a header; fields may be double-quoted) or JSON Lines
 * {@code {"path": "...", "label": "..."}}. Relative paths are relative to the list's folder.
 * Every entry is checked when the list is opened, so a typo fails at once with its line number,
 * not hours into training. Without known classes, the classes are the distinct labels sorted
 * (numerically when all are integers).
 */
public final class ListDataset extends FileDataset {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path listFile;

    private ListDataset(Path listFile, List<Path> files, int[] labels, List<String> classes, long maxPixels) {
        super(files, labels, classes, maxPixels);
        this.listFile = listFile;
    }

    public static boolean isListFile(Path p) {
        String n = p.getFileName() == null ? "" : p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".csv") || n.endsWith(".jsonl") || n.endsWith(".ndjson");
    }

    public static ListDataset open(Path listFile, List<String> expectedClasses, long maxPixels) {
        boolean json = !listFile.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv");
        Path base = listFile.toAbsolutePath().getParent();
        List<Path> files = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<Integer> lines = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(listFile, StandardCharsets.UTF_8)) {
            String line;
            int no = 0;
            while ((line = r.readLine()) != null) {
                no++;
                if (line.isBlank()) {
                    continue;
                }
                String where = listFile + ":" + no;
                String[] entry = json ? jsonEntry(line, where) : csvEntry(line, where);
                if (entry == null) {
                    continue; // the CSV header
                }
                Path p = base.resolve(entry[0]).normalize();
                if (!Files.isRegularFile(p)) {
                    throw new UserError(where + ": " + entry[0] + ": " + (Files.exists(p) ? "not a file" : "no such file"), 1);
                }
                if (!Files.isReadable(p)) {
                    throw new UserError(where + ": " + entry[0] + ": permission denied", 1);
                }
                files.add(p);
                names.add(entry[1]);
                lines.add(no);
            }
        } catch (java.nio.file.NoSuchFileException e) {
            throw new UserError(listFile + ": no such file", 1);
        } catch (java.nio.charset.MalformedInputException e) {
            throw new UserError(listFile + ": not UTF-8 text", 1);
        } catch (IOException e) {
            throw new UserError(listFile + ": cannot read (" + e.getMessage() + ")", 1);
        }
        if (files.isEmpty()) {
            throw new UserError(listFile + ": lists no images", 1);
        }
        List<String> classes = expectedClasses != null ? expectedClasses : sortedLabels(names);
        int[] labels = new int[names.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = classes.indexOf(names.get(i));
            if (labels[i] < 0) {
                throw new UserError(listFile + ":" + lines.get(i) + ": label '" + names.get(i) + "' is not one of the "
                        + classes.size() + " known classes " + ImageFolderDataset.abbreviate(classes), 1);
            }
        }
        return new ListDataset(listFile, files, labels, classes, maxPixels);
    }

    private static String[] jsonEntry(String line, String where) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new UserError(where + ": malformed JSON at column " + e.getLocation().getColumnNr()
                    + " (" + e.getOriginalMessage() + ")", 1);
        }
        if (node == null || !node.isObject() || !node.path("path").isTextual()
                || !(node.path("label").isTextual() || node.path("label").isIntegralNumber())) {
            throw new UserError(where + ": expected {\"path\": \"...\", \"label\": \"...\"}", 1);
        }
        return new String[] {node.get("path").asText(), node.get("label").asText()};
    }

    /** Splits one CSV line into path and label; null for the header line. */
    static String[] csvEntry(String line, String where) {
        List<String> fields = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    sb.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    sb.append(c);
                }
            } else if (c == '"' && sb.toString().isBlank()) {
                quoted = true;
                wasQuoted = true;
                sb.setLength(0);
            } else if (c == ',') {
                fields.add(wasQuoted ? sb.toString() : sb.toString().strip());
                sb.setLength(0);
                wasQuoted = false;
            } else {
                sb.append(c);
            }
        }
        if (quoted) {
            throw new UserError(where + ": unterminated quote", 1);
        }
        fields.add(wasQuoted ? sb.toString() : sb.toString().strip());
        if (fields.size() != 2 || fields.get(0).isEmpty() || fields.get(1).isEmpty()) {
            throw new UserError(where + ": expected 'path,label', got " + fields.size() + " field(s)", 1);
        }
        if (fields.get(0).equalsIgnoreCase("path") && fields.get(1).equalsIgnoreCase("label")) {
            return null;
        }
        return fields.toArray(new String[0]);
    }

    private static List<String> sortedLabels(List<String> names) {
        boolean numeric = names.stream().allMatch(s -> s.matches("-?\\d{1,9}"));
        Comparator<String> order = numeric ? Comparator.comparingInt(Integer::parseInt) : Comparator.naturalOrder();
        TreeSet<String> set = new TreeSet<>(order);
        set.addAll(names);
        return List.copyOf(set);
    }

    @Override
    public String describe() {
        return listFile + ": " + size() + " images, " + classes().size() + " classes";
    }
}
