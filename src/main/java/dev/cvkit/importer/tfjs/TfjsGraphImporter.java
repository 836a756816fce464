package dev.cvkit.importer.tfjs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.ExitCodes;
import dev.cvkit.UserError;
import dev.cvkit.graph.TfGraph;
import dev.cvkit.io.SafeTensors;
import dev.cvkit.segmentation.PersonModel;
import dev.cvkit.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Converts a TF.js person segmenter (a graph model) into a cvkit model file that keeps the graph
 * itself: the nodes the output depends on, in dependency order, with the attributes
 * {@link TfGraph} reads, float constants as tensors under their node names (in TensorFlow's
 * layouts, float16 sources stored as F16), integer constants inline. The same source gives the
 * same bytes.
 */
public final class TfjsGraphImporter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TfjsGraphImporter() {}

    /** @param path the model.json, or the package's models/ folder holding it */
    public static TfjsModelImporter.Imported importModel(Path path, PersonModel model) {
        Path file = resolve(path, model);
        TfjsGraphModel g = TfjsGraphModel.read(file);
        if (g.inputs().size() != 1 || g.outputs().size() != 1) {
            throw new UserError(file + ": has " + g.inputs().size() + " inputs and " + g.outputs().size()
                    + " outputs; a person segmenter has one of each", ExitCodes.INPUT_FAILED);
        }
        String input = g.inputs().get(0), output = g.outputs().get(0);
        List<GraphNode> order = dependencyOrder(g, output);
        Set<String> unsupported = new TreeSet<>();
        for (GraphNode n : order) {
            if (!TfGraph.OPS.contains(n.op())) {
                unsupported.add(n.op());
            }
        }
        if (!unsupported.isEmpty()) {
            throw new UserError(file + ": uses ops cvkit does not run: " + String.join(", ", unsupported), ExitCodes.INPUT_FAILED);
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, SafeTensors.Storage> storage = new LinkedHashMap<>();
        ArrayNode graph = JSON.createArrayNode();
        int[] inputShape = null;
        for (GraphNode n : order) {
            ObjectNode o = graph.addObject();
            o.put("name", n.name());
            o.put("op", n.op());
            ArrayNode ins = o.putArray("inputs");
            for (String in : n.dataInputs()) {
                if (GraphNode.outputIndex(in) != 0) {
                    throw new UserError(file + ": node " + n.name() + " reads output " + GraphNode.outputIndex(in) + " of a node; cvkit's graphs read output 0 only",
                            ExitCodes.INPUT_FAILED);
                }
                ins.add(GraphNode.nodeOf(in));
            }
            attributes(g, n, o);
            if (n.op().equals("Placeholder")) {
                inputShape = placeholderShape(g, n);
                ArrayNode s = o.putArray("shape");
                Arrays.stream(inputShape).forEach(s::add);
            }
            if (n.op().equals("Const")) {
                TfjsTensor t = g.weights().get(n.name());
                if (t.isFloat()) {
                    int[] shape = t.shape().length == 0 ? new int[] {1} : t.shape(); // a scalar broadcasts as [1] does
                    tensors.put(n.name(), Tensor.of(t.floats().clone(), shape));
                    Quantization q = t.quantization();
                    storage.put(n.name(), q == null ? SafeTensors.Storage.F32 : switch (q.kind()) {
                        case FLOAT16 -> SafeTensors.Storage.F16;
                        case UINT8 -> SafeTensors.Storage.u8(q.scale(), q.min());
                        case UINT16 -> SafeTensors.Storage.F32;
                    });
                } else {
                    ArrayNode v = o.putArray("value");
                    Arrays.stream(t.ints()).forEach(v::add);
                }
            }
        }
        if (inputShape == null || inputShape.length != 4 || inputShape[0] != 1 || inputShape[3] != 3 || inputShape[1] <= 0 || inputShape[2] <= 0) {
            throw new UserError(file + ": the input is not a fixed-size [1, H, W, 3] image", ExitCodes.INPUT_FAILED);
        }
        ObjectNode cfg = JSON.createObjectNode();
        cfg.put("task", "segment");
        cfg.put("architecture", PersonModel.ARCHITECTURE);
        cfg.put("model", model.id());
        cfg.putArray("classes").add("person");
        cfg.putArray("category_ids").add(1);
        cfg.put("input", input);
        cfg.put("output", output);
        cfg.putArray("input_size").add(inputShape[1]).add(inputShape[2]);
        cfg.put("output_kind", model == PersonModel.MEET ? "softmax" : "sigmoid");
        cfg.put("preprocessing", "RGB, tf.js bilinear resize (no half-pixel centres) to input_size (height, width), x / 255");
        cfg.put("threshold", 0.5);
        cfg.set("graph", graph);
        ObjectNode prov = cfg.putObject("provenance");
        prov.put("format", "tfjs");
        JsonNode pkg = packageJson(file);
        prov.put("package", pkg.path("name").asText("unknown"));
        prov.put("version", pkg.path("version").asText("unknown"));
        prov.put("license", pkg.path("license").asText("unknown"));
        prov.put("upstream", model.upstream());
        prov.put("upstream_license", model.upstreamLicense());
        prov.put("generated_by", g.metaText("generatedBy"));
        ArrayNode files = prov.putArray("files");
        for (SourceFile s : g.weights().sources()) {
            files.addObject().put("name", s.name()).put("bytes", s.bytes()).put("sha256", s.sha256());
        }
        prov.put("converted_by", "cvkit models import --from tfjs --arch " + model.id());
        try {
            new TfGraph(graph, tensors, input, output); // the file must load
        } catch (IllegalArgumentException e) {
            throw new UserError(file + ": " + e.getMessage(), ExitCodes.INPUT_FAILED);
        }
        return new TfjsModelImporter.Imported(tensors, cfg, storage);
    }

    static Path resolve(Path path, PersonModel model) {
        if (!Files.isDirectory(path)) {
            return path;
        }
        Path p = path.resolve(model.sourceFile());
        if (Files.isRegularFile(p)) {
            return p;
        }
        throw new UserError(path + ": no " + model.sourceFile() + " in this folder (give the file itself)", ExitCodes.INPUT_FAILED);
    }

    /** Every file the import read: model.json and its shards. */
    public static List<Path> sourceFiles(TfjsModelImporter.Imported m, Path path, PersonModel model) {
        Path file = resolve(path, model);
        Path folder = file.toAbsolutePath().getParent();
        List<Path> out = new ArrayList<>();
        out.add(file);
        for (JsonNode f : m.config().path("provenance").path("files")) {
            out.add(folder.resolve(f.path("name").asText()));
        }
        return out;
    }

    /** The nodes {@code output} depends on, each after its inputs (depth-first, inputs in order). */
    private static List<GraphNode> dependencyOrder(TfjsGraphModel g, String output) {
        List<GraphNode> order = new ArrayList<>();
        Set<String> done = new HashSet<>(), open = new HashSet<>();
        Deque stack = new Deque();
        stack.push(g.node(output), 0);
        while (!stack.isEmpty()) {
            GraphNode n = stack.topNode();
            int next = stack.topIndex();
            List<String> ins = n.dataInputs();
            if (next == 0) {
                open.add(n.name());
            }
            if (next < ins.size()) {
                stack.advance();
                GraphNode in = g.node(GraphNode.nodeOf(ins.get(next)));
                if (open.contains(in.name()) && !done.contains(in.name())) {
                    throw new UserError(g.where() + ": the graph has a cycle through " + in.name(), ExitCodes.INPUT_FAILED);
                }
                if (!done.contains(in.name())) {
                    stack.push(in, 0);
                }
            } else {
                stack.pop();
                if (done.add(n.name())) {
                    order.add(n);
                }
            }
        }
        return order;
    }

    /** A stack of (node, next input index) without recursion (graphs can be deep). */
    private static final class Deque {
        private final List<GraphNode> nodes = new ArrayList<>();
        private final List<Integer> next = new ArrayList<>();

        void push(GraphNode n, int i) { nodes.add(n); next.add(i); }

        boolean isEmpty() { return nodes.isEmpty(); }

        GraphNode topNode() { return nodes.get(nodes.size() - 1); }

        int topIndex() { return next.get(next.size() - 1); }

        void advance() { next.set(next.size() - 1, topIndex() + 1); }

        void pop() { nodes.remove(nodes.size() - 1); next.remove(next.size() - 1); }
    }

    private static void attributes(TfjsGraphModel g, GraphNode n, ObjectNode o) {
        String format = n.attrString("data_format");
        if (format != null && !format.equals("NHWC")) {
            throw new UserError(g.where() + ": node " + n.name() + " is " + format + "; cvkit runs NHWC graphs", ExitCodes.INPUT_FAILED);
        }
        int[] dil = n.attrInts("dilations");
        if (dil != null && Arrays.stream(dil).anyMatch(d -> d != 1)) {
            throw new UserError(g.where() + ": node " + n.name() + " is dilated; not supported", ExitCodes.INPUT_FAILED);
        }
        for (String key : List.of("strides", "ksize")) {
            int[] v = n.attrInts(key);
            if (v != null) {
                if (v.length != 4) {
                    throw new UserError(g.where() + ": node " + n.name() + ": " + key + " has " + v.length + " entries, expected 4", ExitCodes.INPUT_FAILED);
                }
                ArrayNode a = o.putArray(key);
                Arrays.stream(v).forEach(a::add);
            }
        }
        String padding = n.attrString("padding");
        if (padding != null) {
            o.put("padding", padding);
        }
        if (n.op().equals("ResizeBilinear")) {
            o.put("align_corners", n.attrBool("align_corners", false));
            o.put("half_pixel_centers", n.attrBool("half_pixel_centers", false));
        }
        if (n.op().equals("MatMul")) {
            o.put("transpose_a", n.attrBool("transpose_a", false));
            o.put("transpose_b", n.attrBool("transpose_b", false));
        }
    }

    private static int[] placeholderShape(TfjsGraphModel g, GraphNode n) {
        JsonNode dims = n.attr() == null ? null : n.attr().path("shape").path("shape").get("dim");
        if (dims == null || !dims.isArray()) {
            throw new UserError(g.where() + ": input " + n.name() + " declares no shape", ExitCodes.INPUT_FAILED);
        }
        int[] s = new int[dims.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = Integer.parseInt(dims.get(i).path("size").asText("-1"));
        }
        return s;
    }

    private static JsonNode packageJson(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        for (int up = 0; up < 2 && dir != null; up++, dir = dir.getParent()) {
            Path p = dir.resolve("package.json");
            if (Files.isRegularFile(p)) {
                try {
                    return JSON.readTree(p.toFile());
                } catch (IOException e) {
                    return JSON.createObjectNode();
                }
            }
        }
        return JSON.createObjectNode();
    }
}
