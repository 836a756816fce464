package dev.cvkit.detection.rcnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.cvkit.models.Architecture;
import dev.cvkit.nn.Init;
import dev.cvkit.tensor.Tensor;
import dev.cvkit.testing.Fixtures;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The ResNet backbone's four levels and frozen BatchNorm, and Faster R-CNN's module tree: its
 * state dict has exactly the names and shapes of torchvision's fasterrcnn_resnet50_fpn
 * (tools/fixtures/detection_targets.py, built without pretrained weights, hence with plain
 * BatchNorm2d and its num_batches_tracked), so torchvision checkpoints map one to one.
 */
class ResNetBackboneTest {
    @Test
    void levelsAndFrozenNorms() {
        Init.seed(1);
        ResNetBackbone b = new ResNetBackbone(Architecture.RESNET18);
        b.train(true);
        Tensor x = Tensor.randn(new Random(2), 2, 3, 64, 96);
        float[] mean = b.stateDict().get("bn1.running_mean").data().clone();
        List<Tensor> levels = b.levels(x);
        int[][] want = {{2, 64, 16, 24}, {2, 128, 8, 12}, {2, 256, 4, 6}, {2, 512, 2, 3}};
        for (int l = 0; l < 4; l++) assertArrayEquals(want[l], levels.get(l).shape(), "level " + l);
        assertArrayEquals(mean, b.stateDict().get("bn1.running_mean").data(), "running statistics must not move");
        assertFalse(b.namedParameters().get("bn1.weight").requiresGrad(), "BatchNorm's scale is frozen");
        assertArrayEquals(new int[] {64, 128, 256, 512}, b.channels());
    }

    @Test
    void stateDictMatchesTorchvisionsFasterRcnn() {
        FasterRcnn model = new FasterRcnn(new ResNetBackbone(Architecture.RESNET50), 256, new float[] {32, 64, 128, 256, 512}, 91,
                FasterRcnn.Settings.torchvision());
        Fixtures.assertStateDictLayout(model, "targets/fasterrcnn_resnet50_fpn_keys.json");
    }
}
