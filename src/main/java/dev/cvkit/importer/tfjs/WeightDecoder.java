package dev.cvkit.importer.tfjs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes the entries of one weight group from its concatenated shard bytes, exactly as
 * tfjs-core 4.22 ({@code io.decodeWeights}) does:
 * <ul>
 * <li>uint8/uint16 codes q: {@code value = q * scale + min} in double precision, then rounded to
 *     float32 (float32 weights) or to {@code floor(value + 0.5)} (int32 weights, JavaScript's
 *     {@code Math.round}). Doing the multiply-add in float32 would differ by an ulp in most tensors.</li>
 * <li>float16 halves: IEEE 754 binary16 to float32 (subnormals, infinities and NaN included).</li>
 * <li>unquantised float32/int32: little-endian, at whatever byte offset the entry starts
 *     (entries are not aligned).</li>
 * </ul>
 */
public final class WeightDecoder {
    private WeightDecoder() {}

    /**
     * Decodes every entry; {@code buffer.length} must equal the sum of the entry sizes.
     *
     * @param where file name for error messages
     * @return tensors by name, in manifest order
     */
    public static Map<String, TfjsTensor> decode(byte[] buffer, List<WeightSpec> specs, String where) {
        long need = 0;
        for (WeightSpec s : specs) {
            need = Math.addExact(need, s.storedBytes());
        }
        if (need != buffer.length) {
            throw ManifestParser.bad(where, "the manifest describes " + need + " bytes of weights but the shards hold "
                    + buffer.length + " (a shard is truncated, or belongs to another model)");
        }
        ByteBuffer bb = ByteBuffer.wrap(buffer).order(ByteOrder.LITTLE_ENDIAN);
        Map<String, TfjsTensor> out = new LinkedHashMap<>();
        int offset = 0;
        for (WeightSpec s : specs) {
            int n = (int) s.elements();
            TfjsTensor t = s.dtype() == WeightSpec.Dtype.FLOAT32
                    ? new TfjsTensor(s.name(), s.shape(), decodeFloats(bb, offset, n, s.quantization()), null, s.quantization())
                    : new TfjsTensor(s.name(), s.shape(), null, decodeInts(bb, offset, n, s.quantization()), s.quantization());
            out.put(s.name(), t);
            offset += (int) s.storedBytes();
        }
        return out;
    }

    static float[] decodeFloats(ByteBuffer bb, int offset, int n, Quantization q) {
        float[] v = new float[n];
        if (q == null) {
            for (int i = 0; i < n; i++) {
                v[i] = bb.getFloat(offset + 4 * i);
            }
            return v;
        }
        switch (q.kind()) {
            case UINT8 -> {
                for (int i = 0; i < n; i++) {
                    v[i] = (float) ((bb.get(offset + i) & 0xff) * q.scale() + q.min());
                }
            }
            case UINT16 -> {
                for (int i = 0; i < n; i++) {
                    v[i] = (float) ((bb.getShort(offset + 2 * i) & 0xffff) * q.scale() + q.min());
                }
            }
            case FLOAT16 -> {
                for (int i = 0; i < n; i++) {
                    v[i] = halfToFloat(bb.getShort(offset + 2 * i) & 0xffff);
                }
            }
            default -> throw new IllegalStateException(q.kind().toString());
        }
        return v;
    }

    static int[] decodeInts(ByteBuffer bb, int offset, int n, Quantization q) {
        int[] v = new int[n];
        if (q == null) {
            for (int i = 0; i < n; i++) {
                v[i] = bb.getInt(offset + 4 * i);
            }
            return v;
        }
        for (int i = 0; i < n; i++) {
            int code = q.kind() == Quantization.Kind.UINT8 ? bb.get(offset + i) & 0xff : bb.getShort(offset + 2 * i) & 0xffff;
            v[i] = (int) Math.floor(code * q.scale() + q.min() + 0.5);
        }
        return v;
    }

    /** IEEE 754 binary16 bits (low 16 bits of {@code h}) to the float32 of the same value. */
    public static float halfToFloat(int h) {
        int sign = (h >>> 15) & 1;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        float magnitude;
        if (exp == 0) {
            magnitude = mant * 0x1p-24f; // zero or subnormal: exact in float32
        } else if (exp == 31) {
            magnitude = mant == 0 ? Float.POSITIVE_INFINITY : Float.NaN;
        } else {
            magnitude = Float.intBitsToFloat(((exp - 15 + 127) << 23) | (mant << 13));
        }
        return sign == 0 ? magnitude : -magnitude;
    }
}
