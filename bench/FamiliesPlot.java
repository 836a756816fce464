import dev.cvkit.image.BarChart;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;

/**
 * The detector families' plot for bench/detector_families.sh: accuracy (AP, AP50) above and test
 * time (ms per image at 1 and 2 threads) below, one group of bars per family, as one PNG.
 *
 *   java -cp target/cvkit.jar bench/FamiliesPlot.java OUT/families.json OUT/families.png
 */
public class FamiliesPlot {
    public static void main(String[] args) throws Exception {
        JsonNode rows = new ObjectMapper().readTree(Path.of(args[0]).toFile());
        List<String> names = new ArrayList<>();
        int n = rows.size();
        double[] ap = new double[n], ap50 = new double[n], ms1 = new double[n], ms2 = new double[n];
        for (int i = 0; i < n; i++) {
            JsonNode r = rows.get(i);
            names.add(r.get("family").asText());
            ap[i] = r.get("AP").asDouble();
            ap50[i] = r.get("AP50").asDouble();
            ms1[i] = r.get("ms_1thread").asDouble();
            ms2[i] = r.get("ms_2threads").asDouble();
        }
        byte[] top = BarChart.render("Accuracy on the val split (COCO AP)", "family", names,
                List.of(new BarChart.Series("AP", ap, new int[] {200, 110, 30}), new BarChart.Series("AP50", ap50, new int[] {20, 130, 240})));
        byte[] bottom = BarChart.render("Test time (ms per image, lower is faster)", "family", names,
                List.of(new BarChart.Series("1 thread", ms1, new int[] {60, 160, 50}), new BarChart.Series("2 threads", ms2, new int[] {40, 40, 200})));
        try (Mat a = opencv_imgcodecs.imdecode(new Mat(new BytePointer(top)), opencv_imgcodecs.IMREAD_COLOR);
             Mat b = opencv_imgcodecs.imdecode(new Mat(new BytePointer(bottom)), opencv_imgcodecs.IMREAD_COLOR);
             MatVector both = new MatVector(a, b); Mat out = new Mat()) {
            opencv_core.vconcat(both, out);
            Path tmp = Path.of(args[1] + ".tmp.png");
            opencv_imgcodecs.imwrite(tmp.toString(), out);
            Files.move(tmp, Path.of(args[1]), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
