package dev.cvkit.proposals;

import java.util.Arrays;
import java.util.BitSet;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Greedy hierarchical grouping (Uijlings et al. 2013, algorithm 1): repeatedly merge the two most
 * similar neighbouring regions until one remains. Every region ever formed is a proposal; its
 * creation order is its place in the hierarchy. Ties break on region indices, so the result is
 * a pure function of the input.
 */
final class HierarchicalGrouping {
    private HierarchicalGrouping() {}

    private record Pair(float sim, int a, int b) {}

    /** Runs the grouping in place: on return {@code regions.count} is 2N−1 (for a connected image). */
    static void run(RegionSet regions, long[] edges, Set<Similarity> sims, long imageSize) {
        int n = regions.count;
        int cap = regions.capacity;
        IntList[] neighbours = new IntList[cap];
        for (int i = 0; i < n; i++) {
            neighbours[i] = new IntList();
        }
        PriorityQueue<Pair> queue = new PriorityQueue<>(Math.max(16, edges.length), (p, q) -> {
            int c = Float.compare(q.sim, p.sim);
            if (c != 0) {
                return c;
            }
            c = Integer.compare(p.a, q.a);
            return c != 0 ? c : Integer.compare(p.b, q.b);
        });
        for (long e : edges) {
            int a = (int) (e >>> 32);
            int b = (int) e;
            neighbours[a].add(b);
            neighbours[b].add(a);
            queue.add(new Pair(similarity(regions, a, b, sims, imageSize), a, b));
        }
        BitSet dead = new BitSet(cap);
        while (!queue.isEmpty()) {
            Pair p = queue.poll();
            if (dead.get(p.a) || dead.get(p.b)) {
                continue;
            }
            int t = regions.merge(p.a, p.b);
            dead.set(p.a);
            dead.set(p.b);
            IntList merged = new IntList();
            for (IntList src : new IntList[] {neighbours[p.a], neighbours[p.b]}) {
                for (int i = 0; i < src.size; i++) {
                    int k = src.data[i];
                    if (!dead.get(k) && !merged.contains(k)) {
                        merged.add(k);
                    }
                }
            }
            neighbours[t] = merged;
            neighbours[p.a] = null;
            neighbours[p.b] = null;
            for (int i = 0; i < merged.size; i++) {
                int k = merged.data[i];
                neighbours[k].removeValue(p.a);
                neighbours[k].removeValue(p.b);
                neighbours[k].add(t);
                queue.add(new Pair(similarity(regions, k, t, sims, imageSize), k, t));
            }
        }
    }

    static float similarity(RegionSet r, int a, int b, Set<Similarity> sims, long imageSize) {
        float s = 0f;
        if (sims.contains(Similarity.COLOUR)) {
            s += RegionSet.intersection(r.colour, r.colourDims, a, b);
        }
        if (sims.contains(Similarity.TEXTURE)) {
            s += RegionSet.intersection(r.texture, r.textureDims, a, b);
        }
        if (sims.contains(Similarity.SIZE)) {
            s += 1f - (float) ((r.size[a] + (double) r.size[b]) / imageSize);
        }
        if (sims.contains(Similarity.FILL)) {
            s += 1f - (float) ((r.boxArea(a, b) - (double) r.size[a] - r.size[b]) / imageSize);
        }
        return s;
    }

    /** Neighbouring segment pairs (a < b, packed a<<32|b), sorted, from 8-connectivity. */
    static long[] adjacency(int[] labels, int width, int height) {
        long[] buf = new long[1024];
        int n = 0;
        for (int y = 0; y < height; y++) {
            int row = y * width;
            for (int x = 0; x < width; x++) {
                int l = labels[row + x];
                int[] others = {
                    x + 1 < width ? labels[row + x + 1] : l,
                    y + 1 < height ? labels[row + width + x] : l,
                    x + 1 < width && y + 1 < height ? labels[row + width + x + 1] : l,
                    x > 0 && y + 1 < height ? labels[row + width + x - 1] : l
                };
                for (int o : others) {
                    if (o != l) {
                        if (n == buf.length) {
                            buf = Arrays.copyOf(buf, n * 2);
                        }
                        buf[n++] = l < o ? ((long) l << 32) | o : ((long) o << 32) | l;
                    }
                }
            }
        }
        long[] edges = Arrays.copyOf(buf, n);
        Arrays.sort(edges);
        int u = 0;
        for (int i = 0; i < n; i++) {
            if (u == 0 || edges[u - 1] != edges[i]) {
                edges[u++] = edges[i];
            }
        }
        return Arrays.copyOf(edges, u);
    }

    /** A small growable int list; neighbour lists are short. */
    static final class IntList {
        int[] data = new int[8];
        int size;

        void add(int v) {
            if (size == data.length) {
                data = Arrays.copyOf(data, size * 2);
            }
            data[size++] = v;
        }

        boolean contains(int v) {
            for (int i = 0; i < size; i++) {
                if (data[i] == v) {
                    return true;
                }
            }
            return false;
        }

        void removeValue(int v) {
            for (int i = 0; i < size; i++) {
                if (data[i] == v) {
                    data[i] = data[--size];
                    return;
                }
            }
        }
    }
}
