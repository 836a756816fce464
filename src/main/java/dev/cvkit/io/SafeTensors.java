package dev.cvkit.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.UserError;
import dev.cvkit.ExitCodes;
import dev.cvkit.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Model files in the safetensors format: an 8-byte little-endian header length N, N bytes of
 * JSON ({@code {"name": {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__":
 * {string: string}}}), then the raw little-endian tensor bytes (offsets relative to their start).
 *
 * <p>cvkit keeps a model's configuration as a JSON string under the metadata key
 * {@value #CONFIG_KEY}. Reading validates everything before allocating: header length bound,
 * dtype, shape, offsets inside the file, byte size = shape × dtype size, no overlaps. Any
 * problem is a {@link UserError} naming the file. Reads F32, F16, BF16 (converted to float32),
 * I64 (BatchNorm's counters) and quantised U8; writes F32, F16 and quantised U8 (see {@link Storage}).
 *
 * <p><b>Quantised U8 tensors</b> (cvkit's extension, for weights that came 8-bit quantised, such
 * as face-api's): the tensor is stored as dtype {@code U8} codes q, and the metadata key
 * {@value #QUANTIZATION_KEY} holds a JSON object (as a string, like every metadata value) with
 * one entry per U8 tensor: {@code {"NAME": {"scale": S, "min": M}, ...}} (JSON numbers, doubles
 * printed so that they parse back exactly). Reading gives {@code (float) (q * S + M)} computed
 * in double, the arithmetic of tfjs-core's {@code decodeWeights}, so the float32 values are
 * bit-identical to the ones the TF.js importer decodes. A U8 tensor without an entry, an entry
 * for a tensor that is not U8 or does not exist, or a non-finite scale/min is a bad file. Other
 * safetensors readers see the raw codes and the parameters, never wrong floats.
 */
public final class SafeTensors {
    /** Metadata key holding the model configuration JSON. */
    public static final String CONFIG_KEY = "config";
    /** Metadata key holding the per-tensor {scale, min} of quantised U8 tensors. */
    public static final String QUANTIZATION_KEY = "quantization";
    /** Largest header accepted: real headers are a few hundred KB at most. */
    static final long MAX_HEADER = 100L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private SafeTensors() {}

    /** What a file holds: tensors in file order and the string metadata. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {
        /** The configuration JSON string, or null. */
        public String config() { return metadata.get(CONFIG_KEY); }
    }

    /**
     * The name of the first tensor holding a NaN or an infinity, or null. A model with such
     * weights computes NaN scores, which would pass as "nothing found".
     */
    public static String firstNonFinite(Map<String, Tensor> tensors) {
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            for (float v : e.getValue().data()) {
                if (!Float.isFinite(v)) {
                    return e.getKey();
                }
            }
        }
        return null;
    }

    /** Reads and validates a safetensors file. */
    public static Contents read(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Header h = readHeader(ch, file);
            Map<String, double[]> quant = quantization(file, h.metadata.get(QUANTIZATION_KEY), h.entries);
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (Entry e : h.entries) {
                long bytes = e.end - e.begin;
                ByteBuffer buf = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
                readFully(ch, buf, h.dataStart + e.begin, file);
                float[] values = e.dtype.equals("U8") ? dequantize(buf, e.numel, quant.get(e.name)) : decode(buf, e.dtype, e.numel);
                tensors.put(e.name, Tensor.of(values, e.shape));
            }
            return new Contents(tensors, h.metadata);
        } catch (NoSuchFileException ex) {
            throw new UserError(file + ": no such file", ExitCodes.USAGE);
        } catch (IOException ex) {
            throw new UserError(file + ": cannot read model file (" + ex.getMessage() + ")", ExitCodes.INPUT_FAILED, ex);
        }
    }

    /**
     * The string metadata of a safetensors file, from its header alone (validated as by
     * {@link #read}; the tensors are not read). For deciding what a model file is.
     */
    public static Map<String, String> readMetadata(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Header h = readHeader(ch, file);
            quantization(file, h.metadata.get(QUANTIZATION_KEY), h.entries);
            return h.metadata;
        } catch (NoSuchFileException ex) {
            throw new UserError(file + ": no such file", ExitCodes.USAGE);
        } catch (IOException ex) {
            throw new UserError(file + ": cannot read model file (" + ex.getMessage() + ")", ExitCodes.INPUT_FAILED, ex);
        }
    }

    private record Header(List<Entry> entries, Map<String, String> metadata, long dataStart) {}

    private static Header readHeader(FileChannel ch, Path file) throws IOException {
        long size = ch.size();
        if (size < 8) {
            throw bad(file, "file is " + size + " bytes, too short for a safetensors header");
        }
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, lenBuf, 0, file);
        long n = lenBuf.getLong(0);
        if (n < 2 || n > MAX_HEADER || n > size - 8) {
            throw bad(file, "header length " + Long.toUnsignedString(n) + " is impossible for a " + size
                    + "-byte file (truncated or not a safetensors file)");
        }
        ByteBuffer hb = ByteBuffer.allocate((int) n);
        readFully(ch, hb, 8, file);
        String headerText = new String(hb.array(), StandardCharsets.UTF_8);
        long dataStart = 8 + n;
        return new Header(parseHeader(file, headerText, size - dataStart), metadata(file, headerText), dataStart);
    }

    private record Entry(String name, String dtype, int[] shape, int numel, long begin, long end) {}

    private static List<Entry> parseHeader(Path file, String text, long dataLen) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException ex) {
            throw bad(file, "header is not valid JSON (" + ex.getOriginalMessage() + ")");
        }
        if (root == null || !root.isObject()) {
            throw bad(file, "header is not a JSON object");
        }
        List<Entry> entries = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            String name = f.getKey();
            if (name.equals("__metadata__")) {
                continue;
            }
            JsonNode v = f.getValue();
            String dtype = v.path("dtype").asText("");
            int width = dtypeSize(dtype);
            if (width == 0) {
                throw bad(file, "tensor '" + name + "' has unsupported dtype '" + dtype + "' (F32, F16, BF16, I64 and quantised U8 are read)");
            }
            JsonNode sh = v.path("shape"), off = v.path("data_offsets");
            if (!sh.isArray() || !off.isArray() || off.size() != 2) {
                throw bad(file, "tensor '" + name + "' lacks a shape or data_offsets");
            }
            int[] shape = new int[sh.size()];
            long numel = 1;
            for (int i = 0; i < shape.length; i++) {
                JsonNode d = sh.get(i);
                if (!d.canConvertToLong() || d.asLong() < 0 || d.asLong() > Integer.MAX_VALUE) {
                    throw bad(file, "tensor '" + name + "' has invalid shape " + sh);
                }
                shape[i] = (int) d.asLong();
                numel *= shape[i];
                if (numel > Integer.MAX_VALUE - 8) {
                    throw bad(file, "tensor '" + name + "' is too large " + sh);
                }
            }
            long begin = off.get(0).asLong(-1), end = off.get(1).asLong(-1);
            if (!off.get(0).canConvertToLong() || !off.get(1).canConvertToLong() || begin < 0 || end < begin) {
                throw bad(file, "tensor '" + name + "' has invalid data_offsets " + off);
            }
            if (end > dataLen) {
                throw bad(file, "tensor '" + name + "' ends at byte " + end + " but the data section has " + dataLen
                        + " bytes (truncated file?)");
            }
            if (end - begin != numel * width) {
                throw bad(file, "tensor '" + name + "' has " + (end - begin) + " bytes, shape " + sh + " of " + dtype
                        + " needs " + numel * width);
            }
            entries.add(new Entry(name, dtype, shape, (int) numel, begin, end));
        }
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort((a, b) -> Long.compare(a.begin, b.begin));
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).begin < sorted.get(i - 1).end) {
                throw bad(file, "tensors '" + sorted.get(i - 1).name + "' and '" + sorted.get(i).name + "' overlap");
            }
        }
        return entries;
    }

    private static Map<String, String> metadata(Path file, String text) {
        Map<String, String> meta = new LinkedHashMap<>();
        try {
            JsonNode m = JSON.readTree(text).get("__metadata__");
            if (m == null) {
                return meta;
            }
            if (!m.isObject()) {
                throw bad(file, "__metadata__ is not an object");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = m.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isTextual()) {
                    throw bad(file, "__metadata__ value '" + e.getKey() + "' is not a string");
                }
                meta.put(e.getKey(), e.getValue().asText());
            }
            return meta;
        } catch (JsonProcessingException ex) {
            throw bad(file, "header is not valid JSON");
        }
    }

    /**
     * The {scale, min} of every U8 tensor from the {@value #QUANTIZATION_KEY} metadata, checked
     * against the tensors: each U8 tensor has finite parameters, and only U8 tensors have them.
     */
    private static Map<String, double[]> quantization(Path file, String text, List<Entry> entries) {
        Map<String, String> dtypes = new LinkedHashMap<>();
        entries.forEach(e -> dtypes.put(e.name, e.dtype));
        Map<String, double[]> out = new LinkedHashMap<>();
        if (text != null) {
            JsonNode q;
            try {
                q = JSON.readTree(text);
            } catch (JsonProcessingException ex) {
                throw bad(file, "__metadata__." + QUANTIZATION_KEY + " is not valid JSON");
            }
            if (q == null || !q.isObject()) {
                throw bad(file, "__metadata__." + QUANTIZATION_KEY + " is not a JSON object");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = q.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                String name = f.getKey();
                String dtype = dtypes.get(name);
                if (dtype == null) {
                    throw bad(file, "quantization parameters for '" + name + "', which is not a tensor of this file");
                }
                if (!dtype.equals("U8")) {
                    throw bad(file, "quantization parameters for tensor '" + name + "', which is " + dtype + " (only U8 tensors are quantised)");
                }
                JsonNode scale = f.getValue().path("scale"), min = f.getValue().path("min");
                if (!scale.isNumber() || !min.isNumber() || !Double.isFinite(scale.asDouble()) || !Double.isFinite(min.asDouble())) {
                    throw bad(file, "quantization parameters for tensor '" + name + "' need finite numbers \"scale\" and \"min\"");
                }
                out.put(name, new double[] {scale.asDouble(), min.asDouble()});
            }
        }
        for (Entry e : entries) {
            if (e.dtype.equals("U8") && !out.containsKey(e.name)) {
                throw bad(file, "tensor '" + e.name + "' is U8 but __metadata__." + QUANTIZATION_KEY + " has no scale/min for it");
            }
        }
        return out;
    }

    /** U8 codes → float32: {@code (float) (q * scale + min)} in double, as tfjs-core decodes them. */
    private static float[] dequantize(ByteBuffer b, int numel, double[] scaleMin) {
        float[] out = new float[numel];
        double scale = scaleMin[0], min = scaleMin[1];
        for (int i = 0; i < numel; i++) {
            out[i] = (float) ((b.get(i) & 0xff) * scale + min);
        }
        return out;
    }

    private static int dtypeSize(String dtype) {
        return switch (dtype) {
            case "U8" -> 1;
            case "F32" -> 4;
            case "F16", "BF16" -> 2;
            case "I64" -> 8;
            default -> 0;
        };
    }

    private static float[] decode(ByteBuffer b, String dtype, int numel) {
        float[] out = new float[numel];
        switch (dtype) {
            case "F32" -> b.asFloatBuffer().get(out);
            case "F16" -> {
                for (int i = 0; i < numel; i++) out[i] = halfToFloat(b.getShort(2 * i));
            }
            case "BF16" -> {
                for (int i = 0; i < numel; i++) out[i] = Float.intBitsToFloat((b.getShort(2 * i) & 0xffff) << 16);
            }
            case "I64" -> {
                for (int i = 0; i < numel; i++) out[i] = b.getLong(8 * i);
            }
            default -> throw new IllegalStateException(dtype);
        }
        return out;
    }

    /** IEEE 754 binary16 → float32 (exact: every half value is a float). */
    static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16, exp = (bits >>> 10) & 0x1f, mant = bits & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /**
     * float32 → IEEE 754 binary16 with round-to-nearest-even (ties to the even half); values
     * beyond the half range become ±infinity, tiny ones subnormal halves or ±0, NaN stays NaN
     * (payload's top bits kept, so every half NaN round-trips). Exact for every value that is a half.
     */
    static short floatToHalf(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000, exp = (bits >>> 23) & 0xff, mant = bits & 0x7fffff;
        if (exp == 0xff) {
            int m = mant >>> 13;
            return (short) (sign | 0x7c00 | (mant != 0 && m == 0 ? 0x200 : m));
        }
        if (exp == 0) {
            return (short) sign; // float32 subnormals are far below half's smallest subnormal (2^-24)
        }
        int sig = mant | 0x800000; // 24-bit significand, value = sig * 2^(exp - 150)
        int e = exp - 112; // the half's biased exponent
        if (e >= 1) {
            int r = shiftRoundEven(sig, 13); // in [1024, 2048]
            if (r == 2048) {
                e++;
                r = 1024;
            }
            return (short) (e >= 31 ? sign | 0x7c00 : sign | (e << 10) | (r - 1024));
        }
        int shift = 126 - exp; // units of 2^-24: sig * 2^(exp - 126)
        if (shift > 25) {
            return (short) sign; // below 2^-25: rounds to zero
        }
        return (short) (sign | shiftRoundEven(sig, shift)); // 1024 here is the smallest normal, encoded the same
    }

    private static int shiftRoundEven(int v, int shift) {
        int q = v >>> shift, rem = v & ((1 << shift) - 1), half = 1 << (shift - 1);
        return rem > half || (rem == half && (q & 1) == 1) ? q + 1 : q;
    }

    /** U8 code q with {@code (float) (q * scale + min) == v} bit for bit, or -1 if none exists. */
    static int quantize(float v, double scale, double min) {
        long guess = Math.round((v - min) / scale);
        for (long q = guess - 1; q <= guess + 1; q++) {
            if (q >= 0 && q <= 255 && Float.floatToRawIntBits((float) (q * scale + min)) == Float.floatToRawIntBits(v)) {
                return (int) q;
            }
        }
        return -1;
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos, Path file) throws IOException {
        while (buf.hasRemaining()) {
            int r = ch.read(buf, pos + buf.position());
            if (r < 0) {
                throw bad(file, "file ends early (truncated)");
            }
        }
        buf.flip();
    }

    private static UserError bad(Path file, String what) {
        return new UserError(file + ": bad model file: " + what, ExitCodes.INPUT_FAILED);
    }

    /**
     * How a tensor is written: {@code F32}, {@code F16} (round-to-nearest-even, exact for values
     * that are halves) or {@code U8} codes with {@code value = (float) (q * scale + min)} (every
     * value must be exactly such a code's value: quantisation is kept, never introduced).
     */
    public record Storage(String dtype, double scale, double min) {
        public static final Storage F32 = new Storage("F32", 0, 0);
        public static final Storage F16 = new Storage("F16", 0, 0);

        public Storage {
            if (!dtype.equals("F32") && !dtype.equals("F16") && !dtype.equals("U8")) {
                throw new IllegalArgumentException("cannot write dtype " + dtype);
            }
            if (dtype.equals("U8") && !(Double.isFinite(scale) && Double.isFinite(min))) {
                throw new IllegalArgumentException("U8 needs a finite scale and min");
            }
        }

        /** 8-bit codes q with {@code value = (float) (q * scale + min)}. */
        public static Storage u8(double scale, double min) { return new Storage("U8", scale, min); }

        int width() { return dtype.equals("F32") ? 4 : dtype.equals("F16") ? 2 : 1; }
    }

    /** Writes tensors (F32, in map order) and string metadata atomically. */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        write(file, tensors, metadata, Map.of());
    }

    /**
     * Writes tensors in map order, each as {@code storage.get(name)} (F32 when absent), and string
     * metadata atomically; U8 tensors add their {scale, min} under {@value #QUANTIZATION_KEY}.
     *
     * @throws IllegalArgumentException a U8 tensor holds a value that no code gives, or the
     *         metadata already has a {@value #QUANTIZATION_KEY} key while U8 tensors are written
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata, Map<String, Storage> storage)
            throws IOException {
        Map<String, byte[]> u8 = new LinkedHashMap<>();
        ObjectNode quant = JSON.createObjectNode();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Storage s = storage.getOrDefault(e.getKey(), Storage.F32);
            if (s.dtype().equals("U8")) {
                float[] v = e.getValue().data();
                byte[] codes = new byte[v.length];
                for (int i = 0; i < v.length; i++) {
                    int q = quantize(v[i], s.scale(), s.min());
                    if (q < 0) {
                        throw new IllegalArgumentException("tensor '" + e.getKey() + "': value " + v[i] + " at " + i
                                + " is not q*" + s.scale() + "+" + s.min() + " for any 8-bit q");
                    }
                    codes[i] = (byte) q;
                }
                u8.put(e.getKey(), codes);
                quant.putObject(e.getKey()).put("scale", s.scale()).put("min", s.min());
            }
        }
        ObjectNode header = JSON.createObjectNode();
        Map<String, String> meta = new LinkedHashMap<>(metadata == null ? Map.of() : metadata);
        if (!u8.isEmpty()) {
            if (meta.containsKey(QUANTIZATION_KEY)) {
                throw new IllegalArgumentException("metadata key '" + QUANTIZATION_KEY + "' is reserved for U8 tensors");
            }
            meta.put(QUANTIZATION_KEY, JSON.writeValueAsString(quant));
        }
        if (!meta.isEmpty()) {
            ObjectNode m = header.putObject("__metadata__");
            meta.forEach(m::put);
        }
        long off = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Storage s = storage.getOrDefault(e.getKey(), Storage.F32);
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", s.dtype());
            var sh = t.putArray("shape");
            for (int d : e.getValue().shape()) sh.add(d);
            var o = t.putArray("data_offsets");
            o.add(off);
            off += (long) s.width() * e.getValue().numel();
            o.add(off);
        }
        byte[] hj = JSON.writeValueAsBytes(header);
        int padded = (hj.length + 7) / 8 * 8; // the format pads the header with spaces to 8 bytes
        byte[] hdr = new byte[padded];
        java.util.Arrays.fill(hdr, (byte) ' ');
        System.arraycopy(hj, 0, hdr, 0, hj.length);
        AtomicFiles.write(file, out -> {
            ByteBuffer lb = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
            out.write(lb.array());
            out.write(hdr);
            ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
                byte[] codes = u8.get(e.getKey());
                if (codes != null) {
                    out.write(chunk.array(), 0, chunk.position());
                    chunk.clear();
                    out.write(codes);
                    continue;
                }
                boolean half = storage.getOrDefault(e.getKey(), Storage.F32).dtype().equals("F16");
                for (float v : e.getValue().data()) {
                    if (chunk.remaining() < 4) {
                        out.write(chunk.array(), 0, chunk.position());
                        chunk.clear();
                    }
                    if (half) {
                        chunk.putShort(floatToHalf(v));
                    } else {
                        chunk.putFloat(v);
                    }
                }
            }
            out.write(chunk.array(), 0, chunk.position());
        });
    }
}
