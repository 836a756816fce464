package dev.cvkit.data.detect;

import java.util.Locale;

/** The five shapes of the generated data set, as polygons around a centre. */
public enum Shape {
    CIRCLE, SQUARE, TRIANGLE, STAR, HEXAGON;

    /** The class name ("circle", …). */
    public String label() { return name().toLowerCase(Locale.ROOT); }

    /**
     * Vertices {x0, y0, x1, y1, …} of this shape with circumradius {@code r} around (cx, cy),
     * turned by {@code angle} radians; a circle is a 48-gon, a star has 5 points with inner
     * radius 0.45 r.
     */
    public double[] polygon(double cx, double cy, double r, double angle) {
        int n = switch (this) {
            case CIRCLE -> 48;
            case SQUARE -> 4;
            case TRIANGLE -> 3;
            case STAR -> 10;
            case HEXAGON -> 6;
        };
        double[] xy = new double[2 * n];
        for (int k = 0; k < n; k++) {
            double rr = this == STAR && k % 2 == 1 ? 0.45 * r : r;
            double a = angle + 2 * Math.PI * k / n - Math.PI / 2;
            xy[2 * k] = cx + rr * Math.cos(a);
            xy[2 * k + 1] = cy + rr * Math.sin(a);
        }
        return xy;
    }
}
