package dev.cvkit.detection.training;

import dev.cvkit.ExitCodes;
import dev.cvkit.UserError;
import dev.cvkit.detection.rcnn.FasterRcnn;
import dev.cvkit.io.SafeTensors;
import dev.cvkit.tensor.Tensor;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * {@code --init FILE}: starts a detector's backbone from another model's weights, a ResNet
 * classifier trained by cvkit or any safetensors state dict with torchvision's names. A
 * backbone tensor {@code backbone.body.NAME} is taken from {@code NAME},
 * {@code backbone.body.NAME} or {@code model.NAME} in the file, when the shapes agree.
 */
final class BackboneInit {
    private static final String PREFIX = "backbone.body.";

    private BackboneInit() {}

    /** Copies what fits; returns how many tensors were loaded (at least one, else a usage error). */
    static int load(FasterRcnn net, Path file) {
        Map<String, Tensor> src = SafeTensors.read(file).tensors();
        int loaded = 0;
        for (Map.Entry<String, Tensor> e : net.stateDict().entrySet()) {
            if (!e.getKey().startsWith(PREFIX)) continue;
            String name = e.getKey().substring(PREFIX.length());
            Tensor t = src.get(name);
            if (t == null) t = src.get(e.getKey());
            if (t == null) t = src.get("model." + name);
            if (t == null || !Arrays.equals(t.shape(), e.getValue().shape())) continue;
            System.arraycopy(t.data(), 0, e.getValue().data(), 0, t.numel());
            loaded++;
        }
        if (loaded == 0) {
            throw new UserError(file + ": no tensor fits the backbone (expected torchvision ResNet names such as conv1.weight, layer1.0.conv1.weight)",
                    ExitCodes.USAGE);
        }
        dev.cvkit.nn.Module.parametersChanged();
        return loaded;
    }
}
