package dev.cvkit.proposals;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/** Maps boxes from a resized image back to the original pixel grid, filters and truncates. */
public final class ProposalMapper {
    private ProposalMapper() {}

    /**
     * @param boxes   XYWH in the resized image, ranked
     * @param scaleX  resized width / original width
     * @param scaleY  resized height / original height
     * @param width   original width
     * @param height  original height
     * @param minSize drop boxes narrower or lower than this (original pixels)
     * @param top     keep at most this many (0 = all)
     * @return XYWH in original pixels, rank order kept, duplicates created by rounding removed
     */
    public static int[][] toOriginal(int[][] boxes, double scaleX, double scaleY, int width, int height, int minSize, int top) {
        int limit = top <= 0 ? boxes.length : Math.min(top, boxes.length);
        int[][] out = new int[limit][];
        Set<Long> seen = new HashSet<>();
        int n = 0;
        for (int[] b : boxes) {
            if (n == limit) {
                break;
            }
            int x0 = clamp((int) Math.round(b[0] / scaleX), width - 1);
            int y0 = clamp((int) Math.round(b[1] / scaleY), height - 1);
            int x1 = Math.max(x0 + 1, Math.min(width, (int) Math.round((b[0] + b[2]) / scaleX)));
            int y1 = Math.max(y0 + 1, Math.min(height, (int) Math.round((b[1] + b[3]) / scaleY)));
            int w = x1 - x0;
            int h = y1 - y0;
            if (w < minSize || h < minSize) {
                continue;
            }
            long key = (((long) x0 * 65536 + y0) * 65536 + w) * 65536 + h;
            if (seen.add(key)) {
                out[n++] = new int[] {x0, y0, w, h};
            }
        }
        return Arrays.copyOf(out, n);
    }

    private static int clamp(int v, int max) {
        return Math.max(0, Math.min(max, v));
    }
}
