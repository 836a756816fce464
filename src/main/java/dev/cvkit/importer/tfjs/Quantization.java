package dev.cvkit.importer.tfjs;

/**
 * How a TF.js weight is stored when it is quantised: {@code uint8} or {@code uint16} codes q
 * with {@code value = q * scale + min} (computed in double, as tfjs-core does, then rounded to
 * float32, or to the nearest int for int32 weights), or {@code float16} halves (no scale/min).
 */
public record Quantization(Kind kind, double scale, double min) {
    /** The stored element type. */
    public enum Kind {
        UINT8(1), UINT16(2), FLOAT16(2);

        private final int bytes;

        Kind(int bytes) { this.bytes = bytes; }

        /** Bytes per stored element. */
        public int bytes() { return bytes; }
    }
}
