import dev.cvkit.detection.Detector;
import dev.cvkit.detection.DetectorFiles;
import dev.cvkit.image.ImageDecoder;
import dev.cvkit.image.RgbImage;
import dev.cvkit.tensor.Parallel;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Per-image detection cost on ONE thread, as CPU time of the calling thread (robust when other
 * processes share the cores) and wall time, after a JIT warm-up. Run from the repository root:
 *
 *   java -cp target/cvkit.jar bench/DetectCpuBench.java [MODEL...]   (default: nanodet face-ssd face-tiny)
 */
public class DetectCpuBench {
    public static void main(String[] args) throws Exception {
        List<String> models = args.length > 0 ? List.of(args) : List.of("nanodet", "face-ssd", "face-tiny");
        Path dir = Files.isDirectory(Path.of("samples")) ? Path.of("samples") : Path.of("src/test/resources/fixtures/detect");
        List<RgbImage> images = new ArrayList<>();
        try (var files = Files.list(dir)) {
            for (Path p : files.sorted().filter(f -> f.toString().matches(".*\\.(png|jpg)$")).toList()) {
                images.add(RgbImage.fromMat(ImageDecoder.read(p, 100_000_000L)));
            }
        }
        Parallel.setThreads(1);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        System.out.printf("%-10s %8s %12s %12s%n", "model", "images", "cpu ms/img", "wall ms/img");
        for (String m : models) {
            Detector d = DetectorFiles.resolve(m);
            for (int pass = 0; pass < 3; pass++) {
                for (RgbImage img : images) {
                    d.detect(img, d.defaults());
                }
            }
            double[] cpu = new double[images.size()], wall = new double[images.size()];
            for (int i = 0; i < images.size(); i++) {
                long c0 = mx.getCurrentThreadCpuTime(), w0 = System.nanoTime();
                d.detect(images.get(i), d.defaults());
                cpu[i] = (mx.getCurrentThreadCpuTime() - c0) / 1e6;
                wall[i] = (System.nanoTime() - w0) / 1e6;
            }
            Arrays.sort(cpu);
            Arrays.sort(wall);
            System.out.printf(Locale.ROOT, "%-10s %8d %12.1f %12.1f%n", m, images.size(), cpu[cpu.length / 2], wall[wall.length / 2]);
        }
    }
}
