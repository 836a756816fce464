package dev.cvkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train's --head and --upsample: a value that does not fit the task, backbone or input size is one line and exit 2, before any data is read. */
class TrainFcnHeadTest {
    @TempDir
    Path tmp;

    private void usage(String expected, String... args) {
        String[] all = new String[args.length + 4];
        all[0] = "train";
        System.arraycopy(args, 0, all, 1, args.length);
        all[args.length + 1] = "--data";
        all[args.length + 2] = tmp.resolve("missing.json").toString();
        all[args.length + 3] = "--quiet";
        var r = CliTestSupport.run(all);
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().strip().lines().count() == 1 && r.err().contains(expected), r.err());
    }

    @Test
    void headsAndUpsamplingThatDoNotFitAreUsageErrors() {
        usage("--head is for --task segment --arch fcn", "--task", "detect", "--arch", "faster-rcnn", "--head", "fcn8s");
        usage("--head is for --arch fcn", "--task", "segment", "--arch", "mask-rcnn", "--head", "fcn8s");
        usage("--head fcn4s: use fcn32s, fcn16s, fcn8s or dilated", "--task", "segment", "--arch", "fcn", "--head", "fcn4s");
        usage("--head fcn16s: resnet50 is the dilated FCN", "--task", "segment", "--arch", "fcn", "--backbone", "resnet50", "--head", "fcn16s");
        usage("--upsample transposed needs --imgsz a multiple of 32 (got 144)", "--task", "segment", "--arch", "fcn", "--upsample", "transposed",
                "--imgsz", "144");
        usage("--upsample transposed is for the FCN-32s/16s/8s heads of resnet18 and resnet34 (not the dilated FCN)", "--task", "segment",
                "--arch", "fcn", "--head", "dilated", "--upsample", "transposed");
        usage("--upsample cubic: use bilinear or transposed", "--task", "segment", "--arch", "fcn", "--upsample", "cubic");
    }
}
