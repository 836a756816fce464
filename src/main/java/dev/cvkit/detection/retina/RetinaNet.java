package dev.cvkit.detection.retina;

import dev.cvkit.detection.rcnn.Backbone;
import dev.cvkit.detection.rcnn.FeaturePyramid;
import dev.cvkit.detection.targets.AnchorGenerator;
import dev.cvkit.nn.Container;
import dev.cvkit.nn.Sequential;
import dev.cvkit.structures.ScoredBoxes;
import dev.cvkit.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * RetinaNet (Lin et al. 2017) assembled as torchvision's {@code RetinaNet}: the backbone's last
 * three levels (C3–C5) → {@link FeaturePyramid} P3–P7 (P6 and P7 from P5) → the shared
 * {@link RetinaHead} over {@link AnchorGenerator} anchors (per level: its sizes × aspect ratios)
 * → {@link RetinaLosses} in training, {@link RetinaDecoder} at test. Parameter names are
 * torchvision's ({@code backbone.body.*}, {@code backbone.fpn.*}, {@code head.*}). Images come
 * transformed and padded as one batch, with each image's own size for clipping.
 */
public final class RetinaNet extends Container {
    private final Backbone backbone;
    private final FeaturePyramid fpn;
    private final RetinaHead head;
    private final AnchorGenerator anchors;
    private final int classes, topkCandidates;

    /**
     * @param anchorSizes per level P3–P7, the anchor sizes of that level
     * @param classes object classes K (no background class: the focal loss scores each alone)
     * @param topkCandidates candidates per level kept before NMS at test (torchvision: 1000)
     * @param headGroupNorm the v2 head, with GroupNorm (see {@link RetinaHead})
     */
    public RetinaNet(Backbone backbone, int fpnChannels, float[][] anchorSizes, float[] aspectRatios, int classes, int topkCandidates,
                     boolean headGroupNorm) {
        int[] ch = backbone.channels();
        if (ch.length < 3 || anchorSizes.length != 5) {
            throw new IllegalArgumentException("RetinaNet: needs 3 backbone levels and 5 anchor levels, got " + ch.length + " and " + anchorSizes.length);
        }
        float[][] ratios = new float[5][];
        for (int l = 0; l < 5; l++) {
            ratios[l] = aspectRatios;
            if (anchorSizes[l].length != anchorSizes[0].length) throw new IllegalArgumentException("RetinaNet: every level needs as many anchor sizes");
        }
        this.anchors = new AnchorGenerator(anchorSizes, ratios);
        this.backbone = backbone;
        this.fpn = new FeaturePyramid(java.util.Arrays.copyOfRange(ch, ch.length - 3, ch.length), fpnChannels, FeaturePyramid.Extra.P6P7,
                fpnChannels);
        child("backbone", new Sequential().add("body", backbone).add("fpn", fpn));
        this.head = child("head", new RetinaHead(fpnChannels, anchors.perPosition(0), classes, headGroupNorm));
        this.classes = classes;
        this.topkCandidates = topkCandidates;
    }

    /** The head's outputs on P3–P7, and one image's anchors for this batch. */
    private record Forward(RetinaHead.Output head, float[] anchors) {}

    private Forward run(Tensor images) {
        List<Tensor> c = backbone.levels(images);
        List<Tensor> p = fpn.forwardLevels(c.subList(c.size() - 3, c.size()));
        int[] gh = new int[p.size()], gw = new int[p.size()];
        for (int l = 0; l < p.size(); l++) {
            gh[l] = p.get(l).size(2);
            gw[l] = p.get(l).size(3);
        }
        return new Forward(head.forwardLevels(p), anchors.anchors(images.size(2), images.size(3), gh, gw));
    }

    /**
     * torchvision's two losses, "classification" (focal) and "bbox_regression" (L1), whose sum
     * is the objective.
     *
     * @param gtBoxes per image [G·4] in batch coordinates; {@code gtLabels} per image, classes 0 … K−1
     */
    public Map<String, Tensor> losses(Tensor images, List<float[]> gtBoxes, List<int[]> gtLabels) {
        Forward f = run(images);
        RetinaLosses.Pair l = RetinaLosses.compute(f.head(), classes, f.anchors(), gtBoxes, gtLabels);
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("classification", l.classification());
        out.put("bbox_regression", l.regression());
        return out;
    }

    /** Detections per image in batch coordinates (labels 0 … K−1), with this call's score and NMS thresholds and count. */
    public List<ScoredBoxes> detect(Tensor images, int[][] imageSizes, float score, float nms, int perImage) {
        try (var g = Tensor.noGrad()) {
            Forward f = run(images);
            return new RetinaDecoder(score, nms, topkCandidates, perImage).decode(f.head(), classes, f.anchors(), imageSizes);
        }
    }

    public int classes() { return classes; }
}
