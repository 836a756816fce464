package dev.cvkit.image;

import java.util.ArrayList;
import java.util.List;

/**
 * Where the tags of boxes go so that none covers another: tags are placed in priority order
 * (best score first), each at the first free spot among above its box, inside its top, below it
 * and inside its bottom, else slid down and then up from above its box until it is free. A tag
 * that finds no free spot (more tags than room) keeps the first spot. Everything stays inside
 * the image. Pure arithmetic, so the rule is tested without drawing.
 */
public final class LabelLayout {
    /** An axis-aligned rectangle in pixels: x and y of the top-left corner, width and height. */
    public record Rect(int x, int y, int w, int h) {
        public boolean overlaps(Rect o) {
            return x < o.x + o.w && o.x < x + w && y < o.y + o.h && o.y < y + h;
        }

        public boolean inside(int width, int height) {
            return x >= 0 && y >= 0 && x + w <= width && y + h <= height;
        }
    }

    private LabelLayout() {}

    /**
     * Tag rectangles for {@code boxes} (in priority order), tag {@code i} of size {@code sizes[i]}
     * ({w, h}), in an image of {@code width × height}.
     */
    public static List<Rect> place(int width, int height, List<Rect> boxes, List<int[]> sizes) {
        List<Rect> placed = new ArrayList<>();
        for (int i = 0; i < boxes.size(); i++) {
            Rect b = boxes.get(i);
            int w = Math.min(sizes.get(i)[0], width), h = Math.min(sizes.get(i)[1], height);
            List<Rect> candidates = new ArrayList<>();
            candidates.add(clamp(b.x, b.y - h, w, h, width, height));           // above the box
            candidates.add(clamp(b.x, b.y, w, h, width, height));               // inside, at the top
            candidates.add(clamp(b.x, b.y + b.h, w, h, width, height));         // below the box
            candidates.add(clamp(b.x, b.y + b.h - h, w, h, width, height));     // inside, at the bottom
            Rect first = candidates.get(0);
            for (int y = first.y + h; y + h <= height; y += h) {                 // then slide down...
                candidates.add(clamp(first.x, y, w, h, width, height));
            }
            for (int y = first.y - h; y >= 0; y -= h) {                          // ...and up
                candidates.add(clamp(first.x, y, w, h, width, height));
            }
            Rect chosen = first;
            for (Rect c : candidates) {
                if (free(c, placed)) {
                    chosen = c;
                    break;
                }
            }
            placed.add(chosen);
        }
        return placed;
    }

    private static boolean free(Rect r, List<Rect> placed) {
        for (Rect p : placed) {
            if (r.overlaps(p)) {
                return false;
            }
        }
        return true;
    }

    private static Rect clamp(int x, int y, int w, int h, int width, int height) {
        return new Rect(Math.max(0, Math.min(x, width - w)), Math.max(0, Math.min(y, height - h)), w, h);
    }
}
