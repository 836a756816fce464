package dev.cvkit.detection.rcnnsvm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cvkit.data.Seeds;
import dev.cvkit.data.detect.DetectionSet;
import dev.cvkit.image.RgbImage;
import dev.cvkit.train.Workers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * R-CNN's second and third stages on the fine-tuned CNN's features φ (fc7 here): one linear SVM
 * per class with hard-negative mining, and one box regressor per class.
 *
 * <p>Each training image's proposals and ground-truth boxes are warped and run through the CNN
 * once; their features are kept (the cache every mining round and the regression read), scaled
 * so that their mean L2 norm is 20 (as R-CNN's code does). For class c the positives are the
 * ground-truth boxes of c and the negatives the regions with IoU &lt; 0.3 with every box of c
 * (the paper's thresholds; regions in between are left out). Mining starts from a random sample
 * of negatives, trains, scores every negative, adds those inside the margin (score &gt; −1) to
 * the cache, drops easy ones (score &lt; −1.2), and repeats until no negative inside the margin
 * is left out, so the SVM is then the optimum over all negatives. The box regressor of class c
 * is a ridge regression (λ = 1000) from φ to the targets of the proposals with IoU ≥ 0.6 with a
 * box of c. Each SVM's margins on the training proposals get a Platt sigmoid ({@link Platt}), so
 * that scores estimate the chance of a correct detection (IoU ≥ 0.5) and a threshold of 0.5
 * means something.
 */
public final class SvmStage {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final float POSITIVE_IOU_MAX_NEG = 0.3f, REGRESSION_IOU = 0.6f;
    static final double HARD = -1.0, EASY = -1.2, FEATURE_NORM = 20, RIDGE_LAMBDA = 1000;
    /** liblinear settings of R-CNN: C = 0.001, positives weighted 2, B = 10. */
    static final double C = 1e-3, POSITIVE_WEIGHT = 2, BIAS_FEATURE = 10;
    static final int MAX_ROUNDS = 8, FIRST_NEGATIVES = 4000;

    /** One image's regions (its proposals, then its ground-truth boxes) and their features. */
    record ImageFeatures(float[] boxes, float[] phi, int proposals, float[] gt, int[] gtLabels) {}

    /** The cache: all regions' features in one [rows, dim] array, and per row what it is. */
    static final class Cache {
        final int dim;
        float[] x;
        int rows, images;
        final List<Integer> gtLabel = new ArrayList<>(); // class (1-based) of a ground-truth row, 0 for proposals
        final List<float[]> iouPerClass = new ArrayList<>();
        final List<float[]> box = new ArrayList<>();
        final List<float[]> bestGt = new ArrayList<>(); // the best-overlapping ground truth box (proposals), or null
        final List<Integer> bestGtLabel = new ArrayList<>();
        final List<Float> bestIou = new ArrayList<>();

        Cache(int dim) {
            this.dim = dim;
            this.x = new float[1024 * dim];
        }

        void add(ImageFeatures f, int classes) {
            int n = f.boxes().length / 4;
            if ((long) (rows + n) * dim > Integer.MAX_VALUE - 8) return; // the array's limit: the cache is full
            if ((rows + n) * dim > x.length) x = Arrays.copyOf(x, Math.max(x.length * 2, (rows + n) * dim));
            System.arraycopy(f.phi(), 0, x, rows * dim, n * dim);
            float[][] per = Overlaps.perClass(f.boxes(), f.gt(), f.gtLabels(), classes);
            Overlaps.Match m = Overlaps.match(f.boxes(), f.gt());
            for (int i = 0; i < n; i++) {
                boolean isGt = i >= f.proposals();
                gtLabel.add(isGt ? f.gtLabels()[i - f.proposals()] : 0);
                iouPerClass.add(per[i]);
                box.add(Arrays.copyOfRange(f.boxes(), 4 * i, 4 * i + 4));
                int b = m.best()[i];
                bestGt.add(b < 0 ? null : Arrays.copyOfRange(f.gt(), 4 * b, 4 * b + 4));
                bestGtLabel.add(b < 0 ? 0 : f.gtLabels()[b]);
                bestIou.add(m.iou()[i]);
            }
            rows += n;
        }
    }

    /** What the stage did, for the run's record. */
    public record Report(int images, int regions, double featureScale, ObjectNode details, double seconds) {}

    private SvmStage() {}

    /**
     * Extracts the features of training images (in a seeded order, until {@code budgetS}
     * seconds are used, or all when 0), then fits the SVMs and regressors.
     *
     * @param known proposals already computed, by training index (reused, and filled)
     */
    public static Result run(RcnnModel model, DetectionSet train, Map<Integer, float[]> known, int threads, double budgetS, long seed,
                             long maxPixels, Consumer<String> say) {
        ExecutorService workers = java.util.concurrent.Executors.newFixedThreadPool(Math.max(1, threads), r -> {
            Thread t = new Thread(r, "cvkit-rcnn-features");
            t.setDaemon(true);
            return t;
        });
        try {
            return run(model, train, known, workers, threads, budgetS, seed, maxPixels, say);
        } finally {
            workers.shutdownNow();
        }
    }

    private static Result run(RcnnModel model, DetectionSet train, Map<Integer, float[]> known, ExecutorService workers, int threads,
                              double budgetS, long seed, long maxPixels, Consumer<String> say) {
        long t0 = System.nanoTime();
        Cache cache = extract(model, train, known, workers, threads, budgetS, seed, maxPixels);
        double featureSeconds = (System.nanoTime() - t0) / 1e9;
        say.accept(String.format(Locale.ROOT, "rcnn: features of %d regions of %d training images in %.0f s", cache.rows, cache.images, featureSeconds));
        Result r = fit(model, cache, seed, say, C);
        ObjectNode details = r.report().details();
        details.put("feature_seconds", Math.round(featureSeconds * 10) / 10.0);
        return new Result(r.model(), new Report(cache.images, cache.rows, r.report().featureScale(), details, (System.nanoTime() - t0) / 1e9));
    }

    /** The features of training images' regions, in a seeded order, until {@code budgetS} seconds are used (0: all images). */
    static Cache extract(RcnnModel model, DetectionSet train, Map<Integer, float[]> known, ExecutorService workers, int threads,
                         double budgetS, long seed, long maxPixels) {
        long t0 = System.nanoTime();
        model.net().eval();
        int classes = model.classes().size(), dim = model.spec().features();
        int[] order = shuffle(train.size(), seed);
        Cache cache = new Cache(dim);
        int images = 0, wave = Math.max(1, threads);
        for (int at = 0; at < order.length; at += wave) {
            if (budgetS > 0 && (System.nanoTime() - t0) / 1e9 >= budgetS) break;
            List<Future<ImageFeatures>> jobs = new ArrayList<>();
            for (int k = at; k < Math.min(order.length, at + wave); k++) {
                int index = order[k];
                jobs.add(workers.submit(() -> {
                    DetectionSet.Item item = train.items().get(index);
                    RgbImage img = FineTuneTask.decode(item, maxPixels);
                    float[] props = known.computeIfAbsent(index, i -> model.proposals().propose(img));
                    float[] boxes = Arrays.copyOf(props, props.length + item.boxes().length);
                    System.arraycopy(item.boxes(), 0, boxes, props.length, item.boxes().length);
                    return new ImageFeatures(boxes, model.features(img, boxes), props.length / 4, item.boxes(), item.labels());
                }));
            }
            for (Future<ImageFeatures> f : jobs) {
                cache.add(Workers.get(f), classes);
                images++;
            }
        }
        cache.images = images;
        return cache;
    }

    /** The SVM-scored model and what the stage did. */
    public record Result(RcnnModel model, Report report) {}

    /** Fits the SVMs (with hard-negative mining) and the box regressors on the cache. */
    static Result fit(RcnnModel model, Cache cache, long seed, Consumer<String> say, double cost) {
        int classes = model.classes().size(), dim = cache.dim, rows = cache.rows;
        double norm = 0;
        for (int i = 0; i < rows; i++) {
            double s = 0;
            for (int j = 0; j < dim; j++) s += (double) cache.x[i * dim + j] * cache.x[i * dim + j];
            norm += Math.sqrt(s);
        }
        double scale = rows == 0 || norm == 0 ? 1 : FEATURE_NORM / (norm / rows);
        float[] x = new float[rows * dim];
        for (int i = 0; i < x.length; i++) x[i] = (float) (cache.x[i] * scale);
        float[] w = new float[classes * dim], b = new float[classes], platt = new float[2 * classes];
        float[] rw = new float[classes * 4 * dim], rb = new float[classes * 4];
        ObjectNode details = JSON.createObjectNode();
        ArrayNode per = details.putArray("classes");
        LinearSvm svm = new LinearSvm(cost * POSITIVE_WEIGHT, cost, BIAS_FEATURE, 0.1, 1000);
        for (int c = 0; c < classes; c++) {
            List<Integer> pos = new ArrayList<>(), neg = new ArrayList<>();
            for (int i = 0; i < rows; i++) {
                if (cache.gtLabel.get(i) == c + 1) pos.add(i);
                else if (cache.iouPerClass.get(i)[c] < POSITIVE_IOU_MAX_NEG) neg.add(i);
            }
            ObjectNode rec = per.addObject();
            rec.put("class", model.classes().get(c));
            rec.put("positives", pos.size());
            rec.put("negatives", neg.size());
            LinearSvm.Model m = pos.isEmpty() ? new LinearSvm.Model(new float[dim], -1f)
                    : mine(svm, x, dim, pos, neg, Seeds.mix(seed, 0x53564DL, c, 0), rec);
            System.arraycopy(m.w(), 0, w, c * dim, dim);
            b[c] = m.bias();
            // Platt's sigmoid on the proposals' margins: correct (IoU ≥ 0.5 with a box of c) or not
            List<Double> margins = new ArrayList<>();
            List<Boolean> correct = new ArrayList<>();
            for (int i = 0; i < rows; i++) {
                if (cache.gtLabel.get(i) != 0) continue;
                margins.add(m.score(x, i * dim));
                correct.add(cache.bestGtLabel.get(i) == c + 1 && cache.bestIou.get(i) >= 0.5f);
            }
            double[] ab = Platt.fit(margins, correct);
            platt[2 * c] = (float) ab[0];
            platt[2 * c + 1] = (float) ab[1];
            rec.put("platt_a", ab[0]);
            rec.put("platt_b", ab[1]);
            // box regression: proposals (not ground truth rows) with IoU ≥ 0.6 with a box of this class
            List<Integer> reg = new ArrayList<>();
            List<double[]> targets = new ArrayList<>();
            for (int i = 0; i < rows; i++) {
                if (cache.gtLabel.get(i) != 0 || cache.bestGtLabel.get(i) != c + 1 || cache.bestIou.get(i) < REGRESSION_IOU) continue;
                float[] t = BoxRegression.targets(cache.bestGt.get(i), cache.box.get(i));
                reg.add(i);
                targets.add(new double[] {t[0], t[1], t[2], t[3]});
            }
            rec.put("regression_samples", reg.size());
            if (!reg.isEmpty()) {
                double[] y = new double[4 * reg.size()];
                for (int k = 0; k < reg.size(); k++) System.arraycopy(targets.get(k), 0, y, 4 * k, 4);
                BoxRegression.Fit f = BoxRegression.fit(x, dim, reg.stream().mapToInt(Integer::intValue).toArray(), y, RIDGE_LAMBDA);
                System.arraycopy(f.weight(), 0, rw, c * 4 * dim, 4 * dim);
                System.arraycopy(f.bias(), 0, rb, c * 4, 4);
            }
            say.accept(String.format(Locale.ROOT, "rcnn: class %s: SVM on %d positives and %d of %d negatives after %d mining rounds; box regression on %d proposals",
                    model.classes().get(c), pos.size(), rec.path("negatives_cached").asInt(), neg.size(), rec.path("rounds").asInt(), reg.size()));
        }
        details.put("feature_scale", scale);
        RcnnModel out = model.with(new RcnnModel.Svms((float) scale, w, b, platt), new RcnnModel.Regressors(rw, rb));
        return new Result(out, new Report(0, rows, scale, details, 0));
    }

    /** Trains on the positives and a growing cache of hard negatives until no negative outside it is inside the margin. */
    static LinearSvm.Model mine(LinearSvm svm, float[] x, int dim, List<Integer> pos, List<Integer> neg, long seed, ObjectNode rec) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] shuffled = neg.stream().mapToInt(Integer::intValue).toArray();
        for (int i = shuffled.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1), t = shuffled[i];
            shuffled[i] = shuffled[j];
            shuffled[j] = t;
        }
        java.util.LinkedHashSet<Integer> cached = new java.util.LinkedHashSet<>();
        for (int i = 0; i < Math.min(FIRST_NEGATIVES, shuffled.length); i++) cached.add(shuffled[i]);
        LinearSvm.Model m = null;
        ArrayNode added = rec.putArray("hard_negatives_added");
        int round = 0;
        while (round < MAX_ROUNDS) {
            round++;
            int[] rows = new int[pos.size() + cached.size()];
            boolean[] y = new boolean[rows.length];
            int k = 0;
            for (int p : pos) {
                rows[k] = p;
                y[k++] = true;
            }
            for (int n : cached) rows[k++] = n;
            m = svm.train(x, dim, rows, y, Seeds.mix(seed, 0, round, 0)).model();
            int hard = 0;
            List<Integer> easy = new ArrayList<>();
            for (int n : shuffled) {
                double s = m.score(x, n * dim);
                if (cached.contains(n)) {
                    if (s < EASY) easy.add(n);
                } else if (s > HARD) {
                    cached.add(n);
                    hard++;
                }
            }
            added.add(hard);
            if (hard == 0) break;
            easy.forEach(cached::remove);
        }
        rec.put("rounds", round);
        rec.put("negatives_cached", cached.size());
        return m;
    }

    private static int[] shuffle(int n, long seed) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        SplittableRandom r = new SplittableRandom(Seeds.mix(seed, Seeds.SHUFFLE, -1, 0));
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1), t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
