package dev.cvkit.graph;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cvkit.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A frozen TensorFlow graph with one input and one output, run node by node. The graph is the
 * JSON a cvkit model file keeps in its config ({@code "graph"}: nodes in an order where every
 * node follows its inputs, each {@code {"name", "op", "inputs", attributes…}}), the float
 * constants are the file's tensors under their node names, integer constants (sizes, shapes,
 * axes) sit in their node as {@code "value"}.
 *
 * <p>Loading checks every op is known, every input exists and comes earlier, and each node's
 * attributes are usable; running checks shapes. Thread-safe: {@link #run} keeps no state.
 */
public final class TfGraph {
    /** The ops {@link #run} executes. */
    public static final Set<String> OPS = Set.of("Placeholder", "Const", "Identity", "Conv2D", "DepthwiseConv2dNative",
            "Conv2DBackpropInput", "AvgPool", "ResizeBilinear", "Add", "AddV2", "BiasAdd", "Sub", "Mul", "RealDiv",
            "Maximum", "Minimum", "AddN", "Relu", "Relu6", "Sigmoid", "Tanh", "Square", "MatMul", "Reshape", "ConcatV2");

    private record Node(String name, String op, int[] inputs, int[] strides, int[] ksize, boolean same,
                        boolean alignCorners, boolean halfPixel, boolean transposeA, boolean transposeB, int[] ints) {}

    private final List<Node> nodes = new ArrayList<>();
    private final Value[] constants;
    private final int input, output;
    private final int[] lastUse;

    /**
     * @param graph   the node array
     * @param tensors float constants by node name
     * @param input   the Placeholder's name
     * @param output  the node whose value {@link #run} returns
     * @throws IllegalArgumentException naming the node at fault
     */
    public TfGraph(JsonNode graph, Map<String, Tensor> tensors, String input, String output) {
        if (graph == null || !graph.isArray() || graph.isEmpty()) {
            throw new IllegalArgumentException("no graph node list");
        }
        Map<String, Integer> index = new HashMap<>();
        List<Value> consts = new ArrayList<>();
        for (JsonNode n : graph) {
            String name = n.path("name").asText("");
            String op = n.path("op").asText("");
            if (name.isEmpty() || !OPS.contains(op)) {
                throw new IllegalArgumentException("graph node '" + name + "': unknown op '" + op + "'");
            }
            if (index.containsKey(name)) {
                throw new IllegalArgumentException("graph node '" + name + "' occurs twice");
            }
            List<Integer> ins = new ArrayList<>();
            for (JsonNode in : n.path("inputs")) {
                Integer k = index.get(in.asText());
                if (k == null) {
                    throw new IllegalArgumentException("graph node '" + name + "' reads '" + in.asText() + "', which no earlier node produces");
                }
                ins.add(k);
            }
            Value constant = null;
            if (op.equals("Const") && !n.has("value")) {
                Tensor t = tensors.get(name);
                if (t == null) {
                    throw new IllegalArgumentException("graph constant '" + name + "' has no tensor");
                }
                constant = new Value(t.data(), t.shape());
            }
            String padding = n.path("padding").asText("VALID");
            if (!padding.equals("SAME") && !padding.equals("VALID")) {
                throw new IllegalArgumentException("graph node '" + name + "': padding '" + padding + "' (SAME or VALID)");
            }
            Node node = new Node(name, op, ins.stream().mapToInt(Integer::intValue).toArray(), ints(n.get("strides"), 1, 1, 1, 1),
                    ints(n.get("ksize"), 1, 1, 1, 1), padding.equals("SAME"), n.path("align_corners").asBoolean(false),
                    n.path("half_pixel_centers").asBoolean(false), n.path("transpose_a").asBoolean(false),
                    n.path("transpose_b").asBoolean(false), n.has("value") ? ints(n.get("value")) : null);
            checkArity(node);
            for (int[] window : new int[][] {node.strides(), node.ksize()}) {
                if (window.length != 4 || java.util.Arrays.stream(window).anyMatch(v -> v < 1 || v > 1 << 16)) {
                    throw new IllegalArgumentException("graph node '" + name + "': strides and ksize need 4 entries in 1..65536");
                }
            }
            index.put(name, nodes.size());
            nodes.add(node);
            consts.add(constant);
        }
        Integer in = index.get(input), out = index.get(output);
        if (in == null || !nodes.get(in).op().equals("Placeholder")) {
            throw new IllegalArgumentException("graph input '" + input + "' is not a Placeholder node");
        }
        if (out == null) {
            throw new IllegalArgumentException("graph output '" + output + "' is no node");
        }
        this.input = in;
        this.output = out;
        this.constants = consts.toArray(new Value[0]);
        this.lastUse = new int[nodes.size()];
        for (int i = 0; i < nodes.size(); i++) {
            for (int k : nodes.get(i).inputs()) {
                lastUse[k] = i;
            }
        }
        lastUse[out] = Integer.MAX_VALUE;
    }

    private static void checkArity(Node n) {
        int want = switch (n.op()) {
            case "Placeholder", "Const" -> 0;
            case "Identity", "AvgPool", "Relu", "Relu6", "Sigmoid", "Tanh", "Square" -> 1;
            case "Conv2DBackpropInput" -> 3;
            case "AddN", "ConcatV2" -> -1;
            default -> 2;
        };
        if (want >= 0 && n.inputs().length != want) {
            throw new IllegalArgumentException("graph node '" + n.name() + "' (" + n.op() + ") has " + n.inputs().length + " inputs, expected " + want);
        }
        if (want < 0 && n.inputs().length < (n.op().equals("ConcatV2") ? 2 : 1)) {
            throw new IllegalArgumentException("graph node '" + n.name() + "' (" + n.op() + ") has too few inputs");
        }
    }

    private static int[] ints(JsonNode a, int... fallback) {
        if (a == null || !a.isArray()) {
            return fallback;
        }
        int[] v = new int[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).asInt();
        }
        return v;
    }

    /** Runs the graph on {@code x} (the Placeholder's value) and returns the output node's value. */
    public Value run(Value x) {
        Value[] values = new Value[nodes.size()];
        values[input] = x;
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            if (i != input) {
                try {
                    values[i] = compute(n, values, i);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("graph node '" + n.name() + "' (" + n.op() + "): " + e.getMessage(), e);
                }
            }
            for (int k : n.inputs()) {
                if (lastUse[k] == i && nodes.get(k).ints() == null && constants[k] == null) {
                    values[k] = null; // frees activations as soon as their last reader ran
                }
            }
            if (i == output) {
                return values[i];
            }
        }
        throw new IllegalStateException("output node not reached");
    }

    private Value compute(Node n, Value[] v, int self) {
        int[] in = n.inputs();
        return switch (n.op()) {
            case "Placeholder" -> throw new IllegalArgumentException("a second Placeholder is not fed");
            case "Const" -> constants[self] != null ? constants[self] : new Value(toFloats(n.ints()), new int[] {n.ints().length});
            case "Identity" -> v[in[0]];
            case "Conv2D" -> NhwcOps.conv2d(v[in[0]], v[in[1]], n.strides()[1], n.strides()[2], n.same());
            case "DepthwiseConv2dNative" -> NhwcOps.depthwise(v[in[0]], v[in[1]], n.strides()[1], n.strides()[2], n.same());
            case "Conv2DBackpropInput" -> NhwcOps.convTranspose(v[in[2]], v[in[1]], intsOf(in[0]), n.strides()[1], n.strides()[2], n.same());
            case "AvgPool" -> {
                if (n.same()) {
                    throw new IllegalArgumentException("AvgPool with SAME padding is not supported");
                }
                yield NhwcOps.avgPool(v[in[0]], n.ksize()[1], n.ksize()[2], n.strides()[1], n.strides()[2]);
            }
            case "ResizeBilinear" -> {
                int[] size = intsOf(in[1]);
                yield NhwcOps.resizeBilinear(v[in[0]], size[0], size[1], n.alignCorners(), n.halfPixel());
            }
            case "Add", "AddV2", "BiasAdd" -> NhwcOps.binary(NhwcOps.Binary.ADD, v[in[0]], v[in[1]]);
            case "Sub" -> NhwcOps.binary(NhwcOps.Binary.SUB, v[in[0]], v[in[1]]);
            case "Mul" -> NhwcOps.binary(NhwcOps.Binary.MUL, v[in[0]], v[in[1]]);
            case "RealDiv" -> NhwcOps.binary(NhwcOps.Binary.DIV, v[in[0]], v[in[1]]);
            case "Maximum" -> NhwcOps.binary(NhwcOps.Binary.MAX, v[in[0]], v[in[1]]);
            case "Minimum" -> NhwcOps.binary(NhwcOps.Binary.MIN, v[in[0]], v[in[1]]);
            case "AddN" -> {
                Value sum = v[in[0]];
                for (int k = 1; k < in.length; k++) {
                    sum = NhwcOps.binary(NhwcOps.Binary.ADD, sum, v[in[k]]);
                }
                yield sum;
            }
            case "Relu" -> NhwcOps.unary(NhwcOps.Unary.RELU, v[in[0]]);
            case "Relu6" -> NhwcOps.unary(NhwcOps.Unary.RELU6, v[in[0]]);
            case "Sigmoid" -> NhwcOps.unary(NhwcOps.Unary.SIGMOID, v[in[0]]);
            case "Tanh" -> NhwcOps.unary(NhwcOps.Unary.TANH, v[in[0]]);
            case "Square" -> NhwcOps.unary(NhwcOps.Unary.SQUARE, v[in[0]]);
            case "MatMul" -> NhwcOps.matMul(v[in[0]], v[in[1]], n.transposeA(), n.transposeB());
            case "Reshape" -> NhwcOps.reshape(v[in[0]], intsOf(in[1]));
            case "ConcatV2" -> {
                Value[] parts = new Value[in.length - 1];
                for (int k = 0; k < parts.length; k++) {
                    parts[k] = v[in[k]];
                }
                int[] axis = intsOf(in[in.length - 1]);
                yield NhwcOps.concat(parts, axis[0]);
            }
            default -> throw new IllegalArgumentException("unknown op");
        };
    }

    /** The integer constant node {@code k} holds (sizes, shapes, axes). */
    private int[] intsOf(int k) {
        int[] ints = nodes.get(k).ints();
        if (ints == null) {
            throw new IllegalArgumentException("input '" + nodes.get(k).name() + "' is not an integer constant");
        }
        return ints;
    }

    private static float[] toFloats(int[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = v[i];
        }
        return f;
    }

    /** The shape the input Placeholder declares, e.g. [1, 256, 256, 3]. */
    public static int[] placeholderShape(JsonNode graph, String input) {
        for (JsonNode n : graph) {
            if (n.path("name").asText().equals(input)) {
                return ints(n.get("shape"));
            }
        }
        return new int[0];
    }

    @Override
    public String toString() { return "TfGraph[" + nodes.size() + " nodes, ops " + Arrays.toString(nodes.stream().map(Node::op).distinct().toArray()) + "]"; }
}
