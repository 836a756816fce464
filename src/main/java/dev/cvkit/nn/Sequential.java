package dev.cvkit.nn;

import dev.cvkit.tensor.BufferPool;
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
        if (fusedInference()) {
            return fused(x);
        }
        if (!unobserved()) {
            for (Module m : children().values()) {
                x = m.forward(x);
            }
            return x;
        }
        // BatchNorm → ReLU/ReLU6 pairs run as one op (training keeps no activation array)
        Module[] ms = children().values().toArray(new Module[0]);
        for (int i = 0; i < ms.length; i++) {
            float[] range = ms[i] instanceof BatchNorm && i + 1 < ms.length && ms[i + 1] instanceof Activation a
                    ? a.clampRange() : null;
            if (range != null && Float.isFinite(range[0])) {
                x = ((BatchNorm) ms[i]).forwardAct(x, null, range[0], range[1]);
                i++;
            } else {
                x = ms[i].forward(x);
            }
        }
        return x;
    }

    /**
     * Inference: runs Conv2d [→ BatchNorm] [→ ReLU/ReLU6/Hardswish/Hardsigmoid] runs as one fused op each, and hands
     * each intermediate output back to the {@link BufferPool} once the next layer has consumed it
     * (only this loop can reach it; the input and the result are never given back).
     */
    private Tensor fused(Tensor input) {
        Module[] ms = children().values().toArray(new Module[0]);
        Tensor x = input;
        for (int i = 0; i < ms.length; i++) {
            Tensor in = x;
            if (ms[i] instanceof Conv2d conv) {
                BatchNorm bn = null;
                int j = i + 1;
                if (j < ms.length && ms[j] instanceof BatchNorm b && b.channels == conv.out) {
                    bn = b;
                    j++;
                }
                Activation act = j < ms.length && ms[j] instanceof Activation a && Conv2d.fuses(a) ? a : null;
                if (act != null) j++;
                x = conv.forwardFused(x, bn, null, act);
                i = j - 1;
            } else {
                x = ms[i].forward(x);
            }
            if (in != input) BufferPool.release(in, x);
        }
        return x;
    }
}
