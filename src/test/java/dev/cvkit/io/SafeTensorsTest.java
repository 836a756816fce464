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
