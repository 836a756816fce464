package dev.cvkit.image;

import dev.cvkit.UserError;
import java.util.Locale;

/**
 * Random changes applied to training images, all drawn from a per-sample seed so a run is
 * reproducible whatever the thread count. Parsed from {@code --augment}, e.g.
 * {@code flip,shift=2,jitter=0.2,scale=0.1} or {@code none}.
 *
 * @param flip   mirror left-right with probability 1/2
 * @param shift  move by a whole number of pixels, independently in x and y, in [-shift, shift]
 *               (the lecture's "shifts up to 2 px"; like a random crop of a zero-padded image)
 * @param jitter brightness, contrast (and for colour images saturation) factors in [1-jitter, 1+jitter]
 * @param scale  zoom about the centre by a factor in [1-scale, 1+scale]
 */
public record Augmentation(boolean flip, int shift, float jitter, float scale) {
    public static final Augmentation NONE = new Augmentation(false, 0, 0f, 0f);

    public Augmentation {
        if (shift < 0 || jitter < 0 || jitter >= 1 || scale < 0 || scale >= 1) {
            throw new IllegalArgumentException("bad augmentation " + shift + " " + jitter + " " + scale);
        }
    }

    public boolean isNone() {
        return !flip && shift == 0 && jitter == 0 && scale == 0;
    }

    /** Parses the {@code --augment} syntax; a mistake is a usage error. */
    public static Augmentation parse(String spec) {
        if (spec == null || spec.isBlank() || spec.strip().equalsIgnoreCase("none")) {
            return NONE;
        }
        boolean flip = false;
        int shift = 0;
        float jitter = 0;
        float scale = 0;
        for (String part : spec.split(",")) {
            String p = part.strip().toLowerCase(Locale.ROOT);
            String key = p.contains("=") ? p.substring(0, p.indexOf('=')) : p;
            String val = p.contains("=") ? p.substring(p.indexOf('=') + 1) : null;
            try {
                switch (key) {
                    case "flip", "hflip" -> flip = val == null || Boolean.parseBoolean(val);
                    case "shift", "crop" -> shift = val == null ? 2 : Integer.parseInt(val);
                    case "jitter", "color", "colour" -> jitter = val == null ? 0.2f : Float.parseFloat(val);
                    case "scale" -> scale = val == null ? 0.1f : Float.parseFloat(val);
                    default -> throw new UserError("--augment: unknown item '" + key
                            + "' (use flip, shift=PX, jitter=F, scale=F or none)", 2);
                }
            } catch (NumberFormatException e) {
                throw new UserError("--augment: '" + part.strip() + "' needs a number", 2);
            }
        }
        if (shift < 0 || shift > 64 || jitter < 0 || jitter >= 1 || scale < 0 || scale >= 1) {
            throw new UserError("--augment: shift must be 0..64, jitter and scale in [0, 1)", 2);
        }
        return new Augmentation(flip, shift, jitter, scale);
    }

    /** The canonical text form, as parse() accepts it (stored in model metadata). */
    public String spec() {
        if (isNone()) {
            return "none";
        }
        StringBuilder sb = new StringBuilder();
        if (flip) {
            sb.append("flip,");
        }
        if (shift > 0) {
            sb.append("shift=").append(shift).append(',');
        }
        if (jitter > 0) {
            sb.append("jitter=").append(jitter).append(',');
        }
        if (scale > 0) {
            sb.append("scale=").append(scale).append(',');
        }
        return sb.substring(0, sb.length() - 1);
    }
}
