import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;

import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.OpenCVFrameConverter;

/**
 * Writes frame N of a video as an image (for bench/person_seg_quality.sh):
 * {@code java -cp target/cvkit.jar bench/VideoFrame.java VIDEO OUT.png N}.
 */
public class VideoFrame {
    public static void main(String[] args) throws Exception {
        int want = Integer.parseInt(args[2]);
        try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(args[0]); OpenCVFrameConverter.ToMat c = new OpenCVFrameConverter.ToMat()) {
            g.start();
            Frame f;
            for (int i = 0; (f = g.grabImage()) != null; i++) {
                if (i == want) {
                    imwrite(args[1], c.convert(f));
                    break;
                }
            }
            g.stop();
        }
    }
}
