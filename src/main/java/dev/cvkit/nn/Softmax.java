package dev.cvkit.nn;

import dev.cvkit.tensor.Tensor;

/** Softmax or log-softmax over one dimension (default 1, the class/channel axis). */
public final class Softmax extends Module {
    private final int dim;
    private final boolean log;

    public Softmax(int dim, boolean log) {
        this.dim = dim;
        this.log = log;
    }

    @Override
    protected Tensor compute(Tensor x) {
        return log ? Functional.logSoftmax(x, dim) : Functional.softmax(x, dim);
    }

    @Override
    public String typeName() { return log ? "LogSoftmax" : "Softmax"; }
}
