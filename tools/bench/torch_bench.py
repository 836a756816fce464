#!/usr/bin/python3
"""CPU reference benchmark with PyTorch (peer numbers for a Java CV toolkit).

Run with the system interpreter (Debian python3-torch / python3-torchvision):
    /usr/bin/python3 torch_bench.py                  # threads 1 and 2, JSON line per case
    /usr/bin/python3 torch_bench.py --threads 1 --quick
    /usr/bin/python3 torch_bench.py --out torch_baseline.json

Each thread count runs in a fresh child process with OMP_NUM_THREADS and
OPENBLAS_NUM_THREADS set *before* torch is imported: Debian's torch uses the
system OpenBLAS (pthread build) for sgemm, whose pool torch.set_num_threads()
does not resize.  Every case: warm-up, then `--reps` timed repetitions (each
repetition loops the op until ~`--min-rep-s` seconds), and the median is reported.

Cases
  sgemm           C = A @ B, float32 square, GFLOPS = 2 n^3 / t
  conv2d          F.conv2d forward (no_grad), GFLOPS = 2 N K Ho Wo C kh kw / t (bias excluded)
  train_lenet5    LeNet-5 (ReLU, max-pool), 1x32x32, batch 64, CE loss, SGD(m=0.9): fwd+bwd+step
  train_resnet20  ResNet-20 CIFAR layout (3 stages x 3 BasicBlocks, 16/32/64 ch, BN,
                  1x1-conv projection shortcuts), 3x32x32, batch 64, same step
  infer_resnet18  torchvision resnet18 (random weights), eval(), no_grad, 3x224x224
  nms             torchvision.ops.nms, 2000 random boxes in 800x800, IoU 0.5
  roi_align       torchvision.ops.roi_align, feature 1x256x50x50, 512 boxes in an
                  800x800 image, spatial_scale 1/16, output 7x7, sampling_ratio 2
                  (torchvision Faster/Mask R-CNN settings) and aligned False/True
  train_fasterrcnn_r18fpn / train_maskrcnn_r18fpn
                  one AdamW training step of torchvision Faster / Mask R-CNN, ResNet-18 FPN
                  (128 ch), the settings of train_detect_torchvision.py, batch 8 of 3x160x160
                  random images with 3 seeded boxes (and box-shaped masks) each
  infer_fcn_resnet50
                  torchvision fcn_resnet50 (random weights, no auxiliary head), eval(), no_grad,
                  batch 1 of 3x320x320
  roi_align_backward
                  roi_align's inputs above (aligned False), forward then backward of a fixed
                  random output gradient into the features

The project's copy of the peer script (../shared/bench/torch_bench.py) with the last two cases
and --case added; `cvkit bench` runs the same cases under the same names.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time


def cpu_idle_pct(interval=0.5):
    """Whole-machine idle percentage over `interval` seconds (from /proc/stat)."""
    def snap():
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        return v[3] + v[4], sum(v)
    try:
        i0, t0 = snap()
        time.sleep(interval)
        i1, t1 = snap()
        return round(100.0 * (i1 - i0) / max(1, t1 - t0), 1)
    except OSError:
        return None


def wait_idle(min_pct, max_wait_s):
    """Sample idle CPU; if min_pct > 0 wait (at most max_wait_s) until idle >= min_pct."""
    t_end = time.time() + max_wait_s
    while True:
        pct = cpu_idle_pct()
        if pct is None or min_pct <= 0 or pct >= min_pct or time.time() > t_end:
            return pct


def child(threads, reps, min_rep_s, quick, wait_idle_pct=0.0, wait_idle_s=0.0, only=""):
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
    import torchvision
    from torchvision.ops import nms, roi_align

    torch.set_num_threads(threads)
    torch.manual_seed(0)
    base = {
        "threads": threads,
        "torch": torch.__version__,
        "torchvision": torchvision.__version__,
    }

    idle_before = [None]
    cpu_median = [None]  # process CPU seconds per call of the last timeit (cvkit bench's cpu_s)

    def timeit(fn, warmup=2, case=""):
        if only and not case.startswith(only):
            return 1.0, 1.0, 0  # skipped: emit() prints nothing for inner == 0
        idle_before[0] = wait_idle(wait_idle_pct, wait_idle_s)
        for _ in range(warmup):
            fn()
        # calibrate inner loop count so one repetition lasts >= min_rep_s
        t0 = time.perf_counter()
        fn()
        one = time.perf_counter() - t0
        inner = max(1, int(min_rep_s / max(one, 1e-9)))
        times, cpu = [], []
        for _ in range(reps):
            c0, t0 = time.process_time(), time.perf_counter()
            for _ in range(inner):
                fn()
            times.append((time.perf_counter() - t0) / inner)
            cpu.append((time.process_time() - c0) / inner)
        cpu_median[0] = statistics.median(cpu)
        return statistics.median(times), min(times), inner

    def emit(case, med, mn, inner, **extra):
        if inner == 0:
            return
        rec = dict(case=case, **extra, median_s=med, min_s=mn, cpu_s=cpu_median[0], reps=reps,
                   inner_iters=inner, loadavg1=round(os.getloadavg()[0], 2),
                   idle_pct_before=idle_before[0],
                   openblas_coretype=os.environ.get("OPENBLAS_CORETYPE") or "auto", **base)
        print(json.dumps(rec), flush=True)

    # (a) sgemm
    for n in ([1024] if quick else [1024, 2048]):
        a = torch.randn(n, n)
        b = torch.randn(n, n)
        c = torch.empty(n, n)
        med, mn, inner = timeit(lambda: torch.mm(a, b, out=c), case="sgemm")
        emit("sgemm", med, mn, inner, shape=[n, n, n],
             gflops=round(2 * n ** 3 / med / 1e9, 2))

    # (b) conv2d forward
    convs = [
        # name, N, C, H, W, K, kh, stride, pad
        ("conv3x3_n32_c64_56_k64", 32, 64, 56, 56, 64, 3, 1, 1),
        ("conv7x7s2_n1_c3_224_k64", 1, 3, 224, 224, 64, 7, 2, 3),
        ("conv3x3_n64_c16_32_k32", 64, 16, 32, 32, 32, 3, 1, 0),
    ]
    with torch.no_grad():
        for name, N, C, H, W, K, k, s, p in convs:
            x = torch.randn(N, C, H, W)
            w = torch.randn(K, C, k, k)
            bias = torch.randn(K)
            Ho = (H + 2 * p - k) // s + 1
            Wo = (W + 2 * p - k) // s + 1
            flops = 2.0 * N * K * Ho * Wo * C * k * k
            med, mn, inner = timeit(lambda: F.conv2d(x, w, bias, stride=s, padding=p), case="conv2d")
            emit("conv2d", med, mn, inner, name=name,
                 shape=dict(N=N, C=C, H=H, W=W, K=K, kh=k, kw=k, stride=s, pad=p, Ho=Ho, Wo=Wo),
                 gflops=round(flops / med / 1e9, 2))

    # (c) training throughput
    class LeNet5(nn.Module):
        def __init__(self):
            super().__init__()
            self.c1 = nn.Conv2d(1, 6, 5)      # 32 -> 28
            self.c2 = nn.Conv2d(6, 16, 5)     # 14 -> 10
            self.f1 = nn.Linear(16 * 5 * 5, 120)
            self.f2 = nn.Linear(120, 84)
            self.f3 = nn.Linear(84, 10)

        def forward(self, x):
            x = F.max_pool2d(F.relu(self.c1(x)), 2)
            x = F.max_pool2d(F.relu(self.c2(x)), 2)
            x = x.flatten(1)
            return self.f3(F.relu(self.f2(F.relu(self.f1(x)))))

    class Block(nn.Module):
        def __init__(self, cin, cout, stride):
            super().__init__()
            self.c1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
            self.b1 = nn.BatchNorm2d(cout)
            self.c2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
            self.b2 = nn.BatchNorm2d(cout)
            self.short = None
            if stride != 1 or cin != cout:
                self.short = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False),
                                           nn.BatchNorm2d(cout))

        def forward(self, x):
            o = F.relu(self.b1(self.c1(x)))
            o = self.b2(self.c2(o))
            return F.relu(o + (x if self.short is None else self.short(x)))

    class ResNet20(nn.Module):
        def __init__(self, n=3, num_classes=10):
            super().__init__()
            self.stem = nn.Sequential(nn.Conv2d(3, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU())
            layers, cin = [], 16
            for cout, stride in ((16, 1), (32, 2), (64, 2)):
                for i in range(n):
                    layers.append(Block(cin, cout, stride if i == 0 else 1))
                    cin = cout
            self.layers = nn.Sequential(*layers)
            self.fc = nn.Linear(64, num_classes)

        def forward(self, x):
            x = self.layers(self.stem(x))
            return self.fc(F.adaptive_avg_pool2d(x, 1).flatten(1))

    for name, model, shape in (("train_lenet5", LeNet5(), (64, 1, 32, 32)),
                               ("train_resnet20", ResNet20(), (64, 3, 32, 32))):
        model.train()
        opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
        x = torch.randn(*shape)
        y = torch.randint(0, 10, (shape[0],))

        def step():
            opt.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            opt.step()

        med, mn, inner = timeit(step, warmup=3, case=name)
        emit(name, med, mn, inner, batch=shape[0], input=list(shape[1:]),
             params=sum(p.numel() for p in model.parameters()),
             images_per_s=round(shape[0] / med, 1), ms_per_step=round(med * 1e3, 3))

    # (d) inference resnet18
    m = torchvision.models.resnet18()  # random init, no download
    m.eval()
    with torch.no_grad():
        for bs in (1, 8):
            x = torch.randn(bs, 3, 224, 224)
            med, mn, inner = timeit(lambda: m(x), case="infer_resnet18")
            emit("infer_resnet18", med, mn, inner, batch=bs, input=[3, 224, 224],
                 images_per_s=round(bs / med, 2), ms_per_batch=round(med * 1e3, 3))

    # (e) detection ops
    g = torch.Generator().manual_seed(1)

    def rand_boxes(n, size=800.0, min_wh=8.0, max_wh=200.0):
        xy = torch.rand(n, 2, generator=g) * (size - max_wh)
        wh = min_wh + torch.rand(n, 2, generator=g) * (max_wh - min_wh)
        return torch.cat([xy, xy + wh], 1)

    boxes = rand_boxes(2000)
    scores = torch.rand(2000, generator=g)
    kept = nms(boxes, scores, 0.5).numel()
    med, mn, inner = timeit(lambda: nms(boxes, scores, 0.5), case="nms")
    emit("nms", med, mn, inner, boxes=2000, iou_threshold=0.5, kept=kept,
         us_per_call=round(med * 1e6, 1))

    feat = torch.randn(1, 256, 50, 50, generator=g)
    rois = rand_boxes(512, size=800.0, min_wh=16.0, max_wh=400.0)
    rois5 = torch.cat([torch.zeros(512, 1), rois], 1)  # (batch_idx, x1, y1, x2, y2)
    for aligned in (False, True):
        med, mn, inner = timeit(lambda: roi_align(feat, rois5, (7, 7), spatial_scale=1 / 16.0,
                                                  sampling_ratio=2, aligned=aligned), case="roi_align")
        emit("roi_align", med, mn, inner, feature=[1, 256, 50, 50], boxes=512, output=[7, 7],
             spatial_scale=1 / 16.0, sampling_ratio=2, aligned=aligned,
             ms_per_call=round(med * 1e3, 3))


    # (f) detector training steps: torchvision Faster / Mask R-CNN, ResNet-18 FPN (128 channels),
    # the settings of train_detect_torchvision.py, batch 8 of 160x160 images with 3 boxes each
    from torchvision.models.detection import FasterRCNN, MaskRCNN
    from torchvision.models.detection.anchor_utils import AnchorGenerator
    from torchvision.models.detection.backbone_utils import BackboneWithFPN
    from torchvision.models.detection.faster_rcnn import FastRCNNPredictor, TwoMLPHead
    from torchvision.models.detection.mask_rcnn import MaskRCNNHeads, MaskRCNNPredictor
    from torchvision.models.detection.rpn import RPNHead
    from torchvision.ops import MultiScaleRoIAlign
    from torchvision.ops.feature_pyramid_network import LastLevelMaxPool

    def rcnn(with_masks):
        body = torchvision.models.resnet18(weights=None)
        bb = BackboneWithFPN(body, {"layer1": "0", "layer2": "1", "layer3": "2", "layer4": "3"},
                             [64, 128, 256, 512], 128, extra_blocks=LastLevelMaxPool())
        sizes = ((8,), (16,), (32,), (64,), (128,))
        anchors = AnchorGenerator(sizes, ((0.5, 1.0, 2.0),) * 5)
        common = dict(min_size=160, max_size=160, rpn_anchor_generator=anchors,
                      rpn_head=RPNHead(128, 3), rpn_pre_nms_top_n_train=500, rpn_post_nms_top_n_train=500,
                      box_roi_pool=MultiScaleRoIAlign(["0", "1", "2", "3"], 7, 1),
                      box_head=TwoMLPHead(128 * 49, 512), box_predictor=FastRCNNPredictor(512, 6),
                      box_batch_size_per_image=64)
        if not with_masks:
            return FasterRCNN(bb, **common)
        return MaskRCNN(bb, mask_roi_pool=MultiScaleRoIAlign(["0", "1", "2", "3"], 14, 1),
                        mask_head=MaskRCNNHeads(128, [64] * 4, 1),
                        mask_predictor=MaskRCNNPredictor(64, 64, 6), **common)

    gd = torch.Generator().manual_seed(2)
    imgs = [torch.rand(3, 160, 160, generator=gd) for _ in range(8)]
    targets = []
    for _ in range(8):
        xy = torch.rand(3, 2, generator=gd) * 100
        wh = 12 + torch.rand(3, 2, generator=gd) * 45
        b = torch.cat([xy, xy + wh], 1)
        m = torch.zeros(3, 160, 160, dtype=torch.uint8)
        for k in range(3):
            x1, y1, x2, y2 = b[k].int().tolist()
            m[k, y1:y2, x1:x2] = 1
        targets.append({"boxes": b, "labels": torch.randint(1, 6, (3,), generator=gd), "masks": m})
    for name, with_masks in (("train_fasterrcnn_r18fpn", False), ("train_maskrcnn_r18fpn", True)):
        model = rcnn(with_masks)
        model.train()
        # learning rate 0 (cvkit's case too): every step does the same work; while the model
        # learns, the mask head's RoIs (the positives) grow step by step (25 -> 48 in 5 steps)
        opt = torch.optim.AdamW(model.parameters(), lr=0.0)
        tg = targets if with_masks else [{k: v for k, v in t.items() if k != "masks"} for t in targets]

        def dstep():
            opt.zero_grad(set_to_none=True)
            sum(model(imgs, tg).values()).backward()
            opt.step()

        med, mn, inner = timeit(dstep, warmup=3, case=name)
        emit(name, med, mn, inner, batch=8, input=[3, 160, 160],
             params=sum(p.numel() for p in model.parameters()),
             images_per_s=round(8 / med, 2), ms_per_step=round(med * 1e3, 1))


    # (g) segmentation inference and RoI Align backward
    fcn = torchvision.models.segmentation.fcn_resnet50(weights=None, weights_backbone=None, aux_loss=False)
    fcn.eval()
    with torch.no_grad():
        x = torch.randn(1, 3, 320, 320)
        med, mn, inner = timeit(lambda: fcn(x)["out"], case="infer_fcn_resnet50")
        emit("infer_fcn_resnet50", med, mn, inner, batch=1, input=[3, 320, 320],
             images_per_s=round(1 / med, 2), ms_per_batch=round(med * 1e3, 3))

    featg = feat.clone().requires_grad_(True)
    seed = torch.randn(512, 256, 7, 7, generator=g)

    def roi_back():
        featg.grad = None
        roi_align(featg, rois5, (7, 7), spatial_scale=1 / 16.0, sampling_ratio=2, aligned=False).backward(seed)

    med, mn, inner = timeit(roi_back, case="roi_align_backward")
    emit("roi_align_backward", med, mn, inner, feature=[1, 256, 50, 50], boxes=512, output=[7, 7],
         spatial_scale=1 / 16.0, sampling_ratio=2, aligned=False, ms_per_call=round(med * 1e3, 3))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threads", default="1,2", help="comma list, e.g. 1,2")
    ap.add_argument("--reps", type=int, default=5, help="timed repetitions (median reported)")
    ap.add_argument("--min-rep-s", type=float, default=0.3, help="minimum seconds per repetition")
    ap.add_argument("--quick", action="store_true", help="skip 2048^3 sgemm")
    ap.add_argument("--case", default="", metavar="NAME", help="time only the cases whose name starts with NAME")
    ap.add_argument("--wait-idle", type=float, default=0.0, metavar="PCT",
                    help="before each case wait until machine idle%% >= PCT (other load skews 2-thread runs)")
    ap.add_argument("--wait-idle-max-s", type=float, default=60.0, help="give up waiting after this many s")
    ap.add_argument("--out", help="also write all records plus machine info to this JSON file")
    ap.add_argument("--merge", action="store_true",
                    help="with --out: keep records of other thread counts already in the file")
    ap.add_argument("--_child", type=int, help=argparse.SUPPRESS)
    a = ap.parse_args()

    if a._child is not None:
        child(a._child, a.reps, a.min_rep_s, a.quick, a.wait_idle, a.wait_idle_max_s, a.case)
        return

    records = []
    for t in [int(s) for s in a.threads.split(",") if s]:
        env = dict(os.environ, OMP_NUM_THREADS=str(t), OPENBLAS_NUM_THREADS=str(t),
                   MKL_NUM_THREADS=str(t))
        cmd = [sys.executable, os.path.abspath(__file__), "--_child", str(t),
               "--reps", str(a.reps), "--min-rep-s", str(a.min_rep_s),
               "--wait-idle", str(a.wait_idle), "--wait-idle-max-s", str(a.wait_idle_max_s)] + \
            (["--quick"] if a.quick else []) + (["--case", a.case] if a.case else [])
        p = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, text=True)
        for line in p.stdout:
            sys.stdout.write(line)
            sys.stdout.flush()
            records.append(json.loads(line))
        if p.wait() != 0:
            sys.exit(p.returncode)

    if a.out:
        import platform
        import re
        import torch
        cpu = ""
        try:
            with open("/proc/cpuinfo") as f:
                cpu = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
        except Exception:
            pass
        info = dict(
            date=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            python=platform.python_version(),
            cpu=cpu,
            logical_cpus=os.cpu_count(),
            torch=torch.__version__,
            mkldnn_available=torch.backends.mkldnn.is_available(),
            mkl_available=torch.backends.mkl.is_available(),
            openmp_available=torch.backends.openmp.is_available(),
            torch_config=[re.sub(r"(CXX_COMPILER|CXX_FLAGS)=.*?, (?=[A-Z_]+=)", "", l)
                          for l in torch.__config__.show().strip().splitlines()],
            blas_note="BLAS_INFO=generic: the system libblas.so.3 (Debian alternative, OpenBLAS); "
                      "conv2d via oneDNN (MKL-DNN) when mkldnn_available",
            note="medians of %d reps; other processes may share the CPUs (see loadavg1)" % a.reps,
        )
        if a.merge and os.path.exists(a.out):
            with open(a.out) as f:
                old = json.load(f)
            done = {r["threads"] for r in records}
            records = [r for r in old.get("results", []) if r["threads"] not in done] + records
            records.sort(key=lambda r: r["threads"])
            info["merged_runs"] = old.get("machine", {}).get("merged_runs", [old.get("machine", {}).get("date")])
            info["merged_runs"].append(info["date"])
        with open(a.out, "w") as f:
            json.dump(dict(machine=info, results=records), f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
