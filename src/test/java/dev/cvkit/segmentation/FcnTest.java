package dev.cvkit.segmentation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
        assertThrows(IllegalArgumentException.class, () -> Architecture.RESNET18.buildDilated(10, true, true));
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
}
