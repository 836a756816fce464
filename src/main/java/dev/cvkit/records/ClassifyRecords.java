package dev.cvkit.records;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.cvkit.classify.ClassifierModel;
import dev.cvkit.classify.Prediction;
import dev.cvkit.image.Pixels;
import dev.cvkit.image.Preprocessor;
import dev.cvkit.timing.Lap;
import dev.cvkit.timing.Stage;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/** classify's work on one decoded image and the JSON line it prints for it. */
public final class ClassifyRecords {
    private static final JsonFactory JF = new JsonFactory();

    private final ClassifierModel model;
    private final Preprocessor pre;
    private final int top;

    /** What one image produced; {@code millis} counts from {@code t0} given to {@link #classify}. */
    public record Result(int width, int height, Prediction prediction, double millis) {}

    public ClassifyRecords(ClassifierModel model, int top) {
        this.model = model;
        this.pre = new Preprocessor(model.preprocessing(), null);
        this.top = top;
    }

    /** The top classes of {@code px}; {@code t0} is when the caller started reading the image. */
    public Result classify(Pixels px, long t0) {
        return classify(px, t0, Lap.NONE);
    }

    /** As {@link #classify(Pixels, long)}, ending each stage on {@code lap} (decoding counts as preprocessing). */
    public Result classify(Pixels px, long t0, Lap lap) {
        float[] x = new float[model.preprocessing().sampleSize()];
        pre.apply(px, 0, x, 0);
        lap.end(Stage.PREPROCESS);
        float[] logits = model.logits(x, 1);
        lap.end(Stage.INFERENCE);
        Prediction p = Prediction.topK(logits, 0, model.classes().size(), model.classes(), top);
        lap.end(Stage.POSTPROCESS);
        return new Result(px.width(), px.height(), p, (System.nanoTime() - t0) / 1e6);
    }

    /** The record without its time, so that the same image gives the same bytes. */
    public static String line(String file, Result r) {
        return line(file, r, false);
    }

    /** The record: {@code {"file", "width", "height", "predictions": [{"class", "index", "score"}][, "ms"]}}; "ms" if {@code timings}. */
    public static String line(String file, Result r, boolean timings) {
        StringWriter sw = new StringWriter();
        try (JsonGenerator g = JF.createGenerator(sw)) {
            g.writeStartObject();
            g.writeStringField("file", file);
            g.writeNumberField("width", r.width());
            g.writeNumberField("height", r.height());
            g.writeArrayFieldStart("predictions");
            Prediction p = r.prediction();
            for (int i = 0; i < p.indices().length; i++) {
                g.writeStartObject();
                g.writeStringField("class", p.names()[i]);
                g.writeNumberField("index", p.indices()[i]);
                g.writeNumberField("score", Math.round(p.scores()[i] * 1e6) / 1e6);
                g.writeEndObject();
            }
            g.writeEndArray();
            if (timings) {
                g.writeNumberField("ms", Math.round(r.millis() * 10) / 10.0); // as propose and detect
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sw.toString();
    }
}
