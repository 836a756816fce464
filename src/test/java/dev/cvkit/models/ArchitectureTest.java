package dev.cvkit.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cvkit.nn.Conv2d;
import dev.cvkit.nn.Module;
import dev.cvkit.nn.Sequential;
import dev.cvkit.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Parameter counts against torchvision 0.14 (sum of p.numel() of torchvision.models.NAME(),
 * googlenet with aux_logits=True) and the lecture's hand calculations.
 */
class ArchitectureTest {
    @Test
    void countsEqualTorchvision() {
        Map<Architecture, Long> tv = Map.ofEntries(
                Map.entry(Architecture.RESNET18, 11_689_512L), Map.entry(Architecture.RESNET34, 21_797_672L),
                Map.entry(Architecture.RESNET50, 25_557_032L), Map.entry(Architecture.RESNET101, 44_549_160L),
                Map.entry(Architecture.VGG11, 132_863_336L), Map.entry(Architecture.VGG11_BN, 132_868_840L),
                Map.entry(Architecture.VGG13, 133_047_848L), Map.entry(Architecture.VGG16, 138_357_544L),
                Map.entry(Architecture.VGG16_BN, 138_365_992L), Map.entry(Architecture.VGG19, 143_667_240L),
                Map.entry(Architecture.VGG19_BN, 143_678_248L), Map.entry(Architecture.MOBILENET_V2, 3_504_872L),
                Map.entry(Architecture.GOOGLENET, 13_004_888L));
        tv.forEach((a, n) -> assertEquals(n, Models.buildUninitialized(a, 1000).parameterCount(), a.cliName()));
    }

    @Test
    void lenet5HasTheLectureCount() {
        // 6·(25+1) + 16·(6·25+1) + 120·401 + 84·121 + 10·85 = 61,706
        assertEquals(61_706, Architecture.LENET5.build(10).parameterCount());
    }

    @Test
    void alexnetFirstLayersAsInTheLecture() {
        Summary.Result s = Summary.of("alexnet", Models.buildUninitialized(Architecture.ALEXNET, 1000), 3, 227, 227);
        Summary.Layer conv1 = s.layers().get(0), pool1 = s.layers().get(2);
        assertEquals("conv1", conv1.name());
        assertArrayEquals(new int[] {96, 55, 55}, conv1.output());   // (227 − 11)/4 + 1 = 55
        assertEquals(34_944, conv1.params());                        // 96 · (11·11·3 + 1)
        assertEquals("pool1", pool1.name());
        assertArrayEquals(new int[] {96, 27, 27}, pool1.output());   // (55 − 3)/2 + 1 = 27
        assertEquals(0, pool1.params());
        assertEquals(s.params(), s.layers().stream().mapToLong(Summary.Layer::params).sum());
    }

    @Test
    void tenFiveByFiveFiltersPadTwo() {
        Module m = new Sequential(new Conv2d(3, 10, 5, 1, 2));
        Summary.Result s = Summary.of("one", m, 3, 32, 32);
        assertArrayEquals(new int[] {10, 32, 32}, s.layers().get(0).output());
        assertEquals(760, s.params()); // 10 · (5·5·3 + 1)
        assertEquals(10L * 32 * 32 * 75, s.macs());
    }

    @Test
    void everyArchitectureRunsAtItsDefaultSize() {
        for (Architecture a : Architecture.values()) {
            if (a.name().startsWith("VGG") || a == Architecture.RESNET101 || a == Architecture.ALEXNET
                    || a == Architecture.ZFNET) {
                continue; // large; their shapes are covered by the summary test below and the counts above
            }
            Module m = a.build(7).eval();
            try (var g = Tensor.noGrad()) {
                Tensor y = m.forward(Tensor.zeros(1, a.defaultChannels, a.defaultSize / (a.defaultSize > 64 ? 2 : 1),
                        a.defaultSize / (a.defaultSize > 64 ? 2 : 1)));
                assertArrayEquals(new int[] {1, 7}, y.shape(), a.cliName());
            }
        }
    }

    @Test
    void resnetNamesAreTorchvisions() {
        Map<String, Tensor> sd = Architecture.RESNET18.build(1000).stateDict();
        for (String k : new String[] {"conv1.weight", "bn1.running_var", "layer1.0.conv1.weight", "layer2.0.downsample.0.weight",
                "layer2.0.downsample.1.num_batches_tracked", "layer4.1.bn2.bias", "fc.weight", "fc.bias"}) {
            assertTrue(sd.containsKey(k), k);
        }
        assertEquals(122, sd.size()); // len(torchvision resnet18().state_dict())
        Map<String, Tensor> mb = Architecture.MOBILENET_V2.build(1000).stateDict();
        assertTrue(mb.containsKey("features.1.conv.0.0.weight") && mb.containsKey("features.2.conv.3.running_mean")
                && mb.containsKey("classifier.1.weight"));
    }
}
