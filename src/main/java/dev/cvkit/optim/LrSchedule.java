package dev.cvkit.optim;

/**
 * Learning rate as a function of the epoch (0-based), PyTorch's schedulers in closed form:
 * step (StepLR), multistep (MultiStepLR), cosine (CosineAnnealingLR), linear warmup (LinearLR)
 * and warmup followed by another schedule. Call {@code opt.setLr(s.lr(epoch))} at each epoch start.
 */
public interface LrSchedule {
    float lr(int epoch);

    static LrSchedule constant(float base) { return e -> base; }

    /** base · γ^⌊epoch / stepSize⌋. */
    static LrSchedule step(float base, int stepSize, float gamma) {
        return e -> base * (float) Math.pow(gamma, e / stepSize);
    }

    /** base · γ^(number of milestones ≤ epoch). */
    static LrSchedule multiStep(float base, int[] milestones, float gamma) {
        return e -> {
            int k = 0;
            for (int m : milestones) if (e >= m) k++;
            return base * (float) Math.pow(gamma, k);
        };
    }

    /** η_min + (base − η_min)(1 + cos(π·epoch/tMax))/2. */
    static LrSchedule cosine(float base, int tMax, float etaMin) {
        return e -> etaMin + (base - etaMin) * (float) (1 + Math.cos(Math.PI * e / tMax)) / 2;
    }

    /** Linear factor from startFactor to endFactor over {@code warmupEpochs}, then endFactor (LinearLR). */
    static LrSchedule linearWarmup(float base, float startFactor, float endFactor, int warmupEpochs) {
        return e -> base * (e >= warmupEpochs ? endFactor
                : startFactor + (endFactor - startFactor) * e / warmupEpochs);
    }

    /** Linear warmup from startFactor·(then's lr) for warmupEpochs, then {@code then}. */
    static LrSchedule warmupThen(float startFactor, int warmupEpochs, LrSchedule then) {
        return e -> e >= warmupEpochs ? then.lr(e)
                : then.lr(e) * (startFactor + (1 - startFactor) * e / warmupEpochs);
    }
}
