package dev.cvkit.detection.training;

import dev.cvkit.ExitCodes;
import dev.cvkit.UserError;
import dev.cvkit.io.SafeTensors;
import dev.cvkit.tensor.Tensor;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * {@code --init FILE}: starts a detector's backbone from another model's weights, a ResNet
 * classifier trained by cvkit or any safetensors state dict with torchvision's names. A
 * backbone tensor {@code PREFIX.NAME} ({@link TrainableDetector#backbonePrefix}, e.g.
 * {@code backbone.body.}) is taken from {@code NAME}, {@code PREFIX.NAME} or {@code model.NAME}
 * in the file, when the shapes agree.
 */
final class BackboneInit {
    private BackboneInit() {}

    /** Copies what fits; returns how many tensors were loaded (at least one, else a usage error). */
    static int load(TrainableDetector model, Path file) {
        Map<String, Tensor> src = SafeTensors.read(file).tensors();
        String prefix = model.backbonePrefix();
        int loaded = 0;
        for (Map.Entry<String, Tensor> e : model.network().stateDict().entrySet()) {
            if (!e.getKey().startsWith(prefix)) continue;
            String name = e.getKey().substring(prefix.length());
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
