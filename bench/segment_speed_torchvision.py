"""Inference img/s of torchvision 0.14 on the networks cvkit's `train --task segment` builds, with
cvkit's own weights (bench/segment_speed.sh runs it beside bench/SegmentSpeed.java):

* fcn=FILE: a ResNet-18 FCN-8s with bilinear upsampling, the network of `--arch fcn` with its
  defaults: torchvision's resnet18 trunk (conv1 … layer4), torchvision's FCNHead(512, classes) on
  layer4, 1×1 score convolutions `skip3` (layer3) and `skip2` (layer2), each coarser score map
  resized bilinearly (align_corners=False) to the next finer map and added, the sum resized to
  the input; parameter names as cvkit's, so the model file's weights load with strict=True.
* mask-rcnn=FILE: torchvision's MaskRCNN on a ResNet-18 FPN built from the model file's config
  (the settings of ../shared/bench/train_detect_torchvision.py: BatchNorm, FPN with max-pool P6,
  RPN head with one conv, TwoMLPHead, RoI Align sampling ratio, mask head 4 × 64 at 14×14), the
  file's weights loaded with strict=True.
* lraspp: torchvision's lraspp_mobilenet_v3_large, untrained, the class count of the FCN file
  (6 without one): the issue's reference model, torchvision only.

One timed pass reads the PNGs in IMAGES_DIR and segments them in batches of BATCH, as
`cvkit segment` would: semantic models normalise, run and take each pixel's best class; Mask
R-CNN runs model(images) in eval mode (transform, RPN, box decoding, NMS, mask head, masks pasted
into the image) with score threshold CONF, NMS 0.5 and 100 detections (the model file's IoU and
count), and cuts the masks at 0.5. img/s = images ÷ median pass time.

  python3 bench/segment_speed_torchvision.py write-images DATA_DIR OUT_DIR COUNT
  python3 bench/segment_speed_torchvision.py time IMAGES_DIR THREADS BATCH SECONDS CONF MODEL...

write-images decodes the first COUNT images of DATA_DIR/val.json (sorted by id) and writes them
as PNG, so both tools read identical pixels. Set OMP_NUM_THREADS and OPENBLAS_NUM_THREADS to
THREADS before starting it (torch.set_num_threads does not reach OpenBLAS).
"""
import json
import os
import statistics
import struct
import sys
import time
from collections import OrderedDict

import numpy as np
import torch
import torch.nn.functional as F
import torchvision
from torch import nn
from torchvision.io import ImageReadMode, read_image
from torchvision.models.detection import MaskRCNN
from torchvision.models.detection.anchor_utils import AnchorGenerator
from torchvision.models.detection.backbone_utils import BackboneWithFPN
from torchvision.models.detection.faster_rcnn import FastRCNNPredictor, TwoMLPHead
from torchvision.models.detection.mask_rcnn import MaskRCNNHeads, MaskRCNNPredictor
from torchvision.models.detection.rpn import RPNHead
from torchvision.models.segmentation.fcn import FCNHead
from torchvision.ops import MultiScaleRoIAlign
from torchvision.ops.feature_pyramid_network import LastLevelMaxPool

DTYPES = {"F32": np.float32, "F16": np.float16, "F64": np.float64, "I64": np.int64, "I32": np.int32}


def read_safetensors(path):
    """The tensors and the parsed cvkit config of a .safetensors file (no safetensors package needed)."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    meta = header.pop("__metadata__", {})
    tensors = OrderedDict()
    for name, h in header.items():
        a, b = h["data_offsets"]
        arr = np.frombuffer(data[a:b], dtype=DTYPES[h["dtype"]]).reshape(h["shape"])
        tensors[name] = torch.from_numpy(arr.astype(np.float32) if h["dtype"] == "F16" else arr.copy())
    return tensors, json.loads(meta.get("config", "{}"))


class Fcn8s(nn.Module):
    """ResNet-18 FCN-8s with bilinear upsampling, as cvkit's segmentation.Fcn (resnet18, fcn-8s, bilinear)."""

    LAYERS = ["conv1", "bn1", "relu", "maxpool", "layer1", "layer2", "layer3", "layer4"]

    def __init__(self, classes):
        super().__init__()
        trunk = torchvision.models.resnet18(weights=None)
        self.backbone = nn.Sequential(OrderedDict((n, getattr(trunk, n)) for n in self.LAYERS))
        self.classifier = FCNHead(512, classes)
        self.skip3 = nn.Conv2d(256, classes, 1)
        self.skip2 = nn.Conv2d(128, classes, 1)

    def forward(self, x):
        size = x.shape[-2:]
        maps = {}
        for name, layer in self.backbone.named_children():
            x = layer(x)
            maps[name] = x
        s = self.classifier(x)
        for skip, layer in ((self.skip3, "layer3"), (self.skip2, "layer2")):
            f = maps[layer]
            s = F.interpolate(s, size=f.shape[-2:], mode="bilinear", align_corners=False) + skip(f)
        return F.interpolate(s, size=size, mode="bilinear", align_corners=False)


