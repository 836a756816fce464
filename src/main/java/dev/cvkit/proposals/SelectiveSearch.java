package dev.cvkit.proposals;

import dev.cvkit.image.ColourSpace;
import dev.cvkit.image.GraphSegmenter;
import dev.cvkit.image.Gradients;
import dev.cvkit.image.Planes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Selective search (Uijlings et al., IJCV 2013). For every colour space × segmentation
 * threshold k × similarity sum of the {@link SelectiveSearchMode}, OpenCV's graph segmentation
 * gives the initial regions and {@link HierarchicalGrouping} merges them; all regions of all
 * hierarchies are pooled and ranked as in the paper: a region's place in its hierarchy (1 = the
 * last merge) times a random number in [0, 1), ascending, duplicates removed.
 *
 * <p>The random numbers come from a generator seeded by (seed, hierarchy index), so the order is
 * the same for a seed whatever the thread count (OpenCV's own implementation draws them from the
 * C library's global rand(), which makes its order depend on what ran before in the process).
 */
public final class SelectiveSearch implements Proposer {
    private final SelectiveSearchMode mode;
    private final long seed;

    public SelectiveSearch(SelectiveSearchMode mode, long seed) {
        this.mode = mode;
        this.seed = seed;
    }

    @Override
    public int[][] propose(Mat bgr) {
        int w = bgr.cols();
        int h = bgr.rows();
        long imageSize = (long) w * h;
        List<double[]> ranked = new ArrayList<>(); // {rank, hierarchy, index, x, y, w, h}
        int hierarchy = 0;
        for (ColourSpace cs : mode.colourSpaces()) {
            Planes planes = cs.convert(bgr);
            byte[][] tex = Gradients.orientedBins(planes, RegionSet.TEXTURE_BINS);
            for (float k : mode.ks()) {
                int[] labels = GraphSegmenter.segment(planes, SelectiveSearchMode.SIGMA, k, SelectiveSearchMode.MIN_SIZE);
                int n = relabel(labels);
                long[] edges = HierarchicalGrouping.adjacency(labels, w, h);
                for (Set<Similarity> sims : mode.similarities()) {
                    RegionSet regions = RegionSet.fromLabels(labels, n, planes, tex);
                    HierarchicalGrouping.run(regions, edges, sims, imageSize);
                    SplittableRandom rng = new SplittableRandom(mix(seed, hierarchy));
                    int total = regions.count;
                    for (int i = 0; i < total; i++) {
                        double position = total - i; // 1 for the last (largest) merge
                        ranked.add(new double[] {rng.nextDouble() * position, hierarchy, i,
                            regions.x0[i], regions.y0[i], regions.x1[i] - regions.x0[i] + 1, regions.y1[i] - regions.y0[i] + 1});
                    }
                    hierarchy++;
                }
            }
        }
        ranked.sort((p, q) -> {
            for (int j = 0; j < 3; j++) {
                int c = Double.compare(p[j], q[j]);
                if (c != 0) {
                    return c;
                }
            }
            return 0;
        });
        Set<Long> seen = new HashSet<>();
        int[][] out = new int[ranked.size()][];
        int m = 0;
        for (double[] r : ranked) {
            int x = (int) r[3];
            int y = (int) r[4];
            int bw = (int) r[5];
            int bh = (int) r[6];
            long key = (((long) x * 65536 + y) * 65536 + bw) * 65536 + bh;
            if (seen.add(key)) {
                out[m++] = new int[] {x, y, bw, bh};
            }
        }
        return Arrays.copyOf(out, m);
    }

    /** Renumbers labels to 0..n-1 in order of first appearance; returns n. */
    static int relabel(int[] labels) {
        int max = 0;
        for (int l : labels) {
            max = Math.max(max, l);
        }
        int[] map = new int[max + 1];
        Arrays.fill(map, -1);
        int n = 0;
        for (int i = 0; i < labels.length; i++) {
            int l = labels[i];
            if (map[l] < 0) {
                map[l] = n++;
            }
            labels[i] = map[l];
        }
        return n;
    }

    private static long mix(long seed, int hierarchy) {
        long z = seed * 0x9E3779B97F4A7C15L + hierarchy;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
