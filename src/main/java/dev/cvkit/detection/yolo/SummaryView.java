package dev.cvkit.detection.yolo;

import dev.cvkit.nn.Container;
import dev.cvkit.nn.Module;
import dev.cvkit.tensor.Tensor;

/**
 * A YOLO network as one module for {@code cvkit models summary}: it holds the network's own
 * children under their own names and runs the whole forward pass (every level's head), so the
 * layer table lists each level's box and class outputs; the tensor it returns is only the last
 * level's class map.
 */
public final class SummaryView extends Module {
    private final Container net;

    public SummaryView(Container net) {
        this.net = net;
        net.children().forEach(this::child);
    }

    @Override
    protected Tensor compute(Tensor x) {
        if (net instanceof YoloNet y) return y.forwardLevels(x).cls().get(2);
        return ((YoloV1Net) net).forwardGrid(x);
    }

    @Override
    public Module train(boolean on) {
        net.train(on);
        return super.train(on);
    }
}
