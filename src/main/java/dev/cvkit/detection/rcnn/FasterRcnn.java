package dev.cvkit.detection.rcnn;

import dev.cvkit.detection.targets.AnchorGenerator;
import dev.cvkit.detection.targets.AnchorOrder;
import dev.cvkit.detection.targets.BoxCoder;
import dev.cvkit.detection.targets.Matcher;
import dev.cvkit.nn.Container;
import dev.cvkit.nn.Module;
import dev.cvkit.structures.ScoredBoxes;
import dev.cvkit.tensor.Parallel;
import dev.cvkit.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Faster R-CNN with a feature pyramid (Ren et al. 2015; Lin et al. 2017), assembled as
 * torchvision's {@code FasterRCNN}: backbone → {@link FeaturePyramid} → {@link RpnHead} over
 * {@link AnchorGenerator} anchors → {@link RegionProposals} → {@link RoiBoxHead}. Training
 * returns its four losses (RPN objectness and box, box-head class and box), whose sum is the
 * objective; inference returns detections per image.
 *
 * <p>Images come batched and padded to one size ([N, 3, H, W]) with each image's own size, so
 * images of different sizes share a batch; proposals are clipped to each image's size.
 * Resizing and normalising images are the caller's (torchvision's GeneralizedRCNNTransform).
 */
public final class FasterRcnn extends Container {
    private final Backbone backbone;
    private final FeaturePyramid fpn;
    private final RpnHead rpnHead;
    private final RoiBoxHead boxHead;
    private final MaskHead maskHead;
    private final AnchorGenerator anchors;
    private final Settings settings;
    private final Matcher rpnMatcher = new Matcher(0.7f, 0.3f, true), boxMatcher = new Matcher(0.5f, 0.5f, false);
    private final BoxCoder rpnCoder = new BoxCoder(1f, 1f, 1f, 1f), boxCoder = new BoxCoder(10f, 10f, 5f, 5f);

    /**
     * Sizes and counts, torchvision's names and defaults in brackets: RPN proposals kept before
     * and after NMS in training (2000, 2000) and at test (1000, 1000), anchors sampled per image
     * (256, half positive), RoIs sampled per image (512, a quarter positive), fc width (1024),
     * RoI Align sampling ratio of the box head (2), anchor aspect ratios (0.5, 1, 2).
     */
    public record Settings(int trainPreNms, int trainPostNms, int testPreNms, int testPostNms, int rpnBatch,
                           int roiBatch, int representation, int samplingRatio, float[] aspectRatios) {
        public Settings {
            if (trainPreNms < 1 || trainPostNms < 1 || testPreNms < 1 || testPostNms < 1 || rpnBatch < 1 || roiBatch < 1
                    || representation < 1 || samplingRatio < 0 || aspectRatios.length == 0) {
                throw new IllegalArgumentException("Faster R-CNN settings out of range: " + java.util.Arrays.toString(
                        new int[] {trainPreNms, trainPostNms, testPreNms, testPostNms, rpnBatch, roiBatch, representation, samplingRatio}));
            }
            for (float r : aspectRatios) {
                if (!(r > 0 && r < 100)) throw new IllegalArgumentException("Faster R-CNN: aspect ratio " + r);
            }
            aspectRatios = aspectRatios.clone();
        }

        public Settings(int trainPreNms, int trainPostNms, int testPreNms, int testPostNms, int rpnBatch, int roiBatch,
                        int representation) {
            this(trainPreNms, trainPostNms, testPreNms, testPostNms, rpnBatch, roiBatch, representation, 2,
                    new float[] {0.5f, 1f, 2f});
        }

        public static Settings torchvision() { return new Settings(2000, 2000, 1000, 1000, 256, 512, 1024); }
    }

    /**
     * @param backbone    with several levels: a feature pyramid of {@code fpnChannels} over them
     *                    plus a pooled extra level; with one (VGG-16's conv5_3): the RPN and the
     *                    box head work on that map itself, as in Ren et al.'s VGG-16 model
     * @param anchorSizes one size per pyramid level (backbone levels + the pooled extra level),
     *                    or, for any other count of levels, every size on every level
     *                    (torchvision's MobileNet FPN and single-map models)
     * @param classes including background
     */
    public FasterRcnn(Backbone backbone, int fpnChannels, float[] anchorSizes, int classes, Settings settings) {
        this(backbone, fpnChannels, anchorSizes, classes, settings, null);
    }

