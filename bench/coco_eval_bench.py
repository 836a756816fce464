#!/usr/bin/env python3
"""COCO evaluation speed: pycocotools vs `java -jar target/cvkit.jar eval`, whole process.

    python3 bench/coco_eval_bench.py [--images 5000] [--gt 40000] [--dets 100000]
                                     [--types bbox,segm] [--dir DIR] [--threads N] [--repeat N]

Run with a Python that has pycocotools and numpy (the project's fixtures use the system
python3). Build the jar first: mvn -o -q package -DskipTests.

Generates a synthetic dataset (80 categories, 640x480 images, polygon ground truth with some
crowd RLEs, results near the ground truth plus false positives, scores with ties; segm results
as compressed RLE plus bbox, as detectors write them), then runs each tool once per IoU type,
measured with /usr/bin/time -v (wall seconds, peak RSS), and checks that both print the same
12 numbers. Prints a Markdown table.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def generate(d, n_images, n_gt, n_dets, seed=7):
    import numpy as np
    from pycocotools import mask as maskUtils
    rng = np.random.default_rng(seed)
    W, H, K = 640, 480, 80
    images = [{"id": i + 1, "width": W, "height": H, "file_name": "%012d.jpg" % (i + 1)} for i in range(n_images)]
    cats = [{"id": k + 1, "name": "class%d" % (k + 1)} for k in range(K)]
    img_of_gt = np.sort(rng.integers(1, n_images + 1, n_gt))
    anns, polys = [], []

    def polygon(cx, cy, r, n):
        a = np.sort(rng.uniform(0, 2 * np.pi, n))
        rr = r * rng.uniform(0.6, 1.0, n)
        return [round(float(v), 2) for xy in zip(np.clip(cx + rr * np.cos(a), 0, W), np.clip(cy + rr * np.sin(a), 0, H)) for v in xy]

    for j, img in enumerate(img_of_gt):
        r = float(rng.choice([8, 20, 45, 90])) * float(rng.uniform(0.7, 1.3))
        cx, cy = float(rng.uniform(r, W - r)), float(rng.uniform(r, H - r))
        p = polygon(cx, cy, r, int(rng.integers(6, 14)))
        rle = maskUtils.frPyObjects([p], H, W)[0]
        crowd = rng.random() < 0.01
        seg = {"size": [H, W], "counts": rle["counts"].decode()} if crowd else [p]
        anns.append({"id": j + 1, "image_id": int(img), "category_id": int(rng.integers(1, K + 1)),
                     "segmentation": seg, "area": float(maskUtils.area(rle)),
                     "bbox": [float(v) for v in maskUtils.toBbox(rle)], "iscrowd": int(crowd)})
        polys.append(p)
    gt = {"images": images, "annotations": anns, "categories": cats}
    dets_box, dets_segm = [], []
    for i in range(n_dets):
        if i < n_dets * 0.6:
            # near a ground truth: its outline shifted and perturbed
            a = anns[int(rng.integers(0, n_gt))]
            gp = polys[a["id"] - 1]
            size = max(a["bbox"][2], a["bbox"][3], 1.0)
            s = size * float(rng.choice([0.01, 0.04, 0.1, 0.3]))
            dx, dy = rng.normal(0, s), rng.normal(0, s)
            p = [round(float(min(max(v + (dx if k % 2 == 0 else dy) + rng.normal(0, size * 0.02), 0), W if k % 2 == 0 else H)), 2)
                 for k, v in enumerate(gp)]
            img, cat = a["image_id"], a["category_id"] if rng.random() < 0.9 else int(rng.integers(1, K + 1))
        else:
            r = float(rng.choice([8, 20, 45, 90]))
            cx, cy = float(rng.uniform(r, W - r)), float(rng.uniform(r, H - r))
            img, cat = int(rng.integers(1, n_images + 1)), int(rng.integers(1, K + 1))
            p = polygon(cx, cy, r, 10)
        rle = maskUtils.frPyObjects([p], H, W)[0]
        bb = [round(float(v), 2) for v in maskUtils.toBbox(rle)]
        score = round(float(rng.uniform(0.05, 1.0)), 3)
        dets_box.append({"image_id": img, "category_id": cat, "bbox": bb, "score": score})
        dets_segm.append({"image_id": img, "category_id": cat, "bbox": bb, "score": score,
                          "segmentation": {"size": [H, W], "counts": rle["counts"].decode()}})
    for name, obj in (("gt.json", gt), ("dt_bbox.json", dets_box), ("dt_segm.json", dets_segm)):
        with open(os.path.join(d, name), "w") as f:
            json.dump(obj, f)


def run_pycocotools(gt, dt, iou_type):
    import contextlib
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval
    with contextlib.redirect_stdout(sys.stderr):
        g = COCO(gt)
        r = g.loadRes(dt)
        E = COCOeval(g, r, iou_type)
        E.evaluate()
        E.accumulate()
        E.summarize()
    print(json.dumps({"stats": [float(x) for x in E.stats]}))


def timed(cmd, env=None):
    t = shutil.which("time") if not os.path.exists("/usr/bin/time") else "/usr/bin/time"
    p = subprocess.run([t, "-v"] + cmd, capture_output=True, text=True, env=env)
    if p.returncode != 0:
        sys.exit("failed: %s\n%s" % (" ".join(cmd), p.stderr[-2000:]))
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", p.stderr)
    secs = (int(wall.group(1) or 0) * 3600 + int(wall.group(2)) * 60 + float(wall.group(3)))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr).group(1)) / 1024
    return secs, rss, p.stdout


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--run-pycocotools":
        run_pycocotools(*sys.argv[2:5])
        return
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--images", type=int, default=5000)
    ap.add_argument("--gt", type=int, default=40000)
    ap.add_argument("--dets", type=int, default=100000)
    ap.add_argument("--types", default="bbox,segm")
    ap.add_argument("--dir", help="where to keep the generated files (default: a temporary folder)")
    ap.add_argument("--threads", type=int, help="cvkit --threads (default: all cores)")
    ap.add_argument("--java", default=os.environ.get("JAVA", "java"))
    ap.add_argument("--repeat", type=int, default=1, help="alternate the two tools N times, report medians")
    ap.add_argument("--java-opts", action="append", default=[],
                    help="also run cvkit with these JVM options (repeatable), e.g. '-XX:TieredStopAtLevel=1'")
    ap.add_argument("--full-jit-row", action="store_true",
                    help="also run cvkit with CVKIT_FULL_JIT=1 (keeps HotSpot's C2 compiler on)")
    a = ap.parse_args()
    jar = os.path.join(ROOT, "target", "cvkit.jar")
    if not os.path.exists(jar):
        sys.exit("build the jar first: mvn -o -q package -DskipTests")
    d = a.dir or tempfile.mkdtemp(prefix="cvkit-coco-bench-")
    os.makedirs(d, exist_ok=True)
    if not os.path.exists(os.path.join(d, "dt_segm.json")):
        print("generating %d images, %d gt, %d results in %s ..." % (a.images, a.gt, a.dets, d), file=sys.stderr)
        generate(d, a.images, a.gt, a.dets)
    gt = os.path.join(d, "gt.json")
    rows = []
    load0 = open("/proc/loadavg").read().split()[0] if os.path.exists("/proc/loadavg") else "?"
    for t in a.types.split(","):
        dt = os.path.join(d, "dt_%s.json" % t)
        variants = [""] + a.java_opts + (["CVKIT_FULL_JIT=1"] if a.full_jit_row else [])
        cmds = []
        envs = []
        for opts in variants:
            envs.append(dict(os.environ, CVKIT_FULL_JIT="1") if opts == "CVKIT_FULL_JIT=1" else None)
            if opts == "CVKIT_FULL_JIT=1":
                opts = ""
            cmd = [a.java] + opts.split() + ["-jar", jar, "eval", "--gt", gt, "--dt", dt, "--iou-type", t, "--format", "json", "-q"]
            if a.threads:
                cmd += ["--threads", str(a.threads)]
            cmds.append(cmd)
        py, cv = [], [[] for _ in variants]
        for _ in range(a.repeat):
            py.append(timed([sys.executable, os.path.abspath(__file__), "--run-pycocotools", gt, dt, t]))
            for v, cmd in enumerate(cmds):
                cv[v].append(timed(cmd, envs[v]))
            print("%s: pycocotools %.2f s, cvkit %s s" % (t, py[-1][0], ", ".join("%.2f" % c[-1][0] for c in cv)),
                  file=sys.stderr)
        med = lambda runs, i: sorted(r[i] for r in runs)[len(runs) // 2]
        py_s = med(py, 0)
        for v, opts in enumerate(variants):
            same = all(json.loads(p[2])["stats"] == json.loads(c[2])["stats"] for p, c in zip(py, cv[v]))
            cv_s = med(cv[v], 0)
            label = t + ((" (cvkit with %s)" if "=" in opts and not opts.startswith("-") else " (cvkit JVM: %s)") % opts
                         if opts else "")
            rows.append((label, py_s, med(py, 1), cv_s, med(cv[v], 1), py_s / cv_s, same))
    load1 = open("/proc/loadavg").read().split()[0] if os.path.exists("/proc/loadavg") else "?"
    print("| iou type | pycocotools s | peak RSS MB | cvkit s | peak RSS MB | speed-up | same 12 stats |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for t, py_s, py_rss, cv_s, cv_rss, x, same in rows:
        print("| %s | %.2f | %.0f | %.2f | %.0f | %.1f× | %s |" % (t, py_s, py_rss, cv_s, cv_rss, x, "yes" if same else "NO"))
    print("\n%d images, %d ground truth, %d results; median of %d alternating run(s); load average %s before, %s after"
          % (a.images, a.gt, a.dets, a.repeat, load0, load1))
    if not a.dir:
        shutil.rmtree(d)


if __name__ == "__main__":
    main()
