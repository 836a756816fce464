package dev.cvkit.importer.tfjs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cvkit.UserError;
import dev.cvkit.ExitCodes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A TF.js graph model ({@code model.json} with {@code "format": "graph-model"}): the topology's
 * nodes in file order, its signature's input and output names, and the decoded weights of its
 * {@code weightsManifest} (one weight per Const node, by node name).
 *
 * <p>Loading checks that every node name is unique, every input refers to an existing node, and
 * every weight belongs to a Const node; interpreting ops is the architecture importer's job.
 */
public final class TfjsGraphModel {
    private final String where;
    private final List<GraphNode> nodes;
    private final Map<String, GraphNode> byName;
    private final Map<String, List<GraphNode>> consumers;
    private final List<String> inputs;
    private final List<String> outputs;
    private final TfjsWeights weights;
    private final JsonNode meta;

    private TfjsGraphModel(String where, List<GraphNode> nodes, List<String> inputs, List<String> outputs,
                           TfjsWeights weights, JsonNode meta) {
        this.where = where;
        this.nodes = List.copyOf(nodes);
        Map<String, GraphNode> m = new LinkedHashMap<>();
        Map<String, List<GraphNode>> c = new LinkedHashMap<>();
        for (GraphNode n : nodes) {
            if (m.put(n.name(), n) != null) {
                throw ManifestParser.bad(where, "node name \"" + n.name() + "\" occurs twice");
            }
        }
        for (GraphNode n : nodes) {
            for (String in : n.inputs()) {
                String src = GraphNode.nodeOf(in);
                if (!m.containsKey(src)) {
                    throw ManifestParser.bad(where, "node \"" + n.name() + "\" reads \"" + in + "\", which no node produces");
                }
                c.computeIfAbsent(src, k -> new ArrayList<>()).add(n);
            }
        }
        for (String w : weights.all().keySet()) {
            GraphNode n = m.get(w);
            if (n == null || !n.op().equals("Const")) {
                throw ManifestParser.bad(where, "weight \"" + w + "\" has no Const node in the topology");
            }
        }
        this.byName = Collections.unmodifiableMap(m);
        this.consumers = c;
        this.inputs = List.copyOf(inputs);
        this.outputs = List.copyOf(outputs);
        this.weights = weights;
        this.meta = meta;
    }

    /** Reads {@code model.json} and the shards its manifest lists (same folder). */
    public static TfjsGraphModel read(Path modelJson) {
        byte[] json = JsonFiles.readBounded(modelJson, JsonFiles.MAX_JSON_BYTES, "TF.js model.json");
        JsonNode root = JsonFiles.parse(json, modelJson);
        String where = modelJson.toString();
        if (!root.isObject()) {
            throw ManifestParser.bad(where, "a TF.js graph model is a JSON object (a JSON array is a weights-only manifest)");
        }
        String format = root.path("format").asText("");
        if (!format.equals("graph-model")) {
            throw ManifestParser.bad(where, "format is \"" + format + "\", expected \"graph-model\"");
        }
        JsonNode nodeArray = root.path("modelTopology").get("node");
        if (nodeArray == null || !nodeArray.isArray() || nodeArray.isEmpty()) {
            throw ManifestParser.bad(where, "modelTopology has no node list");
        }
        List<GraphNode> nodes = new ArrayList<>();
        for (int i = 0; i < nodeArray.size(); i++) {
            JsonNode n = nodeArray.get(i);
            String name = n.path("name").asText("");
            String op = n.path("op").asText("");
            if (name.isEmpty() || op.isEmpty()) {
                throw ManifestParser.bad(where, "topology node " + i + " has no name or op");
            }
            List<String> ins = new ArrayList<>();
            JsonNode in = n.get("input");
            if (in != null) {
                if (!in.isArray()) {
                    throw ManifestParser.bad(where, "node \"" + name + "\": \"input\" is not an array");
                }
                in.forEach(x -> ins.add(x.asText()));
            }
            nodes.add(new GraphNode(name, op, ins, n.get("attr")));
        }
        List<SourceFile> sources = new ArrayList<>();
        sources.add(JsonFiles.describe(String.valueOf(modelJson.getFileName()), json));
        List<WeightGroup> groups = ManifestParser.parse(root.get("weightsManifest"), where + ": weightsManifest");
        TfjsWeights weights = TfjsWeights.load(modelJson, groups, sources);
        return new TfjsGraphModel(where, nodes, signatureNames(root, "inputs"), signatureNames(root, "outputs"), weights, root);
    }

    private static List<String> signatureNames(JsonNode root, String key) {
        List<String> names = new ArrayList<>();
        JsonNode sig = root.path("signature").path(key);
        sig.fieldNames().forEachRemaining(f -> names.add(GraphNode.nodeOf(f)));
        return names;
    }

    public List<GraphNode> nodes() { return nodes; }

    /** The node called {@code name}; a missing one is a UserError naming the file. */
    public GraphNode node(String name) {
        GraphNode n = byName.get(GraphNode.nodeOf(name));
        if (n == null) {
            throw new UserError(where + ": no node \"" + name + "\"", ExitCodes.INPUT_FAILED);
        }
        return n;
    }

    /** Nodes that read any output of {@code name}, in file order. */
    public List<GraphNode> consumers(String name) {
        return consumers.getOrDefault(name, List.of());
    }

    /** Signature input / output node names (output index dropped). */
    public List<String> inputs() { return inputs; }

    public List<String> outputs() { return outputs; }

    public TfjsWeights weights() { return weights; }

    /** A top-level string field of model.json (e.g. generatedBy), or "". */
    public String metaText(String key) { return meta.path(key).asText(""); }

    public String where() { return where; }
}