    /**
     * Mask R-CNN: as above with a mask branch (its channels must be fpnChannels, its classes
     * {@code classes}), registered as torchvision's roi_heads.mask_head / mask_predictor.
     */
    public FasterRcnn(Backbone backbone, int fpnChannels, float[] anchorSizes, int classes, Settings settings, MaskHead masks) {
        boolean pyramid = backbone.channels().length > 1;
        int levels = pyramid ? backbone.channels().length + 1 : 1;
        if (anchorSizes.length == 0) throw new IllegalArgumentException("Faster R-CNN: no anchor sizes");
        if (masks != null && !pyramid) throw new IllegalArgumentException("Mask R-CNN needs a feature pyramid");
        float[][] sizes = new float[levels][], ratios = new float[levels][];
        for (int l = 0; l < levels; l++) {
            sizes[l] = anchorSizes.length == levels ? new float[] {anchorSizes[l]} : anchorSizes.clone();
            ratios[l] = settings.aspectRatios();
        }
        this.anchors = new AnchorGenerator(sizes, ratios);
        this.backbone = backbone;
        this.fpn = pyramid ? new FeaturePyramid(backbone.channels(), fpnChannels, true) : null;
        int channels = pyramid ? fpnChannels : backbone.channels()[0];
        this.rpnHead = new RpnHead(channels, anchors.perPosition(0));
        // torchvision's module tree, so parameter names match its state dicts:
        // backbone.body.*, backbone.fpn.*, rpn.head.*, roi_heads.box_head.*, roi_heads.box_predictor.*
        child("backbone", pyramid ? new Group().with("body", backbone).with("fpn", fpn) : new Group().with("body", backbone));
        child("rpn", new Group().with("head", rpnHead));
        this.boxHead = child("roi_heads", new RoiBoxHead(channels, 7, settings.samplingRatio(), settings.representation(), classes));
        this.maskHead = masks;
        if (masks != null) {
            boxHead.adopt("mask_head", masks.convLayers());
            boxHead.adopt("mask_predictor", masks.predictorLayers());
        }
        this.settings = settings;
    }

    /** The levels the RPN works on: the pyramid with its pooled extra level, or the backbone's one map. */
    private List<Tensor> features(Tensor images) {
        List<Tensor> levels = backbone.levels(images);
        return fpn == null ? levels : fpn.forwardLevels(levels);
    }

    /** The levels RoIs are pooled from: the pyramid without its extra level (torchvision: '0'–'3'), or the one map. */
    private List<Tensor> pooled(List<Tensor> p) {
        return fpn == null ? p : p.subList(0, p.size() - 1);
    }

    /** The second stage, whose score and NMS thresholds and detection count can be set. */
    public RoiBoxHead boxHead() { return boxHead; }

    /** A named container (torchvision's nesting); not run itself. */
    private static final class Group extends Container {
        Group with(String name, Module m) {
            child(name, m);
            return this;
        }
    }

    /** The four training losses by torchvision's names; their sum is the objective. */
    public Map<String, Tensor> losses(Tensor images, int[][] imageSizes, List<float[]> gtBoxes, List<int[]> gtLabels,
                                      SplittableRandom rng) {
        return losses(images, imageSizes, gtBoxes, gtLabels, null, rng);
    }

