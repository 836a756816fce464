package dev.cvkit.proposals;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ProposalMapperTest {
    @Test
    void mapsBackClipsFiltersAndTruncates() {
        int[][] small = {{10, 10, 20, 20}, {45, 0, 10, 10}, {0, 0, 2, 2}, {10, 10, 20, 20}, {1, 1, 5, 5}};
        int[][] big = ProposalMapper.toOriginal(small, 0.5, 0.5, 100, 60, 5, 0);
        assertEquals(3, big.length); // the 4-pixel box is dropped; the repeated box appears once
        assertArrayEquals(new int[] {20, 20, 40, 40}, big[0]);
        assertArrayEquals(new int[] {90, 0, 10, 20}, big[1]); // clipped at the right border
        assertArrayEquals(new int[] {2, 2, 10, 10}, big[2]);
        assertEquals(1, ProposalMapper.toOriginal(small, 0.5, 0.5, 100, 60, 0, 1).length);
    }
}
