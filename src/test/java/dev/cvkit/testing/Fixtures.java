package dev.cvkit.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cvkit.io.SafeTensors;
import dev.cvkit.tensor.Tensor;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.zip.CRC32;

/** Loading the PyTorch fixtures and comparing with tolerances. */
public final class Fixtures {
    private Fixtures() {}

    public static Path path(String resource) {
        try {
            return Path.of(Fixtures.class.getResource("/fixtures/" + resource).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing fixture " + resource + " (run tools/fixtures/*.py)", e);
        }
    }

    public static SafeTensors.Contents load(String resource) {
        return SafeTensors.read(path(resource));
    }

    /** |actual − expected| ≤ atol + rtol·|expected| for every value, shapes equal. */
    public static void assertClose(Tensor expected, float[] actual, int[] actualShape, float rtol, float atol, String what) {
        assertArrayEquals(squeeze(expected.shape()), squeeze(actualShape), what + ": shape");
        assertClose(expected.data(), actual, rtol, atol, what);
    }

    public static void assertClose(float[] expected, float[] actual, float rtol, float atol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            float e = expected[i], a = actual[i];
            if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) {
                fail(what + "[" + i + "]: expected " + e + " got " + a + " (rtol " + rtol + ", atol " + atol + ")");
            }
        }
    }

    private static int[] squeeze(int[] s) {
        return s.length == 1 && s[0] == 1 ? new int[0] : s;
    }

    /** Same as the fixture script's splitmix_uniform: bit-identical uniform values in [-1, 1). */
    public static float[] splitmixUniform(String name, int n) {
        CRC32 crc = new CRC32();
        crc.update(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        long seed = crc.getValue();
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            long z = seed + i + 0x9E3779B97F4A7C15L;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            z = z ^ (z >>> 31);
            float u = (float) (z >>> 40) / (float) (1 << 24);
            out[i] = 2f * u - 1f;
        }
        return out;
    }

    public static double maxAbs(float[] a) {
        double m = 0;
        for (float v : a) m = Math.max(m, Math.abs(v));
        return m;
    }

    /** A fixture's integer tensor (stored as int64, read as floats) as ints. */
    public static int[] ints(Tensor t) {
        float[] d = t.data();
        int[] r = new int[d.length];
        for (int i = 0; i < d.length; i++) r[i] = (int) d[i];
        return r;
    }

    /** The entries of a fixture's state dict under {@code prefix}, with the prefix removed (a submodule's weights). */
    public static java.util.Map<String, Tensor> prefixed(java.util.Map<String, Tensor> all, String prefix) {
        java.util.Map<String, Tensor> m = new java.util.LinkedHashMap<>();
        all.forEach((k, v) -> {
            if (k.startsWith(prefix)) m.put(k.substring(prefix.length()), v);
        });
        return m;
    }

    /**
     * Asserts that {@code model}'s state dict has exactly the names and shapes listed in a
     * fixture written by a tools/fixtures script ({"state_dict": {name: shape}}): torchvision's
     * checkpoints for that model then map one to one.
     */
    public static void assertStateDictLayout(dev.cvkit.nn.Module model, String resource) {
        try {
            com.fasterxml.jackson.databind.JsonNode ref = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(path(resource).toFile()).get("state_dict");
            java.util.Map<String, String> ours = new java.util.TreeMap<>(), theirs = new java.util.TreeMap<>();
            model.stateDict().forEach((k, v) -> ours.put(k, java.util.Arrays.toString(v.shape())));
            ref.fields().forEachRemaining(e -> {
                int[] s = new int[e.getValue().size()];
                for (int i = 0; i < s.length; i++) s[i] = e.getValue().get(i).asInt();
                theirs.put(e.getKey(), java.util.Arrays.toString(s));
            });
            org.junit.jupiter.api.Assertions.assertEquals(theirs, ours, resource);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
