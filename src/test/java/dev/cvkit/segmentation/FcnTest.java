package dev.cvkit.segmentation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cvkit.io.SafeTensors;
import dev.cvkit.models.Architecture;
import dev.cvkit.models.Blocks;
import dev.cvkit.nn.Init;
import dev.cvkit.nn.Sequential;
import dev.cvkit.tensor.Tensor;
import dev.cvkit.testing.Fixtures;
import java.io.IOException;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * FCN against torchvision 0.14 (tools/fixtures/segmentation.py): a dilated bottleneck and the FCN
 * head (with the bilinear resize) forward, the training loss with 255-ignored pixels and its
 * gradients, and fcn_resnet50's state-dict names and shapes; the dilated backbone keeps output
 * stride 8.
 */
class FcnTest {
    @Test
    void dilatedBottleneckMatchesTorchvision() throws IOException {
        Map<String, Tensor> t = SafeTensors.read(Fixtures.path("segmentation/bottleneck_dilated.safetensors")).tensors();
        Blocks.Bottleneck b = new Blocks.Bottleneck(16, 4, 1, 2, false);
        b.loadStateDict(Fixtures.prefixed(t, "block."));
        b.eval();
        Tensor y;
        try (var g = Tensor.noGrad()) {
            y = b.forward(t.get("x"));
        }
        Fixtures.assertClose(t.get("y"), y.data(), y.shape(), 1e-5f, 1e-5f, "dilated bottleneck");
    }

    @Test
    void headAndLossMatchTorchvision() throws IOException {
        Map<String, Tensor> t = SafeTensors.read(Fixtures.path("segmentation/fcn_head.safetensors")).tensors();
        Sequential head = Fcn.head(16, 3);
        head.loadStateDict(Fixtures.prefixed(t, "head."));
        head.eval();
        Tensor y;
        try (var g = Tensor.noGrad()) {
            y = dev.cvkit.nn.Functional.upsampleBilinear(head.forward(t.get("x")), 20, 23, false);
        }
        Fixtures.assertClose(t.get("y"), y.data(), y.shape(), 1e-5f, 1e-5f, "FCN head");

        Map<String, Tensor> l = SafeTensors.read(Fixtures.path("segmentation/fcn_loss.safetensors")).tensors();
        Tensor out = l.get("out").copy().requiresGrad(true), aux = l.get("aux").copy().requiresGrad(true);
        Tensor loss = Fcn.loss(new Fcn.Output(out, aux), l.get("target"));
        Fixtures.assertClose(l.get("loss"), loss.data(), new int[] {1}, 1e-5f, 1e-7f, "loss");
        loss.backward();
        Fixtures.assertClose(l.get("g_out"), out.grad(), out.shape(), 1e-5f, 1e-7f, "gradient of the scores");
        Fixtures.assertClose(l.get("g_aux"), aux.grad(), aux.shape(), 1e-5f, 1e-7f, "gradient of the auxiliary scores");
    }

    @Test
    void resnet50FcnHasTorchvisionsLayoutAndOutputStride8() {
        Init.seed(2);
        Fcn fcn = new Fcn(Architecture.RESNET50, 21, true);
        Fixtures.assertStateDictLayout(fcn, "segmentation/fcn_resnet50_keys.json");
        fcn.eval();
        Fcn.Output o;
        try (var g = Tensor.noGrad()) {
            o = fcn.forwardScores(Tensor.randn(new Random(3), 1, 3, 40, 48));
        }
        assertArrayEquals(new int[] {1, 21, 40, 48}, o.out().shape());
        assertArrayEquals(new int[] {1, 21, 40, 48}, o.aux().shape());
        assertThrows(IllegalArgumentException.class, () -> Architecture.VGG16.buildDilated(10, true, true));
        // output stride 8: layer4 of a 64×64 input is 8×8 (2×2 without dilation)
        dev.cvkit.nn.Module net = Architecture.RESNET50.buildDilated(10, true, true).eval();
        Tensor x = Tensor.randn(new Random(4), 1, 3, 64, 64);
        try (var g = Tensor.noGrad()) {
            for (String name : new String[] {"conv1", "bn1", "relu", "maxpool", "layer1", "layer2", "layer3", "layer4"}) {
                x = net.children().get(name).forward(x);
            }
        }
        assertArrayEquals(new int[] {1, 2048, 8, 8}, x.shape());
    }

