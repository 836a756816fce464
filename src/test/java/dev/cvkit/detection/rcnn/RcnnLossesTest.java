package dev.cvkit.detection.rcnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.cvkit.detection.targets.BoxCoder;
import dev.cvkit.detection.targets.Matcher;
import dev.cvkit.io.SafeTensors;
import dev.cvkit.tensor.Tensor;
import dev.cvkit.testing.Fixtures;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Faster R-CNN's training targets and losses against torchvision 0.14
 * (tools/fixtures/detection_targets.py): RPN labels (object / background / ignored) and
 * regression targets of every anchor of two images; box-head labels and targets with the ground
 * truth appended to the proposals; the RPN's two losses on torchvision's sampled anchors and
 * fastrcnn_loss, with the gradients of obj + 2·box for both stages.
 */
class RcnnLossesTest {

    @Test
    void targetsAndLossesMatchTorchvision() throws IOException {
        Map<String, Tensor> t = SafeTensors.read(Fixtures.path("targets/rcnn_losses.safetensors")).tensors();
        float[] anchors = t.get("anchors").data();
        BoxCoder rpnCoder = new BoxCoder(1f, 1f, 1f, 1f), boxCoder = new BoxCoder(10f, 10f, 5f, 5f);
        Matcher rpnMatcher = new Matcher(0.7f, 0.3f, true), boxMatcher = new Matcher(0.5f, 0.5f, false);
        int a = anchors.length / 4;
        float[] labels = new float[2 * a], targets = new float[2 * a * 4];
        int boxRows = 0;
        for (int i = 0; i < 2; i++) {
            TrainingTargets.Assigned r = TrainingTargets.rpn(anchors, t.get("gt" + i).data(), rpnMatcher, rpnCoder);
            System.arraycopy(r.labels(), 0, labels, i * a, a);
            System.arraycopy(r.targets(), 0, targets, i * a * 4, a * 4);
            TrainingTargets.Assigned b = TrainingTargets.boxHead(t.get("proposals" + i).data(), t.get("gt" + i).data(),
                    Fixtures.ints(t.get("gt_labels" + i)), boxMatcher, boxCoder);
            assertArrayEquals(t.get("box_labels" + i).data(), b.labels(), "box-head labels, image " + i);
            Fixtures.assertClose(t.get("box_targets" + i), b.targets(), t.get("box_targets" + i).shape(), 1e-5f, 1e-5f,
                    "box-head targets, image " + i);
            boxRows += b.labels().length;
        }
        assertArrayEquals(t.get("rpn_labels").data(), labels, "RPN labels");
        Fixtures.assertClose(t.get("rpn_targets"), targets, t.get("rpn_targets").shape(), 1e-5f, 1e-5f, "RPN targets");

        Tensor objectness = t.get("objectness").copy().requiresGrad(true), deltas = t.get("deltas").copy().requiresGrad(true);
        RcnnLosses.Pair rpn = RcnnLosses.rpn(objectness, deltas, labels, targets, Fixtures.ints(t.get("rpn_pos")), Fixtures.ints(t.get("rpn_neg")));
        Fixtures.assertClose(t.get("rpn_obj_loss"), rpn.classification().data(), new int[] {1}, 1e-5f, 1e-7f, "RPN objectness loss");
        Fixtures.assertClose(t.get("rpn_box_loss"), rpn.box().data(), new int[] {1}, 1e-5f, 1e-7f, "RPN box loss");
        rpn.classification().add(rpn.box().mul(2f)).backward();
        Fixtures.assertClose(t.get("g_objectness"), objectness.grad(), objectness.shape(), 1e-5f, 1e-7f, "RPN objectness gradient");
        Fixtures.assertClose(t.get("g_deltas"), deltas.grad(), deltas.shape(), 1e-5f, 1e-7f, "RPN delta gradient");

        int[] boxLabels = new int[boxRows];
        float[] boxTargets = new float[boxRows * 4];
        for (int i = 0, off = 0; i < 2; i++) {
            int[] l = Fixtures.ints(t.get("box_labels" + i));
            System.arraycopy(l, 0, boxLabels, off, l.length);
            System.arraycopy(t.get("box_targets" + i).data(), 0, boxTargets, off * 4, l.length * 4);
            off += l.length;
        }
        Tensor logits = t.get("logits").copy().requiresGrad(true), regression = t.get("regression").copy().requiresGrad(true);
        RcnnLosses.Pair head = RcnnLosses.fastRcnn(logits, regression, boxLabels, boxTargets);
        Fixtures.assertClose(t.get("cls_loss"), head.classification().data(), new int[] {1}, 1e-5f, 1e-7f, "box-head class loss");
        Fixtures.assertClose(t.get("box_loss"), head.box().data(), new int[] {1}, 1e-5f, 1e-7f, "box-head box loss");
        head.classification().add(head.box().mul(2f)).backward();
        Fixtures.assertClose(t.get("g_logits"), logits.grad(), logits.shape(), 1e-5f, 1e-7f, "class logit gradient");
        Fixtures.assertClose(t.get("g_regression"), regression.grad(), regression.shape(), 1e-5f, 1e-7f, "box regression gradient");
    }
}
