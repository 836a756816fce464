package dev.cvkit.data;

/**
 * Derives independent seeds from (run seed, stream, epoch, sample) with the SplitMix64 finaliser,
 * so each sample's random draws depend only on those numbers: never on thread scheduling.
 */
public final class Seeds {
    /** Stream tags, so shuffling, splitting and augmentation never share draws. */
    public static final long SHUFFLE = 0x5348_5546L;
    public static final long SPLIT = 0x5350_4C54L;
    public static final long AUGMENT = 0x4155_474DL;
    public static final long DROPOUT = 0x4452_4F50L;

    private Seeds() {}

    public static long mix(long seed, long stream, long epoch, long index) {
        long z = seed;
        z = fmix(z ^ fmix(stream + 0x9E37_79B9_7F4A_7C15L));
        z = fmix(z ^ fmix(epoch * 0xBF58_476D_1CE4_E5B9L + 1));
        z = fmix(z ^ fmix(index * 0x94D0_49BB_1331_11EBL + 2));
        return z;
    }

    private static long fmix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return z ^ (z >>> 31);
    }
}