def build_fcn(path):
    tensors, cfg = read_safetensors(path)
    want = dict(architecture="fcn", backbone="resnet18", head="fcn-8s", upsample="bilinear")
    got = {k: cfg.get(k, "bilinear" if k == "upsample" else None) for k in want}
    if got != want:
        sys.exit(f"segment_speed_torchvision: {path}: is {got}, this bench builds {want} (the --arch fcn defaults)")
    model = Fcn8s(cfg["num_classes"])
    model.load_state_dict(tensors, strict=True)
    t = cfg["transform"]
    return model, t["mean"], t["std"], t["size"]


def build_mask_rcnn(path, conf):
    tensors, cfg = read_safetensors(path)
    if cfg.get("architecture") != "mask-rcnn" or cfg.get("backbone") != "resnet18" or cfg.get("frozen_batchnorm"):
        sys.exit(f"segment_speed_torchvision: {path}: not a cvkit Mask R-CNN on a ResNet-18 with trainable BatchNorm")
    c = cfg["fpn_channels"]
    body = torchvision.models.resnet18(weights=None, norm_layer=nn.BatchNorm2d)
    backbone = BackboneWithFPN(body, {f"layer{i + 1}": str(i) for i in range(4)}, [64, 128, 256, 512], c,
                               extra_blocks=LastLevelMaxPool())
    sizes = tuple((int(s),) for s in cfg["anchor_sizes"])
    anchors = AnchorGenerator(sizes, (tuple(cfg["aspect_ratios"]),) * len(sizes))
    box, mask, rpn, tr = cfg["box_head"], cfg["mask_head"], cfg["rpn"], cfg["transform"]
    levels = ["0", "1", "2", "3"]
    mask_out = mask["reduced"]
    model = MaskRCNN(
        backbone, min_size=tr["min_size"], max_size=tr["max_size"], image_mean=tr["mean"], image_std=tr["std"],
        rpn_anchor_generator=anchors, rpn_head=RPNHead(c, anchors.num_anchors_per_location()[0], conv_depth=1),
        rpn_pre_nms_top_n_test=rpn["test_pre_nms"], rpn_post_nms_top_n_test=rpn["test_post_nms"],
        box_roi_pool=MultiScaleRoIAlign(levels, output_size=7, sampling_ratio=box["sampling_ratio"]),
        box_head=TwoMLPHead(c * 7 * 7, box["representation"]),
        box_predictor=FastRCNNPredictor(box["representation"], cfg["num_classes"]),
        box_score_thresh=conf, box_nms_thresh=cfg["thresholds"]["iou"], box_detections_per_img=cfg["thresholds"]["max_det"],
        mask_roi_pool=MultiScaleRoIAlign(levels, output_size=mask["pool"], sampling_ratio=mask["sampling_ratio"]),
        mask_head=MaskRCNNHeads(c, mask["layers"], 1),
        mask_predictor=MaskRCNNPredictor(mask["layers"][-1], mask_out, cfg["num_classes"]))
    model.load_state_dict(tensors, strict=True)
    return model


def passes(run, files, batch, seconds):
    """Pass times and the process's CPU ms per image of each pass: each pass reads and segments every file; at least 3 passes and `seconds`."""
    times, cpu, out, t0 = [], [], None, time.perf_counter()
    while len(times) < 3 or time.perf_counter() - t0 < seconds:
        s, c = time.perf_counter(), time.process_time()
        out = [run([read_image(f, ImageReadMode.RGB) for f in files[i:i + batch]]) for i in range(0, len(files), batch)]
        times.append(time.perf_counter() - s)
        cpu.append((time.process_time() - c) * 1e3 / len(files))
    return times, cpu, out