    /**
     * As above; with a mask branch and {@code gtMasks} (per image [G_i, H_i, W_i], 0/1 values)
     * also "loss_mask" on the positive sampled RoIs.
     */
    public Map<String, Tensor> losses(Tensor images, int[][] imageSizes, List<float[]> gtBoxes, List<int[]> gtLabels,
                                      List<Tensor> gtMasks, SplittableRandom rng) {
        int n = images.size(0);
        if (imageSizes.length != n || gtBoxes.size() != n || gtLabels.size() != n) {
            throw new IllegalArgumentException("Faster R-CNN: " + n + " images, " + imageSizes.length + " sizes, "
                    + gtBoxes.size() + " box lists, " + gtLabels.size() + " label lists");
        }
        List<Tensor> p = features(images);
        RpnHead.Output head = rpnHead.forwardLevels(p);
        float[] a = anchorsFor(images, p);
        int total = a.length / 4;
        // RPN losses on sampled anchors of every image (anchors in torchvision's image-major order)
        Tensor objectness = AnchorOrder.flatten(head.objectness(), 1), deltas = AnchorOrder.flatten(head.deltas(), 4);
        float[] labels = new float[n * total], targets = new float[n * total * 4];
        List<Integer> pos = new ArrayList<>(), neg = new ArrayList<>();
        BalancedSampler rpnSampler = new BalancedSampler(settings.rpnBatch(), 0.5f);
        // each image's anchor targets (IoUs, matching, encoding) on its own task; the sampling
        // draws from rng in image order after them, as before
        TrainingTargets.Assigned[] assigned = new TrainingTargets.Assigned[n];
        Parallel.forEach(n, i -> assigned[i] = TrainingTargets.rpn(a, gtBoxes.get(i), rpnMatcher, rpnCoder));
        for (int i = 0; i < n; i++) {
            TrainingTargets.Assigned t = assigned[i];
            System.arraycopy(t.labels(), 0, labels, i * total, total);
            System.arraycopy(t.targets(), 0, targets, i * total * 4, total * 4);
            BalancedSampler.Sample s = rpnSampler.sample(t.labels(), rng);
            for (int j : s.positives()) pos.add(i * total + j);
            for (int j : s.negatives()) neg.add(i * total + j);
        }
        RcnnLosses.Pair rpn = RcnnLosses.rpn(objectness, deltas, labels, targets, ints(pos), ints(neg));
        // proposals from the detached head outputs, then the box head on sampled RoIs
        List<RegionProposals.Proposals> props;
        try (var g = Tensor.noGrad()) {
            props = new RegionProposals(new RegionProposals.Params(settings.trainPreNms(), settings.trainPostNms(), 0.7f, 0f, 1e-3f))
                    .propose(detach(head.objectness()), detach(head.deltas()), a, imageSizes);
        }
        List<float[]> proposals = new ArrayList<>();
        for (RegionProposals.Proposals pr : props) proposals.add(pr.boxes());
        BoxStage st = boxStage(p, proposals, imageSizes, gtBoxes, gtLabels, rng);
        RcnnLosses.Pair box = st.losses();
        List<float[]> positiveBoxes = st.positiveBoxes();
        List<int[]> positiveMatches = st.positiveMatches();
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("loss_objectness", rpn.classification());
        out.put("loss_rpn_box_reg", rpn.box());
        out.put("loss_classifier", box.classification());
        out.put("loss_box_reg", box.box());
        if (maskHead != null && gtMasks != null) {
            Tensor logits = maskHead.logits(pooled(p), positiveBoxes, imageSizes);
            out.put("loss_mask", MaskHead.loss(logits, positiveBoxes, gtMasks, gtLabels, positiveMatches));
        }
        return out;
    }


    /** The box head's losses on sampled RoIs, and the positive RoIs with their matched ground truth (for the mask branch). */
    private record BoxStage(RcnnLosses.Pair losses, List<float[]> positiveBoxes, List<int[]> positiveMatches) {}

