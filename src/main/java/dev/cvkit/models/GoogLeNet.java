package dev.cvkit.models;

import dev.cvkit.models.Blocks.BasicConv;
import dev.cvkit.models.Blocks.Inception;
import dev.cvkit.nn.Activation;
import dev.cvkit.nn.Dropout;
import dev.cvkit.nn.Linear;
import dev.cvkit.nn.Module;
import dev.cvkit.nn.Pool2d;
import dev.cvkit.tensor.Tensor;

/**
 * GoogLeNet (Inception v1) in torchvision's layout and names, with the two auxiliary
 * classifiers (after inception4a and inception4d) that only run in training mode; their
 * logits are kept in {@link #auxLogits()} for the training loss (weight 0.3 each in the paper).
 */
public final class GoogLeNet extends Module {
    private final Module conv1, maxpool1, conv2, conv3, maxpool2, i3a, i3b, maxpool3, i4a, i4b, i4c, i4d, i4e,
            maxpool4, i5a, i5b, avgpool, dropout, fc;
    private final Aux aux1, aux2;
    private Tensor[] auxLogits = new Tensor[0];

    public GoogLeNet(int classes) {
        conv1 = child("conv1", new BasicConv(3, 64, 7, 2, 3));
        maxpool1 = child("maxpool1", Pool2d.max(3, 2, 0, true));
        conv2 = child("conv2", new BasicConv(64, 64, 1, 1, 0));
        conv3 = child("conv3", new BasicConv(64, 192, 3, 1, 1));
        maxpool2 = child("maxpool2", Pool2d.max(3, 2, 0, true));
        i3a = child("inception3a", new Inception(192, 64, 96, 128, 16, 32, 32));
        i3b = child("inception3b", new Inception(256, 128, 128, 192, 32, 96, 64));
        maxpool3 = child("maxpool3", Pool2d.max(3, 2, 0, true));
        i4a = child("inception4a", new Inception(480, 192, 96, 208, 16, 48, 64));
        i4b = child("inception4b", new Inception(512, 160, 112, 224, 24, 64, 64));
        i4c = child("inception4c", new Inception(512, 128, 128, 256, 24, 64, 64));
        i4d = child("inception4d", new Inception(512, 112, 144, 288, 32, 64, 64));
        i4e = child("inception4e", new Inception(528, 256, 160, 320, 32, 128, 128));
        maxpool4 = child("maxpool4", Pool2d.max(2, 2, 0, true));
        i5a = child("inception5a", new Inception(832, 256, 160, 320, 32, 128, 128));
        i5b = child("inception5b", new Inception(832, 384, 192, 384, 48, 128, 128));
        aux1 = child("aux1", new Aux(512, classes));
        aux2 = child("aux2", new Aux(528, classes));
        avgpool = child("avgpool", Pool2d.adaptiveAvg(1, 1));
        dropout = child("dropout", new Dropout(0.2f));
        fc = child("fc", new Linear(1024, classes));
    }

    /** Auxiliary logits of the last training-mode forward (empty in eval mode). */
    public Tensor[] auxLogits() { return auxLogits.clone(); }

    @Override
    protected Tensor compute(Tensor x) {
        x = maxpool1.forward(conv1.forward(x));
        x = maxpool2.forward(conv3.forward(conv2.forward(x)));
        x = maxpool3.forward(i3b.forward(i3a.forward(x)));
        x = i4a.forward(x);
        Tensor a1 = isTraining() ? aux1.forward(x) : null;
        x = i4d.forward(i4c.forward(i4b.forward(x)));
        Tensor a2 = isTraining() ? aux2.forward(x) : null;
        x = maxpool4.forward(i4e.forward(x));
        x = i5b.forward(i5a.forward(x));
        auxLogits = isTraining() ? new Tensor[] {a1, a2} : new Tensor[0];
        return fc.forward(dropout.forward(avgpool.forward(x).flatten()));
    }

    /** Auxiliary classifier: 4×4 adaptive average pool, 1×1 conv 128, fc 2048→1024, dropout 0.7, fc. */
    static final class Aux extends Module {
        private final Module pool, conv, fc1, relu, drop, fc2;

        Aux(int in, int classes) {
            pool = child("pool", Pool2d.adaptiveAvg(4, 4));
            conv = child("conv", new BasicConv(in, 128, 1, 1, 0));
            fc1 = child("fc1", new Linear(2048, 1024));
            relu = child("relu", Activation.relu());
            drop = child("dropout", new Dropout(0.7f));
            fc2 = child("fc2", new Linear(1024, classes));
        }

        @Override
        protected Tensor compute(Tensor x) {
            Tensor h = conv.forward(pool.forward(x)).flatten();
            return fc2.forward(drop.forward(relu.forward(fc1.forward(h))));
        }
    }
}
