package dev.cvkit.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.UserError;
import dev.cvkit.cli.ExitCodes;
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
 * problem is a {@link UserError} naming the file. Reads F32, F16, BF16 (converted to float32)
 * and I64 (BatchNorm's counters); writes F32.
 */
public final class SafeTensors {
    /** Metadata key holding the model configuration JSON. */
    public static final String CONFIG_KEY = "config";
    /** Largest header accepted: real headers are a few hundred KB at most. */
    static final long MAX_HEADER = 100L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private SafeTensors() {}

    /** What a file holds: tensors in file order and the string metadata. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {
        /** The configuration JSON string, or null. */
        public String config() { return metadata.get(CONFIG_KEY); }
    }

    /** Reads and validates a safetensors file. */
    public static Contents read(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
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
            long dataStart = 8 + n, dataLen = size - dataStart;
            List<Entry> entries = parseHeader(file, headerText, dataLen);
            Map<String, String> meta = metadata(file, headerText);
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (Entry e : entries) {
                long bytes = e.end - e.begin;
                ByteBuffer buf = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
                readFully(ch, buf, dataStart + e.begin, file);
                tensors.put(e.name, Tensor.of(decode(buf, e.dtype, e.numel), e.shape));
            }
            return new Contents(tensors, meta);
        } catch (NoSuchFileException ex) {
            throw new UserError(file + ": no such file", ExitCodes.USAGE);
        } catch (IOException ex) {
            throw new UserError(file + ": cannot read model file (" + ex.getMessage() + ")", ExitCodes.INPUT_FAILED, ex);
        }
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
                throw bad(file, "tensor '" + name + "' has unsupported dtype '" + dtype + "' (F32, F16, BF16, I64 are read)");
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

    private static int dtypeSize(String dtype) {
        return switch (dtype) {
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

    /** Writes tensors (F32, in map order) and string metadata atomically. */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        ObjectNode header = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode m = header.putObject("__metadata__");
            metadata.forEach(m::put);
        }
        long off = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", "F32");
            var sh = t.putArray("shape");
            for (int d : e.getValue().shape()) sh.add(d);
            var o = t.putArray("data_offsets");
            o.add(off);
            off += 4L * e.getValue().numel();
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
            for (Tensor t : tensors.values()) {
                for (float v : t.data()) {
                    if (!chunk.hasRemaining()) {
                        out.write(chunk.array(), 0, chunk.position());
                        chunk.clear();
                    }
                    chunk.putFloat(v);
                }
            }
            out.write(chunk.array(), 0, chunk.position());
        });
    }
}
