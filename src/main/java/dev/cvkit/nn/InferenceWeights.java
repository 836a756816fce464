package dev.cvkit.nn;

import dev.cvkit.tensor.NativeFloats;
import dev.cvkit.tensor.Tensor;
import java.util.Arrays;

/**
 * A convolution's weights in the forms inference kernels read, kept off-heap between calls:
 * as stored (im2col GEMM), tap-major ({@link ConvShifted}) and Winograd-transformed
 * (G g Gᵀ, {@link ConvWinograd}). Each form is rebuilt from the weight on first use after the
 * parameter stamp moved ({@link Module#parametersChanged}: optimizer steps, {@code loadStateDict},
 * {@code train(true)}, backbone loading), so a call never reads weights older than the last
 * declared change. Only calls that record no gradient use it: training transforms per call.
 *
 * <p>Why: at inference the weights do not change between calls, yet the Winograd transform
 * (16·K·C floats) was redone on every call, and RetinaNet's head applies each of its 3×3
 * convolutions to five pyramid levels per batch; at batch 1 copying or transforming a layer's
 * weights costs a tenth of its GEMM time or more.
 *
 * <p>Writing into a weight's array without declaring it is the one way to get stale forms.
 * With {@code -Dcvkit.checkInferenceWeights=true} (the test suite sets it) every form also keeps
 * a heap copy of the weight it was built from and every use compares it with the current
 * values, failing loudly on an undeclared change instead of computing with old weights.
 */
final class InferenceWeights implements Conv.OffHeapWeights {
    static final boolean CHECK = Boolean.getBoolean("cvkit.checkInferenceWeights");
    private static final int PLAIN = 0, TAPS = 1, WINOGRAD = 2;

    private final Tensor weight;
    private final int out, cg, taps;
    private final NativeFloats[] forms = new NativeFloats[3];
    private final long[] stamps = {-1, -1, -1};
    private final float[][] builtFrom = new float[3][];

    InferenceWeights(Tensor weight, int out, int cg, int taps) {
        this.weight = weight;
        this.out = out;
        this.cg = cg;
        this.taps = taps;
    }

    @Override
    public NativeFloats get(boolean tapMajor) {
        return form(tapMajor ? TAPS : PLAIN);
    }

    @Override
    public NativeFloats winograd() {
        return form(WINOGRAD);
    }

    /**
     * Form {@code which}, rebuilt when the stamp moved. Synchronized: two inference threads on one
     * model build it once; a rebuild writes the same buffer (same size), which a concurrent reader
     * of an unchanged weight sees with the same values.
     */
    private synchronized NativeFloats form(int which) {
        long stamp = Module.parameterStamp();
        float[] w = weight.data();
        if (forms[which] != null && stamps[which] == stamp) {
            if (CHECK && !Arrays.equals(builtFrom[which], w)) {
                throw new IllegalStateException("a convolution's weight " + weight
                        + " changed without Module.parametersChanged(): inference would use the old values");
            }
            return forms[which];
        }
        if (forms[which] == null) forms[which] = new NativeFloats();
        NativeFloats f = forms[which];
        switch (which) {
            case PLAIN -> f.ensureExactly(w.length).put(0, w, 0, w.length);
            case TAPS -> ConvShifted.repack(w, out, cg, taps, f);
            default -> ConvWinograd.transformWeights(w, out, cg, f.ensureExactly(16L * out * cg));
        }
        stamps[which] = stamp;
        if (CHECK) builtFrom[which] = w.clone();
        return f;
    }
}
