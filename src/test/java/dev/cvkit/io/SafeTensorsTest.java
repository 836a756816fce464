package dev.cvkit.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cvkit.UserError;
import dev.cvkit.tensor.Tensor;
import dev.cvkit.testing.Fixtures;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {
    @TempDir
    Path dir;

    @Test
    void roundTrip() throws Exception {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("a.weight", Tensor.of(new float[] {1, -2.5f, 3, 4, 5, 6}, 2, 3));
        m.put("a.bias", Tensor.of(new float[] {Float.MIN_VALUE, -0f}, 2));
        m.put("count", Tensor.of(new float[] {7}));
        Path f = dir.resolve("m.safetensors");
        SafeTensors.write(f, m, Map.of("config", "{\"architecture\":\"lenet5\"}"));
        SafeTensors.Contents c = SafeTensors.read(f);
        assertEquals(m.keySet(), c.tensors().keySet());
        for (String k : m.keySet()) {
            assertArrayEquals(m.get(k).shape(), c.tensors().get(k).shape());
            assertArrayEquals(m.get(k).data(), c.tensors().get(k).data());
        }
        assertEquals("{\"architecture\":\"lenet5\"}", c.config());
    }

    @Test
    void readsFileWrittenByPython() {
        SafeTensors.Contents c = Fixtures.load("nn/dtypes.safetensors");
        assertArrayEquals(new int[] {2, 3}, c.tensors().get("f32").shape());
        assertArrayEquals(new float[] {0.5f, -1.25f, 3f, 65504f, 1e-3f, -0f}, c.tensors().get("f32").data());
        // numpy's float16 and torch's bfloat16 conversions, read back as float32 by Python
        assertArrayEquals(c.tensors().get("f16_as_f32").data(), c.tensors().get("f16").data());
        assertArrayEquals(c.tensors().get("bf16_as_f32").data(), c.tensors().get("bf16").data());
        assertArrayEquals(new float[] {7, -3}, c.tensors().get("i64").data());
        assertTrue(c.config().contains("\"architecture\""));
        assertEquals("pt", c.metadata().get("format"));
    }

    @Test
    void halfConversionRoundTripsEveryHalfExactly() {
        for (int h = 0; h < 0x10000; h++) {
            float f = SafeTensors.halfToFloat((short) h);
            assertEquals(h, SafeTensors.floatToHalf(f) & 0xffff, "half 0x" + Integer.toHexString(h));
        }
    }

    @Test
    void floatToHalfRoundsToNearestEven() {
        // hand-worked: halves near 1 are 2^-10 apart, near 65504 (the largest) 32 apart, subnormals 2^-24
        assertEquals(1f, half(1 + 0x1p-11f)); // tie, 1.0 has the even mantissa
        assertEquals(1 + 0x1p-9f, half(1 + 3 * 0x1p-11f)); // tie between mantissas 1 and 2: 2
        assertEquals(1 + 0x1p-10f, half(1 + 0x1p-11f + 0x1p-20f)); // just above the tie
        assertEquals(65504f, half(65519f));
        assertEquals(Float.POSITIVE_INFINITY, half(65520f)); // tie between 65504 (odd) and 65536: up, beyond the range
        assertEquals(Float.NEGATIVE_INFINITY, half(-1e6f));
        assertEquals(0f, half(0x1p-25f)); // tie between 0 and the smallest subnormal: 0
        assertEquals(0x1p-24f, half(0x1p-25f + 0x1p-30f));
        assertEquals(0x1p-23f, half(3 * 0x1p-25f)); // tie between 1 and 2 units: 2
        assertEquals(0x1p-14f, half(0x1p-14f - 0x1p-26f)); // rounds up from the subnormals to the smallest normal
        assertTrue(Float.isNaN(half(Float.NaN)));
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(half(-1e-30f)));
        // numpy's float16 conversion of the fixture's values (one of them, 1e-3, is not a half)
        SafeTensors.Contents c = Fixtures.load("nn/dtypes.safetensors");
        float[] f32 = c.tensors().get("f32").data(), numpy = c.tensors().get("f16_as_f32").data();
        for (int i = 0; i < f32.length; i++) {
            assertEquals(numpy[i], half(f32[i]));
        }
    }

    private static float half(float f) {
        return SafeTensors.halfToFloat(SafeTensors.floatToHalf(f));
    }

    @Test
    void writesF16AndQuantisedU8() throws Exception {
        double scale = 0.0123456789, min = -1.5;
        float[] q = new float[256];
        for (int i = 0; i < 256; i++) q[i] = (float) (i * scale + min); // tfjs-core's dequantisation
        float[] halves = {1f, -0.33325195f, 65504f, 0x1p-24f, 0f};
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("q", Tensor.of(q.clone(), 16, 16));
        m.put("h", Tensor.of(halves.clone(), 5));
        m.put("f", Tensor.of(new float[] {0.1f}, 1));
        Path f = dir.resolve("c.safetensors");
        SafeTensors.write(f, m, Map.of("config", "{}"), Map.of("q", SafeTensors.Storage.u8(scale, min), "h", SafeTensors.Storage.F16));
        assertEquals(8 + headerLength(f) + 256 + 2 * 5 + 4, Files.size(f));
        SafeTensors.Contents c = SafeTensors.read(f);
        assertBitsEqual(q, c.tensors().get("q").data());
        assertBitsEqual(halves, c.tensors().get("h").data());
        assertArrayEquals(new int[] {16, 16}, c.tensors().get("q").shape());
        assertEquals(0.1f, c.tensors().get("f").data()[0]);
        String header = new String(Files.readAllBytes(f), 8, (int) headerLength(f), StandardCharsets.UTF_8);
        assertTrue(header.contains("\"dtype\":\"U8\"") && header.contains("\"dtype\":\"F16\""), header);
        assertEquals(Map.of("q", Map.of("scale", scale, "min", min)),
                new com.fasterxml.jackson.databind.ObjectMapper().readValue(c.metadata().get(SafeTensors.QUANTIZATION_KEY), Map.class));
        // quantisation is kept, never introduced: a value no code gives is refused
        assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(dir.resolve("x.safetensors"),
                Map.of("q", Tensor.of(new float[] {0.5f}, 1)), Map.of(), Map.of("q", SafeTensors.Storage.u8(scale, min))));
    }

    @Test
    void rejectsInconsistentQuantisation() throws Exception {
        String u8 = "\"w\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4]}";
        String f32 = "\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}";
        String params = "\"__metadata__\":{\"quantization\":\"{\\\"w\\\":{\\\"scale\\\":0.5,\\\"min\\\":-1}}\"}";
        assertBad(file("{" + u8 + "}", 4), "is U8 but __metadata__.quantization has no scale/min");
        assertBad(file("{" + f32 + "," + params + "}", 4), "which is F32 (only U8 tensors are quantised)");
        assertBad(file("{\"v\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4]}," + params + "}", 4), "not a tensor of this file");
        assertBad(file("{" + u8 + ",\"__metadata__\":{\"quantization\":\"{\\\"w\\\":{\\\"scale\\\":\\\"x\\\"}}\"}}", 4), "finite numbers");
        // the well-formed file reads: codes 0,1,2,255 -> q * 0.5 - 1
        Path ok = dir.resolve("ok.safetensors");
        byte[] b = file("{" + u8 + "," + params + "}", 4);
        b[b.length - 4] = 0; b[b.length - 3] = 1; b[b.length - 2] = 2; b[b.length - 1] = (byte) 255;
        Files.write(ok, b);
        assertArrayEquals(new float[] {-1f, -0.5f, 0f, 126.5f}, SafeTensors.read(ok).tensors().get("w").data());
    }

    private static long headerLength(Path f) throws Exception {
        return ByteBuffer.wrap(Files.readAllBytes(f), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    private static void assertBitsEqual(float[] want, float[] got) {
        assertEquals(want.length, got.length);
        for (int i = 0; i < want.length; i++) {
            assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), "element " + i);
        }
    }

    @Test
    void rejectsBadFilesWithOneLineErrors() throws Exception {
        Path good = dir.resolve("g.safetensors");
        SafeTensors.write(good, Map.of("w", Tensor.of(new float[] {1, 2, 3, 4}, 4)), Map.of());
        byte[] bytes = Files.readAllBytes(good);

        assertBad(Arrays.copyOf(bytes, bytes.length - 3), "truncated");
        assertBad(Arrays.copyOf(bytes, 5), "too short");
        byte[] huge = bytes.clone();
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putLong(0, Long.MAX_VALUE - 1);
        assertBad(huge, "impossible");
        assertBad(file("{\"w\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]}}", 8), "unsupported dtype");
        assertBad(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8), "needs 12");
        assertBad(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"v\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8), "overlap");
        assertBad(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4), "invalid shape");
        assertBad(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1000000000,1000000000],\"data_offsets\":[0,4]}}", 4), "too large");
        assertBad(file("{not json", 0), "not valid JSON");
    }

    private byte[] file(String header, int dataBytes) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        return b.array();
    }

    private void assertBad(byte[] content, String expected) throws Exception {
        Path f = dir.resolve("bad.safetensors");
        Files.write(f, content);
        UserError e = assertThrows(UserError.class, () -> SafeTensors.read(f));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
        assertEquals(-1, e.getMessage().indexOf('\n'));
    }
}
