package dev.cvkit.nn;

import dev.cvkit.tensor.Tensor;

/**
 * A module whose inputs or outputs are not one tensor: a feature pyramid (levels in, levels
 * out), a detection head (two outputs per level), a whole detector, or a plain holder that gives
 * its parts torchvision's names. It has parameters, buffers, children, state dicts and train/eval
 * like any module; its own methods (e.g. {@code forwardLevels}) replace {@link #forward}, which
 * refuses with the class's name.
 */
public abstract class Container extends Module {
    @Override
    protected final Tensor compute(Tensor x) {
        throw new IllegalStateException(getClass().getSimpleName() + " does not map one tensor to one tensor; call its own methods");
    }
}
