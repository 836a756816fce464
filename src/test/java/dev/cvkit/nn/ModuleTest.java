package dev.cvkit.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cvkit.tensor.Tensor;
import dev.cvkit.testing.Fixtures;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ModuleTest {
    @Test
    void namesJoinWithDotsLikePyTorch() {
        Sequential s = new Sequential(new Conv2d(3, 4, 3), BatchNorm.bn2d(4), Activation.relu(), new Sequential(new Linear(2, 3)));
        assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias", "3.0.weight", "3.0.bias"),
                List.copyOf(s.namedParameters().keySet()));
        assertTrue(s.stateDict().keySet().containsAll(List.of("1.running_mean", "1.running_var", "1.num_batches_tracked")));
    }

    @Test
    void loadStateDictChecksNamesAndShapes() {
        Linear l = new Linear(2, 3);
        Map<String, Tensor> sd = new HashMap<>();
        sd.put("weight", Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2));
        sd.put("bias", Tensor.of(new float[] {7, 8, 9}, 3));
        l.loadStateDict(sd);
        assertEquals(6f, l.weight.data()[5]);
        sd.put("extra", Tensor.zeros(1));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> l.loadStateDict(sd)).getMessage().contains("unexpected weights: extra"));
        sd.remove("extra");
        sd.put("bias", Tensor.zeros(4));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> l.loadStateDict(sd)).getMessage().contains("bias: shape [4]"));
        sd.remove("bias");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> l.loadStateDict(sd)).getMessage().contains("missing weights: bias"));
    }

    @Test
    void foldedBatchNormEqualsConvThenBatchNorm() {
        Random r = new Random(3);
        Conv2d conv = new Conv2d(3, 5, 3, 2, 1);
        BatchNorm bn = BatchNorm.bn2d(5);
        for (Tensor t : List.of(bn.weight, bn.bias, bn.runningMean)) System.arraycopy(Tensor.randn(r, 5).data(), 0, t.data(), 0, 5);
        for (int i = 0; i < 5; i++) bn.runningVar.data()[i] = 0.5f + r.nextFloat();
        bn.eval();
        Tensor x = Tensor.randn(r, 2, 3, 9, 9);
        try (var g = Tensor.noGrad()) {
            float[] ref = bn.forward(conv.forward(x)).data();
            Fixtures.assertClose(ref, bn.foldInto(conv).forward(x).data(), 1e-5f, 1e-5f, "folded");
            Fixtures.assertClose(ref, conv.forwardFused(x, bn, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY).data(), 1e-5f, 1e-5f, "fused");
        }
    }

    @Test
    void inferenceMaxPoolEqualsIndexedMaxPool() {
        Tensor x = Tensor.randn(new Random(9), 2, 3, 11, 10);
        int[][] cfg = {{2, 2, 0, 0}, {3, 2, 1, 0}, {3, 2, 0, 1}, {3, 1, 1, 0}, {5, 3, 2, 1}};
        for (int[] c : cfg) {
            float[] ref = Functional.maxPool2d(x, c[0], c[0], c[1], c[1], c[2], c[2], c[3] == 1).output().data();
            try (var g = Tensor.noGrad()) {
                Functional.Pooled fast = Functional.maxPool2d(x, c[0], c[0], c[1], c[1], c[2], c[2], c[3] == 1, false);
                org.junit.jupiter.api.Assertions.assertArrayEquals(ref, fast.output().data(), java.util.Arrays.toString(c));
            }
        }
    }

    @Test
    void padAndCropByHand() {
        // [[1,2],[3,4]] padded top 0, bottom 1, left 1, right 0 → [[0,1,2],[0,3,4],[0,0,0]]
        Tensor x = Tensor.param(new float[] {1, 2, 3, 4}, 1, 1, 2, 2);
        Tensor y = Functional.pad(x, 0, 1, 1, 0);
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {1, 1, 3, 3}, y.shape());
        org.junit.jupiter.api.Assertions.assertArrayEquals(new float[] {0, 1, 2, 0, 3, 4, 0, 0, 0}, y.data());
        y.backward(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        org.junit.jupiter.api.Assertions.assertArrayEquals(new float[] {2, 3, 5, 6}, x.grad());
        // negative amounts crop: drop the first row and the last column → [[3]]
        org.junit.jupiter.api.Assertions.assertArrayEquals(new float[] {3}, Functional.pad(x.detach(), -1, 0, 0, -1).data());
    }
}