    /** Samples RoIs from the proposals plus the ground truth, and scores them with the box head (with autograd). */
    private BoxStage boxStage(List<Tensor> p, List<float[]> proposals, int[][] imageSizes, List<float[]> gtBoxes, List<int[]> gtLabels,
                              SplittableRandom rng) {
        BalancedSampler roiSampler = new BalancedSampler(settings.roiBatch(), 0.25f);
        List<float[]> sampledBoxes = new ArrayList<>(), positiveBoxes = new ArrayList<>();
        List<int[]> positiveMatches = new ArrayList<>();
        List<Integer> roiLabels = new ArrayList<>();
        List<Float> roiTargets = new ArrayList<>();
        for (int i = 0; i < proposals.size(); i++) {
            float[] all = TrainingTargets.withGroundTruth(proposals.get(i), gtBoxes.get(i));
            TrainingTargets.Assigned t = TrainingTargets.boxHead(proposals.get(i), gtBoxes.get(i), gtLabels.get(i), boxMatcher, boxCoder);
            BalancedSampler.Sample s = roiSampler.sample(t.labels(), rng);
            int[] rows = merge(s.positives(), s.negatives());
            float[] boxes = new float[rows.length * 4];
            List<Integer> posRows = new ArrayList<>();
            for (int k = 0; k < rows.length; k++) {
                System.arraycopy(all, 4 * rows[k], boxes, 4 * k, 4);
                roiLabels.add((int) t.labels()[rows[k]]);
                for (int c = 0; c < 4; c++) roiTargets.add(t.targets()[4 * rows[k] + c]);
                if (t.labels()[rows[k]] > 0) posRows.add(rows[k]);
            }
            sampledBoxes.add(boxes);
            float[] pb = new float[posRows.size() * 4];
            int[] pm = new int[posRows.size()];
            for (int k = 0; k < pm.length; k++) {
                System.arraycopy(all, 4 * posRows.get(k), pb, 4 * k, 4);
                pm[k] = t.matched()[posRows.get(k)];
            }
            positiveBoxes.add(pb);
            positiveMatches.add(pm);
        }
        RoiBoxHead.Scores sc = boxHead.scores(pooled(p), sampledBoxes, imageSizes);
        float[] rt = new float[roiTargets.size()];
        for (int k = 0; k < rt.length; k++) rt[k] = roiTargets.get(k);
        return new BoxStage(RcnnLosses.fastRcnn(sc.classLogits(), sc.boxRegression(), ints(roiLabels), rt), positiveBoxes, positiveMatches);
    }

    /**
     * Fast R-CNN (Girshick 2015): the box head's two losses ("loss_classifier", "loss_box_reg")
     * on proposals given per image (x1, y1, x2, y2 in batch coordinates, e.g. selective search),
     * sampled with the ground truth as in Faster R-CNN; one backbone pass for all RoIs.
     */
    public Map<String, Tensor> boxLosses(Tensor images, int[][] imageSizes, List<float[]> proposals, List<float[]> gtBoxes,
                                         List<int[]> gtLabels, SplittableRandom rng) {
        List<Tensor> p = features(images);
        RcnnLosses.Pair box = boxStage(p, proposals, imageSizes, gtBoxes, gtLabels, rng).losses();
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("loss_classifier", box.classification());
        out.put("loss_box_reg", box.box());
        return out;
    }

    /** Fast R-CNN inference: box-head detections on given proposals, with this call's thresholds. */
    public List<ScoredBoxes> detectOnProposals(Tensor images, int[][] imageSizes, List<float[]> proposals, float score, float nms,
                                               int perImage) {
        try (var g = Tensor.noGrad()) {
            List<Tensor> p = features(images);
            return boxHead.detect(pooled(p), proposals, imageSizes, score, nms, perImage);
        }
    }

    /** Detections with, for each, its mask pasted into the image ([K][H·W] probabilities per image). */
    public record Instances(ScoredBoxes detections, float[][] masks) {}

    /** Mask R-CNN inference: detections and their masks, in the coordinates of the (padded) batch. */
    public List<Instances> detectInstances(Tensor images, int[][] imageSizes) {
        if (maskHead == null) throw new IllegalStateException("this Faster R-CNN has no mask branch");
        try (var g = Tensor.noGrad()) {
            List<Tensor> p = features(images);
            List<ScoredBoxes> dets = detectOn(p, images, imageSizes);
            List<float[]> boxes = new ArrayList<>();
            List<int[]> labels = new ArrayList<>();
            for (ScoredBoxes d : dets) {
                boxes.add(d.boxes());
                labels.add(d.labels());
            }
            List<float[][]> masks = maskHead.masks(pooled(p), boxes, labels, imageSizes);
            List<Instances> out = new ArrayList<>();
            for (int i = 0; i < dets.size(); i++) out.add(new Instances(dets.get(i), masks.get(i)));
            return out;
        }
    }

    /** Detections with, for each, its class's mask map before pasting ([K][m·m] probabilities, m = {@code size}). */
    public record MaskMaps(ScoredBoxes detections, float[][] maps, int size) {}

