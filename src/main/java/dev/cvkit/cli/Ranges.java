package dev.cvkit.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Converters that refuse out-of-range numbers while the command line is parsed, so a value
 * such as {@code --max-pixels 0} or {@code --conf 7} is a usage error (exit 2) before any work.
 */
final class Ranges {
    private Ranges() {}

    private static long whole(String s) {
        try {
            return Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + s + "' is not a whole number");
        }
    }

    private static double real(String s) {
        double v;
        try {
            v = Double.parseDouble(s.strip());
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + s + "' is not a number");
        }
        if (!Double.isFinite(v)) {
            throw new TypeConversionException("'" + s + "' is not a finite number");
        }
        return v;
    }

    /** 1 … Integer.MAX_VALUE. */
    static final class PositiveInt implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String s) {
            long v = whole(s);
            if (v < 1 || v > Integer.MAX_VALUE) {
                throw new TypeConversionException("must be a whole number from 1 to " + Integer.MAX_VALUE + ", got " + s);
            }
            return (int) v;
        }
    }

    /** 0 … Integer.MAX_VALUE. */
    static final class NonNegativeInt implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String s) {
            long v = whole(s);
            if (v < 0 || v > Integer.MAX_VALUE) {
                throw new TypeConversionException("must be a whole number from 0 to " + Integer.MAX_VALUE + ", got " + s);
            }
            return (int) v;
        }
    }

    /** 1 … Long.MAX_VALUE. */
    static final class PositiveLong implements ITypeConverter<Long> {
        @Override
        public Long convert(String s) {
            long v = whole(s);
            if (v < 1) {
                throw new TypeConversionException("must be a positive whole number, got " + s);
            }
            return v;
        }
    }

    /** A score or IoU threshold: 0 … 1. */
    static final class Fraction implements ITypeConverter<Float> {
        @Override
        public Float convert(String s) {
            double v = real(s);
            if (v < 0 || v > 1) {
                throw new TypeConversionException("must be between 0 and 1, got " + s);
            }
            return (float) v;
        }
    }

    /** A finite number above 0 (learning rates and the like). */
    static final class PositiveReal implements ITypeConverter<Double> {
        @Override
        public Double convert(String s) {
            double v = real(s);
            if (v <= 0) {
                throw new TypeConversionException("must be above 0, got " + s);
            }
            return v;
        }
    }

    /** A finite number of 0 or more. */
    static final class NonNegativeReal implements ITypeConverter<Double> {
        @Override
        public Double convert(String s) {
            double v = real(s);
            if (v < 0) {
                throw new TypeConversionException("must not be negative, got " + s);
            }
            return v;
        }
    }
}
