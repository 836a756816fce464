package dev.cvkit.detection.rcnn;

import dev.cvkit.nn.Activation;
import dev.cvkit.nn.Container;
import dev.cvkit.nn.Conv2d;
import dev.cvkit.nn.Init;
import dev.cvkit.nn.Sequential;
import dev.cvkit.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * The region proposal network's head (Ren et al. 2015), as torchvision's {@code RPNHead}: per
 * level a shared 3×3 convolution + ReLU, then a 1×1 convolution to one objectness logit per
 * anchor and one to four box deltas per anchor. Weights N(0, 0.01²), biases 0; parameter names
 * {@code conv.0.0.*}, {@code cls_logits.*}, {@code bbox_pred.*} as torchvision's.
 */
public final class RpnHead extends Container {
    private final Sequential conv;
    private final Conv2d logits, deltas;

    public RpnHead(int channels, int anchorsPerPosition) {
        if (channels <= 0 || anchorsPerPosition <= 0) {
            throw new IllegalArgumentException("RPN head: " + channels + " channels, " + anchorsPerPosition + " anchors");
        }
        Conv2d c3 = new Conv2d(channels, channels, 3, 1, 1, 1, 1, true);
        conv = child("conv", new Sequential(new Sequential(c3, Activation.relu())));
        logits = child("cls_logits", new Conv2d(channels, anchorsPerPosition, 1, 1, 0, 1, 1, true));
        deltas = child("bbox_pred", new Conv2d(channels, anchorsPerPosition * 4, 1, 1, 0, 1, 1, true));
        for (Conv2d layer : new Conv2d[] {c3, logits, deltas}) {
            Init.normal(layer.namedParameters().get("weight"), 0f, 0.01f);
            Init.constant(layer.namedParameters().get("bias"), 0f);
        }
    }

    /** Objectness [N, A, H, W] and deltas [N, 4A, H, W] of every level. */
    public record Output(List<Tensor> objectness, List<Tensor> deltas) {}

    public Output forwardLevels(List<Tensor> features) {
        List<Tensor> obj = new ArrayList<>(), del = new ArrayList<>();
        for (Tensor f : features) {
            Tensor t = conv.forward(f);
            obj.add(logits.forward(t));
            del.add(deltas.forward(t));
        }
        return new Output(obj, del);
    }
}
