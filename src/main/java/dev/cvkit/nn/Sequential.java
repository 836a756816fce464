package dev.cvkit.nn;

import dev.cvkit.tensor.Tensor;

/** Children "0", "1", … applied in order (PyTorch's nn.Sequential naming). */
public class Sequential extends Module {
    private int count;

    public Sequential(Module... layers) {
        for (Module m : layers) {
            add(m);
        }
    }

    /** Appends a layer named by its position. */
    public final Sequential add(Module m) {
        child(Integer.toString(count++), m);
        return this;
    }

    /** Appends a layer with an explicit name (as nn.Sequential(OrderedDict)). */
    public final Sequential add(String name, Module m) {
        child(name, m);
        count++;
        return this;
    }

    public int size() { return children().size(); }

    @Override
    protected Tensor compute(Tensor x) {
        for (Module m : children().values()) {
            x = m.forward(x);
        }
        return x;
    }
}
