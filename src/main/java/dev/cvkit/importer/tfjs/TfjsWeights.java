package dev.cvkit.importer.tfjs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cvkit.UserError;
import dev.cvkit.ExitCodes;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The decoded weights of a TF.js model, by name in manifest order, in TensorFlow layouts, with
 * the files they came from (for provenance). Architecture importers take tensors out with
 * {@link #floats(String, int...)}, which checks the expected shape.
 */
public final class TfjsWeights {
    private final Map<String, TfjsTensor> tensors;
    private final List<SourceFile> sources;
    private final String where;

    TfjsWeights(Map<String, TfjsTensor> tensors, List<SourceFile> sources, String where) {
        this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        this.sources = List.copyOf(sources);
        this.where = where;
    }

    /**
     * Reads a weights-only manifest (face-api's {@code *-weights_manifest.json}: a JSON array of
     * groups) and its shards from the same folder.
     */
    public static TfjsWeights readManifest(Path manifest) {
        byte[] json = JsonFiles.readBounded(manifest, JsonFiles.MAX_JSON_BYTES, "weights manifest");
        JsonNode root = JsonFiles.parse(json, manifest);
        List<SourceFile> sources = new ArrayList<>();
        sources.add(JsonFiles.describe(String.valueOf(manifest.getFileName()), json));
        List<WeightGroup> groups = ManifestParser.parse(root, manifest.toString());
        return load(manifest, groups, sources);
    }

    /** Reads the shards of each group (relative to {@code manifest}'s folder) and decodes them. */
    static TfjsWeights load(Path manifest, List<WeightGroup> groups, List<SourceFile> sources) {
        Path folder = manifest.toAbsolutePath().getParent();
        Map<String, TfjsTensor> all = new LinkedHashMap<>();
        for (WeightGroup g : groups) {
            long declared = 0;
            for (WeightSpec s : g.weights()) {
                declared = Math.addExact(declared, s.storedBytes());
            }
            if (declared > JsonFiles.MAX_SHARD_BYTES) {
                throw ManifestParser.bad(manifest.toString(), "declares " + declared + " bytes of weights in one group, more than cvkit reads");
            }
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            for (String p : g.paths()) {
                // never more than the manifest declares: a shard that is /dev/zero (or a link to it) ends here
                byte[] bytes = JsonFiles.readShard(folder, p, declared - buf.size(), "weight shard listed in " + manifest.getFileName());
                sources.add(JsonFiles.describe(p, bytes));
                buf.writeBytes(bytes);
            }
            all.putAll(WeightDecoder.decode(buf.toByteArray(), g.weights(), manifest.toString()));
        }
        return new TfjsWeights(all, sources, manifest.toString());
    }

    /** All tensors by name, manifest order. */
    public Map<String, TfjsTensor> all() { return tensors; }

    /** The manifest/model.json and shard files read, in reading order. */
    public List<SourceFile> sources() { return sources; }

    public boolean contains(String name) { return tensors.containsKey(name); }

    public TfjsTensor get(String name) {
        TfjsTensor t = tensors.get(name);
        if (t == null) {
            throw new UserError(where + ": weight \"" + name + "\" is missing (not the model the chosen --arch expects?)",
                    ExitCodes.INPUT_FAILED);
        }
        return t;
    }

    /** The float32 values of {@code name}, which must have exactly {@code shape} (TensorFlow layout). */
    public float[] floats(String name, int... shape) {
        TfjsTensor t = get(name);
        if (!t.isFloat()) {
            throw new UserError(where + ": weight \"" + name + "\" is int32, expected float32", ExitCodes.INPUT_FAILED);
        }
        if (!Arrays.equals(t.shape(), shape)) {
            throw new UserError(where + ": weight \"" + name + "\" has shape " + t.shapeText() + ", expected "
                    + Arrays.toString(shape), ExitCodes.INPUT_FAILED);
        }
        return t.floats();
    }

    /** The int32 values of {@code name}. */
    public int[] ints(String name) {
        TfjsTensor t = get(name);
        if (t.isFloat()) {
            throw new UserError(where + ": weight \"" + name + "\" is float32, expected int32", ExitCodes.INPUT_FAILED);
        }
        return t.ints();
    }
}
