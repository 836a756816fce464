package dev.cvkit.classify;

import dev.cvkit.UserError;
import dev.cvkit.models.Architecture;
import dev.cvkit.nn.Module;
import java.util.Arrays;
import java.util.stream.Collectors;

/** The model zoo ({@link Architecture}) as an {@link ArchFactory}, with CLI-friendly errors. */
public final class Architectures {
    private Architectures() {}

    /** Builds zoo networks; the input shape must be the architecture's own. */
    public static final ArchFactory ZOO = (arch, k, c, h, w) -> {
        Architecture a = parse(arch);
        if (c != a.defaultChannels) {
            throw new UserError(a.cliName() + " takes " + a.defaultChannels + "-channel input, not " + c, 2);
        }
        return a.build(k);
    };

    public static Architecture parse(String arch) {
        Architecture a = arch == null ? null : Architecture.parse(arch);
        if (a == null) {
            throw new UserError("unknown architecture '" + arch + "' (one of: "
                    + Arrays.stream(Architecture.values()).map(Architecture::cliName).collect(Collectors.joining(", ")) + ")", 2);
        }
        return a;
    }

    /** Channels and square input size the architecture expects. */
    public static int[] input(String arch) {
        Architecture a = parse(arch);
        return new int[] {a.defaultChannels, a.defaultSize};
    }

    static Module build(String arch, int classes) {
        return parse(arch).build(classes);
    }
}
