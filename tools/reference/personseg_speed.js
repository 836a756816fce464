// Forward-pass time of a person segmenter (models/meet.json, models/selfie.json) in TF.js itself,
// for bench/segment_bench.sh: the input prepared as personseg_reference.js does, then the model
// run REPEAT times after two warm-up runs; prints the median milliseconds per run.
//
//   node tools/reference/personseg_speed.js MODEL.json IMAGE.png [REPEAT] [BACKEND]   (BACKEND: cpu or wasm)
'use strict';
const tf = require('@tensorflow/tfjs');
const { loadModel, readPng } = require('./tfjs_files');

async function main() {
  const [modelFile, image, repeatText, backend] = process.argv.slice(2);
  const repeat = Number(repeatText || 10);
  if (backend === 'wasm') require('@tensorflow/tfjs-backend-wasm');
  await tf.setBackend(backend || 'cpu');
  const model = await loadModel(modelFile);
  const img = readPng(image, 'int32');
  const [, h, w] = model.inputs[0].shape;
  const input = tf.tidy(() => tf.div(tf.image.resizeBilinear(img.tensor, [h, w]), 255));
  const ms = [];
  for (let i = 0; i < repeat + 2; i++) {
    const t0 = process.hrtime.bigint();
    const y = model.execute(input);
    y.dataSync();
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
    y.dispose();
  }
  const warm = ms.slice(2).sort((a, b) => a - b);
  console.log(`${tf.getBackend()} ${warm[Math.floor(warm.length / 2)].toFixed(1)}`);
}

main().catch((e) => { console.error(e); process.exit(1); });
