package dev.cvkit.train;

import dev.cvkit.ExitCodes;
import dev.cvkit.UserError;
import dev.cvkit.optim.LrSchedule;
import java.util.Locale;

/**
 * A learning rate that changes once per epoch, PyTorch's StepLR, MultiStepLR and
 * CosineAnnealingLR, after an optional linear warm-up from a tenth of the rate: the classifier
 * recipes' schedules (detection fits an {@link LrPlan} by iteration instead).
 */
public final class EpochSchedule {
    private EpochSchedule() {}

    /**
     * @param spec   {@code constant}, {@code step:SIZE[:GAMMA]}, {@code multistep:E1,E2,…[:GAMMA]} or {@code cosine[:ETA_MIN]}
     * @param warmup epochs of linear warm-up from lr/10 (0: none)
     */
    public static LrSchedule parse(String spec, float lr, int epochs, int warmup) {
        String[] parts = (spec == null || spec.isBlank() ? "constant" : spec.strip().toLowerCase(Locale.ROOT)).split(":");
        LrSchedule s;
        try {
            s = switch (parts[0]) {
                case "constant", "none" -> LrSchedule.constant(lr);
                case "step" -> LrSchedule.step(lr, positive(Integer.parseInt(parts[1])), parts.length > 2 ? Float.parseFloat(parts[2]) : 0.1f);
                case "multistep" -> {
                    String[] ms = parts[1].split(",");
                    int[] m = new int[ms.length];
                    for (int i = 0; i < ms.length; i++) {
                        m[i] = Integer.parseInt(ms[i].strip());
                    }
                    yield LrSchedule.multiStep(lr, m, parts.length > 2 ? Float.parseFloat(parts[2]) : 0.1f);
                }
                case "cosine" -> LrSchedule.cosine(lr, epochs, parts.length > 1 ? Float.parseFloat(parts[1]) : 0f);
                default -> throw new UserError("--schedule: unknown '" + parts[0]
                        + "' (use constant, step:SIZE[:GAMMA], multistep:E1,E2[:GAMMA] or cosine[:ETA_MIN])", ExitCodes.USAGE);
            };
        } catch (ArrayIndexOutOfBoundsException | NumberFormatException e) {
            throw new UserError("--schedule '" + spec + "': bad numbers (e.g. step:10:0.1, multistep:5,8, cosine)", ExitCodes.USAGE);
        }
        return warmup > 0 ? LrSchedule.warmupThen(0.1f, warmup, s) : s;
    }

    private static int positive(int n) {
        if (n < 1) throw new NumberFormatException("step size " + n);
        return n;
    }
}