def semantic(model, mean, std, side):
    mean, std = torch.tensor(mean).view(1, 3, 1, 1), torch.tensor(std).view(1, 3, 1, 1)

    def run(images):
        x = torch.stack(images).float() / 255
        if x.shape[-2:] != (side, side):
            x = F.interpolate(x, size=(side, side), mode="bilinear", align_corners=False)
        y = model((x - mean) / std)
        y = y["out"] if isinstance(y, dict) else y
        if y.shape[-2:] != images[0].shape[-2:]:
            y = F.interpolate(y, size=images[0].shape[-2:], mode="bilinear", align_corners=False)
        return y.argmax(1)
    return run


def instances(model):
    def run(images):
        found = model([im.float() / 255 for im in images])
        for d in found:
            d["masks"] = d["masks"][:, 0] > 0.5
        return found
    return run


def time_models(images, threads, batch, seconds, conf, specs):
    torch.set_num_threads(threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(0)
    files = sorted(os.path.join(images, f) for f in os.listdir(images) if f.endswith(".png"))
    classes = 6
    for spec in specs:
        name, _, path = spec.partition("=")
        rec = {"tool": "torchvision", "model": name, "threads": threads, "batch": batch, "images": len(files)}
        if name == "fcn":
            model, mean, std, side = build_fcn(path)
            classes = model.skip2.out_channels
            run = semantic(model, mean, std, side)
        elif name == "lraspp":
            model = torchvision.models.segmentation.lraspp_mobilenet_v3_large(weights=None, weights_backbone=None, num_classes=classes)
            run = semantic(model, [0.485, 0.456, 0.406], [0.229, 0.224, 0.225], read_image(files[0]).shape[-1])
        elif name == "mask-rcnn":
            model = build_mask_rcnn(path, conf)
            run = instances(model)
        else:
            sys.exit(f"segment_speed_torchvision: unknown model {spec} (fcn=FILE, lraspp, mask-rcnn=FILE)")
        model.eval()
        with torch.no_grad():
            passes(run, files, batch, 0)   # warm-up: 3 passes
            times, cpu, out = passes(run, files, batch, seconds)
        rec.update(img_per_s=len(files) / statistics.median(times), cpu_ms_per_img=statistics.median(cpu), passes=len(times),
                   params=sum(p.numel() for p in model.parameters()))
        if name == "mask-rcnn":
            dets = [d for b in out for d in b]
            rec.update(detections_per_image=sum(len(d["boxes"]) for d in dets) / len(files),
                       mask_pixels=int(sum(int(d["masks"].sum()) for d in dets)))
        else:
            labels = torch.cat(out)
            rec["class_pixels"] = torch.bincount(labels.flatten(), minlength=classes).tolist()
            if name == "fcn":
                with torch.no_grad():
                    x = (read_image(files[0], ImageReadMode.RGB).float()[None] / 255 - torch.tensor(mean).view(1, 3, 1, 1)) / torch.tensor(std).view(1, 3, 1, 1)
                    x = F.interpolate(x, size=(side, side), mode="bilinear", align_corners=False) if x.shape[-2:] != (side, side) else x
                    rec["first_image_score_sums"] = model(x)[0].double().sum((1, 2)).tolist()
        print(json.dumps(rec), flush=True)


def write_images(data, out, count):
    ann = json.load(open(os.path.join(data, "val.json")))
    os.makedirs(out, exist_ok=True)
    for im in sorted(ann["images"], key=lambda i: i["id"])[:count]:
        pixels = read_image(os.path.join(data, "val", im["file_name"]), ImageReadMode.RGB)
        torchvision.io.write_png(pixels, os.path.join(out, os.path.splitext(os.path.basename(im["file_name"]))[0] + ".png"))


def main():
    a = sys.argv[1:]
    if a and a[0] == "write-images" and len(a) == 4:
        write_images(a[1], a[2], int(a[3]))
    elif a and a[0] == "time" and len(a) >= 7:
        time_models(a[1], int(a[2]), int(a[3]), float(a[4]), float(a[5]), a[6:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
