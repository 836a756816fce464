package dev.cvkit.classify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.UserError;
import dev.cvkit.optim.Adadelta;
import dev.cvkit.optim.Adam;
import dev.cvkit.optim.LrSchedule;
import dev.cvkit.optim.Optimizer;
import dev.cvkit.optim.Sgd;
import dev.cvkit.tensor.Tensor;
import java.util.List;
import java.util.Locale;

/**
 * How a classifier is trained: everything a checkpoint must remember to continue a run.
 *
 * @param schedule  {@code constant}, {@code step:SIZE[:GAMMA]}, {@code multistep:E1,E2,…[:GAMMA]} or
 *                  {@code cosine[:ETA_MIN]} (per epoch, PyTorch's StepLR/MultiStepLR/CosineAnnealingLR)
 * @param warmup    epochs of linear warm-up from lr/10 before the schedule (0: none)
 * @param patience  stop after this many epochs without a better validation top-1 (0: never)
 * @param valSplit  fraction of the training data held out for validation when no --val is given (0: none)
 */
public record TrainConfig(String arch, int epochs, int batch, float lr, String optimizer, float momentum,
                          float weightDecay, String schedule, int warmup, String augment, long seed, int patience,
                          double valSplit) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public TrainConfig {
        if (epochs < 1 || batch < 1 || !(lr > 0) || warmup < 0 || patience < 0 || valSplit < 0 || valSplit >= 1) {
            throw new UserError("need --epochs ≥ 1, --batch ≥ 1, --lr > 0, --warmup ≥ 0, --patience ≥ 0, 0 ≤ --val-split < 1", 2);
        }
        optimizer = optimizer.toLowerCase(Locale.ROOT);
        if (!List.of("sgd", "adam", "adamw", "adadelta").contains(optimizer)) {
            throw new UserError("--optimizer must be sgd, adam, adamw or adadelta, not '" + optimizer + "'", 2);
        }
        schedule(lr, epochs, schedule, warmup); // validates the syntax now, not after an epoch
    }

    public TrainConfig withEpochs(int n) {
        return new TrainConfig(arch, n, batch, lr, optimizer, momentum, weightDecay, schedule, warmup, augment, seed, patience, valSplit);
    }

    public Optimizer newOptimizer(List<Tensor> params) {
        return switch (optimizer) {
            case "sgd" -> new Sgd(params, lr, momentum, weightDecay, false);
            case "adam" -> Adam.adam(params, lr, weightDecay);
            case "adamw" -> Adam.adamW(params, lr, weightDecay);
            default -> new Adadelta(params, lr, 0.9f, 1e-6f, weightDecay);
        };
    }

    public LrSchedule newSchedule() {
        return schedule(lr, epochs, schedule, warmup);
    }

    static LrSchedule schedule(float lr, int epochs, String spec, int warmup) {
        String[] parts = (spec == null || spec.isBlank() ? "constant" : spec.strip().toLowerCase(Locale.ROOT)).split(":");
        LrSchedule s;
        try {
            s = switch (parts[0]) {
                case "constant", "none" -> LrSchedule.constant(lr);
                case "step" -> LrSchedule.step(lr, Integer.parseInt(parts[1]), parts.length > 2 ? Float.parseFloat(parts[2]) : 0.1f);
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
                        + "' (use constant, step:SIZE[:GAMMA], multistep:E1,E2[:GAMMA] or cosine[:ETA_MIN])", 2);
            };
        } catch (ArrayIndexOutOfBoundsException | NumberFormatException e) {
            throw new UserError("--schedule '" + spec + "': bad numbers (e.g. step:10:0.1, multistep:5,8, cosine)", 2);
        }
        return warmup > 0 ? LrSchedule.warmupThen(0.1f, warmup, s) : s;
    }

    public ObjectNode toJson() {
        return JSON.valueToTree(this);
    }

    public static TrainConfig fromJson(JsonNode n) {
        try {
            return JSON.treeToValue(n, TrainConfig.class);
        } catch (Exception e) {
            throw new UserError("checkpoint: bad training options (" + e.getMessage() + ")", 1);
        }
    }
}
