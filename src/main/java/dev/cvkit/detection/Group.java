package dev.cvkit.detection;

import dev.cvkit.nn.Module;
import dev.cvkit.tensor.Tensor;

/** A named container of layers (like PyTorch's ModuleList): only gives its children dotted names. */
final class Group extends Module {
    <M extends Module> M add(String name, M m) {
        return child(name, m);
    }

    Tensor addBuffer(String name, Tensor t) {
        return buffer(name, t);
    }

    @Override
    protected Tensor compute(Tensor x) {
        throw new IllegalStateException("a Group only names its layers; run them one by one");
    }
}