    /**
     * Mask R-CNN inference with this call's box-head thresholds, the masks left as m×m maps so
     * that the caller pastes them at the image's own scale ({@link MaskHead#paste}), as
     * torchvision's postprocess does after resizing the boxes back.
     */
    public List<MaskMaps> detectMaskMaps(Tensor images, int[][] imageSizes, float score, float nms, int perImage) {
        if (maskHead == null) throw new IllegalStateException("this Faster R-CNN has no mask branch");
        try (var g = Tensor.noGrad()) {
            List<Tensor> p = features(images);
            List<Tensor> levels = pooled(p);
            List<ScoredBoxes> dets = boxHead.detect(levels, proposals(p, images, imageSizes), imageSizes, score, nms, perImage);
            List<float[]> boxes = new ArrayList<>();
            List<int[]> labels = new ArrayList<>();
            for (ScoredBoxes d : dets) {
                boxes.add(d.boxes());
                labels.add(d.labels());
            }
            List<float[][]> maps = maskHead.probabilities(levels, boxes, labels, imageSizes);
            List<MaskMaps> out = new ArrayList<>();
            for (int i = 0; i < dets.size(); i++) out.add(new MaskMaps(dets.get(i), maps.get(i), maskHead.maskSize()));
            return out;
        }
    }

    /** Whether this network has a mask branch (Mask R-CNN). */
    public boolean hasMasks() { return maskHead != null; }

    /** Detections per image, in the coordinates of the (padded) batch. */
    public List<ScoredBoxes> detect(Tensor images, int[][] imageSizes) {
        try (var g = Tensor.noGrad()) {
            return detectOn(features(images), images, imageSizes);
        }
    }

    /** As above with this call's box-head score and NMS thresholds and detections per image. */
    public List<ScoredBoxes> detect(Tensor images, int[][] imageSizes, float score, float nms, int perImage) {
        try (var g = Tensor.noGrad()) {
            List<Tensor> p = features(images);
            return boxHead.detect(pooled(p), proposals(p, images, imageSizes), imageSizes, score, nms, perImage);
        }
    }

    /** Proposals and box-head detections on computed pyramid levels (gradients off). */
    private List<ScoredBoxes> detectOn(List<Tensor> p, Tensor images, int[][] imageSizes) {
        return boxHead.detect(pooled(p), proposals(p, images, imageSizes), imageSizes);
    }

    /** The RPN's test-time proposals per image. */
    private List<float[]> proposals(List<Tensor> p, Tensor images, int[][] imageSizes) {
        RpnHead.Output head = rpnHead.forwardLevels(p);
        float[] a = anchorsFor(images, p);
        List<RegionProposals.Proposals> props = new RegionProposals(
                new RegionProposals.Params(settings.testPreNms(), settings.testPostNms(), 0.7f, 0f, 1e-3f))
                .propose(head.objectness(), head.deltas(), a, imageSizes);
        List<float[]> boxes = new ArrayList<>();
        for (RegionProposals.Proposals pr : props) boxes.add(pr.boxes());
        return boxes;
    }

    private float[] anchorsFor(Tensor images, List<Tensor> p) {
        int[] gh = new int[p.size()], gw = new int[p.size()];
        for (int l = 0; l < p.size(); l++) {
            gh[l] = p.get(l).size(2);
            gw[l] = p.get(l).size(3);
        }
        return anchors.anchors(images.size(2), images.size(3), gh, gw);
    }

    private static List<Tensor> detach(List<Tensor> xs) {
        List<Tensor> out = new ArrayList<>();
        for (Tensor x : xs) out.add(Tensor.of(x.data(), x.shape()));
        return out;
    }

    private static int[] ints(List<Integer> xs) {
        int[] r = new int[xs.size()];
        for (int i = 0; i < r.length; i++) r[i] = xs.get(i);
        return r;
    }

    /** Two ascending index lists merged into one ascending list (torchvision keeps sampled rows in index order). */
    private static int[] merge(int[] a, int[] b) {
        int[] r = new int[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        java.util.Arrays.sort(r);
        return r;
    }
}
