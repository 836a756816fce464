package dev.cvkit.detection.targets;

/**
 * Boxes ↔ regression deltas (dx, dy, dw, dh), as {@code torchvision.models.detection._utils.BoxCoder}
 * (R-CNN's parametrisation, Girshick et al. 2014, appendix C): with a reference box of width w,
 * height h and centre (x, y) and a target box (w', h', x', y'),
 * dx = wx·(x' − x)/w, dy = wy·(y' − y)/h, dw = ww·ln(w'/w), dh = wh·ln(h'/h).
 * Decoding clamps dw and dh at ln(1000/16) so a wild prediction cannot overflow exp.
 *
 * <p>Boxes are flat {@code [N·4]} arrays of (x1, y1, x2, y2). Arithmetic is float32 in
 * torchvision's order; exp and ln are Java's (correctly rounded from double), which can differ
 * from torch's float32 kernels by an ulp.
 */
public final class BoxCoder {
    /** torchvision's default clip for dw and dh: ln(1000 / 16). */
    public static final float DEFAULT_CLIP = (float) Math.log(1000.0 / 16);
    private final float wx, wy, ww, wh, clip;

    /** Faster R-CNN's box head uses (10, 10, 5, 5), its RPN (1, 1, 1, 1). */
    public BoxCoder(float wx, float wy, float ww, float wh) {
        this(wx, wy, ww, wh, DEFAULT_CLIP);
    }

    public BoxCoder(float wx, float wy, float ww, float wh, float clip) {
        if (!(wx > 0 && wy > 0 && ww > 0 && wh > 0)) {
            throw new IllegalArgumentException("box coder weights must be positive: " + wx + ", " + wy + ", " + ww + ", " + wh);
        }
        this.wx = wx;
        this.wy = wy;
        this.ww = ww;
        this.wh = wh;
        this.clip = clip;
    }

    /** Deltas [N·4] that move each of {@code boxes} onto the matching {@code targets} box. */
    public float[] encode(float[] targets, float[] boxes) {
        check(targets, boxes);
        float[] d = new float[boxes.length];
        for (int i = 0; i < boxes.length; i += 4) {
            float exW = boxes[i + 2] - boxes[i], exH = boxes[i + 3] - boxes[i + 1];
            float exX = boxes[i] + 0.5f * exW, exY = boxes[i + 1] + 0.5f * exH;
            float gtW = targets[i + 2] - targets[i], gtH = targets[i + 3] - targets[i + 1];
            float gtX = targets[i] + 0.5f * gtW, gtY = targets[i + 1] + 0.5f * gtH;
            d[i] = wx * (gtX - exX) / exW;
            d[i + 1] = wy * (gtY - exY) / exH;
            d[i + 2] = ww * (float) Math.log(gtW / exW);
            d[i + 3] = wh * (float) Math.log(gtH / exH);
        }
        return d;
    }

    /** Boxes [N·4] from deltas applied to {@code boxes} (the inverse of {@link #encode}). */
    public float[] decode(float[] deltas, float[] boxes) {
        check(deltas, boxes);
        float[] out = new float[boxes.length];
        for (int i = 0; i < boxes.length; i += 4) decodeInto(deltas, i, boxes, i, out, i);
        return out;
    }

    /** One box: {@code deltas[di, di + 4)} applied to {@code boxes[bi, bi + 4)}, written to {@code out[oi, oi + 4)}. */
    public void decodeInto(float[] deltas, int di, float[] boxes, int bi, float[] out, int oi) {
        float w = boxes[bi + 2] - boxes[bi], h = boxes[bi + 3] - boxes[bi + 1];
        float cx = boxes[bi] + 0.5f * w, cy = boxes[bi + 1] + 0.5f * h;
        float dx = deltas[di] / wx, dy = deltas[di + 1] / wy;
        float dw = Math.min(deltas[di + 2] / ww, clip), dh = Math.min(deltas[di + 3] / wh, clip);
        float px = dx * w + cx, py = dy * h + cy;
        float pw = (float) Math.exp(dw) * w, ph = (float) Math.exp(dh) * h;
        float hw = 0.5f * pw, hh = 0.5f * ph;
        out[oi] = px - hw;
        out[oi + 1] = py - hh;
        out[oi + 2] = px + hw;
        out[oi + 3] = py + hh;
    }

    private static void check(float[] a, float[] b) {
        if (a.length != b.length || a.length % 4 != 0) {
            throw new IllegalArgumentException("box coder: " + a.length / 4.0 + " and " + b.length / 4.0
                    + " boxes (need the same whole number of (x1, y1, x2, y2) rows)");
        }
    }
}
