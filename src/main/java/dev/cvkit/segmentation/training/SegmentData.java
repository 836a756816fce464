package dev.cvkit.segmentation.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cvkit.data.detect.YoloDetectionReader;
import dev.cvkit.data.segment.YoloSegmentReader;
import dev.cvkit.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Where segment training's --data and --val come from: a COCO instances file, or a YOLO
 * segmentation data.yaml whose split ({@code train} for --data, {@code val} for --val, and the
 * --data yaml's {@code val} split when --val is not given) is converted by
 * {@link YoloSegmentReader} and written once into the run folder ({@code train_gt.json},
 * {@code val_gt.json}), so that the run, its resume and a later {@code cvkit eval} read COCO.
 *
 * @param json   the COCO file (null until a converted split is written)
 * @param images the folder its file names are relative to (null: the reader's default)
 * @param split  the converted split, or null for a COCO file
 * @param name   the converted split's file name in the run folder
 */
record SegmentData(Path json, Path images, YoloSegmentReader.Split split, String name) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static SegmentData train(Path data, Path images) {
        return YoloDetectionReader.isYaml(data) ? new SegmentData(null, null, YoloSegmentReader.read(data, "train"), "train_gt.json")
                : new SegmentData(data, images, null, null);
    }

    /** The validation set, or null when there is none. */
    static SegmentData val(Path data, Path val, Path valImages) {
        if (val == null) {
            boolean yamlVal = YoloDetectionReader.isYaml(data) && YoloDetectionReader.layout(data).splits().containsKey("val");
            return yamlVal ? new SegmentData(null, null, YoloSegmentReader.read(data, "val"), "val_gt.json") : null;
        }
        return YoloDetectionReader.isYaml(val) ? new SegmentData(null, null, YoloSegmentReader.read(val, "val"), "val_gt.json")
                : new SegmentData(val, valImages, null, null);
    }

    boolean converted() { return split != null; }

    /** This set as a COCO file: a converted split written into {@code out}, a COCO file as it is. */
    SegmentData written(Path out) throws IOException {
        if (split == null) return this;
        Path file = out.resolve(name);
        AtomicFiles.write(file, JSON.writeValueAsBytes(split.coco()));
        return new SegmentData(file, split.images(), null, null);
    }
}