    /**
     * The DeepLab-style dilated BasicBlock (both 3×3 convolutions dilated) against a hand-built
     * PyTorch module: with a 1×1 downsample and dilation 2, then without and dilation 4, in eval
     * mode (the fused inference path) and in training mode (batch statistics).
     */
    @Test
    void dilatedBasicBlockMatchesPyTorch() throws IOException {
        Map<String, Tensor> t = SafeTensors.read(Fixtures.path("segmentation/basicblock_dilated.safetensors")).tensors();
        Blocks.BasicBlock a = new Blocks.BasicBlock(8, 16, 1, 2, false), b = new Blocks.BasicBlock(16, 16, 1, 4, false);
        a.loadStateDict(Fixtures.prefixed(t, "a."));
        b.loadStateDict(Fixtures.prefixed(t, "b."));
        Tensor yTrain;
        try (var g = Tensor.noGrad()) {
            a.train(true);
            yTrain = a.forward(t.get("x"));
        }
        Fixtures.assertClose(t.get("ya_train"), yTrain.data(), yTrain.shape(), 1e-5f, 1e-5f, "dilated BasicBlock, training mode");
        a.loadStateDict(Fixtures.prefixed(t, "a.")); // the running statistics as PyTorch left them
        a.eval();
        b.eval();
        Tensor ya, yb;
        try (var g = Tensor.noGrad()) {
            ya = a.forward(t.get("x"));
            yb = b.forward(ya);
        }
        Fixtures.assertClose(t.get("ya"), ya.data(), ya.shape(), 1e-5f, 1e-5f, "dilated BasicBlock a (downsample, dilation 2)");
        Fixtures.assertClose(t.get("yb"), yb.data(), yb.shape(), 1e-5f, 1e-5f, "dilated BasicBlock b (dilation 4)");
    }

    /** ResNet-18 and 34 dilated: layer3 and layer4 keep stride 8 (dilation 2 and 4 in every block), the FCN's scores come back at the input size. */
    @Test
    void dilatedResnet18And34KeepOutputStride8() {
        Init.seed(5);
        for (Architecture arch : new Architecture[] {Architecture.RESNET18, Architecture.RESNET34}) {
            dev.cvkit.nn.Module net = arch.buildDilated(10, true, true).eval();
            Tensor x = Tensor.randn(new Random(4), 1, 3, 64, 80);
            int[][] shapes = {{1, 64, 16, 20}, {1, 128, 8, 10}, {1, 256, 8, 10}, {1, 512, 8, 10}};
            try (var g = Tensor.noGrad()) {
                for (String name : new String[] {"conv1", "bn1", "relu", "maxpool", "layer1", "layer2", "layer3", "layer4"}) {
                    x = net.children().get(name).forward(x);
                    if (name.startsWith("layer")) assertArrayEquals(shapes[name.charAt(5) - '1'], x.shape(), arch + " " + name);
                }
            }
            var layer4 = (Sequential) net.children().get("layer4");
            for (var block : layer4.children().values()) {
                var bb = (Blocks.BasicBlock) block;
                var c1 = (dev.cvkit.nn.Conv2d) bb.children().get("conv1");
                var c2 = (dev.cvkit.nn.Conv2d) bb.children().get("conv2");
                assertArrayEquals(new int[] {1, 4, 4, 1, 4, 4}, new int[] {c1.stride, c1.dilation, c1.padding, c2.stride, c2.dilation, c2.padding}, arch + " layer4");
            }
            var l3first = (Blocks.BasicBlock) ((Sequential) net.children().get("layer3")).children().values().iterator().next();
            assertArrayEquals(new int[] {1, 2}, new int[] {((dev.cvkit.nn.Conv2d) l3first.children().get("conv1")).stride,
                    ((dev.cvkit.nn.Conv2d) l3first.children().get("conv1")).dilation}, arch + " layer3.0");
            Fcn fcn = FcnSpec.of(arch.cliName(), 6, 64, FcnSpec.DILATED, "bilinear").build();
            fcn.eval();
            Fcn.Output o;
            try (var g = Tensor.noGrad()) {
                o = fcn.forwardScores(Tensor.randn(new Random(3), 2, 3, 64, 64));
            }
            assertArrayEquals(new int[] {2, 6, 64, 64}, o.out().shape());
            assertTrue(fcn.stateDict().keySet().containsAll(java.util.List.of("classifier.0.weight", "classifier.4.weight")));
            assertTrue(fcn.stateDict().keySet().stream().noneMatch(k -> k.startsWith("skip")), "no skip convolutions");
            assertArrayEquals(new int[] {128, 512, 3, 3}, fcn.stateDict().get("classifier.0.weight").shape());
        }
    }
}
