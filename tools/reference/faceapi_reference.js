// Reference run of face-api's SSD-MobileNetV1 and Tiny face detectors (the original TF.js
// runtime, pure-JS CPU backend) on PNG inputs, for cvkit's exactness tests.
//
//   node tools/reference/faceapi_reference.js MODEL_DIR OUT.json IMAGE.png...
//
// MODEL_DIR: the package's model/ folder (tools/fetch-models.sh's verified copy); the code is the
// same pinned @vladmandic/face-api installed in tools/reference/node_modules.
//
// PNG is lossless, so cvkit and this script see the same RGB pixels. For each image it records:
//  - ssd: the 5118 decoded anchor boxes and scores before NMS (outputLayer of forwardInput) as the
//    20 highest-scoring anchors (index, [ymin, xmin, ymax, xmax] normalised, score) plus every
//    64th anchor, and the detections of detectAllFaces (minConfidence 0.2, maxResults 100);
//  - tiny: the raw conv8 output [13, 13, 25] at inputSize 416 (all of it) and the detections of
//    detectAllFaces (inputSize 416, scoreThreshold 0.2);
//  - the milliseconds each forward pass took (for the benchmark's comparison).
'use strict';
const fs = require('fs');
const path = require('path');
const { PNG } = require('pngjs');

async function main() {
  const [modelDir, outFile, ...images] = process.argv.slice(2);
  if (!modelDir || !outFile || images.length === 0) throw new Error('usage: faceapi_reference.js MODEL_DIR OUT.json IMAGE.png...');
  const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js');
  const tf = faceapi.tf;
  await tf.setBackend('cpu');
  await tf.ready();
  await faceapi.nets.ssdMobilenetv1.loadFromDisk(modelDir);
  await faceapi.nets.tinyFaceDetector.loadFromDisk(modelDir);

  const out = { generatedBy: 'tools/reference/faceapi_reference.js', faceApi: faceapi.version, tfjs: tf.version.tfjs, backend: tf.getBackend(), images: {} };
  for (const file of images) {
    const png = PNG.sync.read(fs.readFileSync(file));
    const rgb = new Int32Array(png.width * png.height * 3);
    for (let i = 0, j = 0; i < png.data.length; i += 4) { rgb[j++] = png.data[i]; rgb[j++] = png.data[i + 1]; rgb[j++] = png.data[i + 2]; }
    const img = tf.tensor3d(rgb, [png.height, png.width, 3], 'int32');
    const rec = { width: png.width, height: png.height };

    // SSD: pre-NMS decoded boxes and scores.
    let t0 = Date.now();
    const netInput = await faceapi.toNetInput(img);
    const { boxes, scores } = faceapi.nets.ssdMobilenetv1.forwardInput(netInput);
    const boxData = boxes[0].arraySync();
    const scoreData = Array.from(scores[0].dataSync());
    const ssdMs = Date.now() - t0;
    const order = scoreData.map((s, i) => i).sort((a, b) => scoreData[b] - scoreData[a]);
    const pick = (i) => ({ index: i, box: boxData[i], score: scoreData[i] });
    rec.ssd = {
      ms: ssdMs,
      top: order.slice(0, 20).map(pick),
      every64: scoreData.map((s, i) => i).filter((i) => i % 64 === 0).map(pick),
      detections: (await faceapi.detectAllFaces(img, new faceapi.SsdMobilenetv1Options({ minConfidence: 0.2, maxResults: 100 })))
        .map((d) => ({ bbox: [d.box.x, d.box.y, d.box.width, d.box.height], score: d.score })),
    };
    tf.dispose([...boxes, ...scores]);

    // Tiny face detector: raw grid output.
    t0 = Date.now();
    const raw = faceapi.nets.tinyFaceDetector.forwardInput(await faceapi.toNetInput(img), 416);
    const rawData = Array.from(raw.dataSync());
    rec.tiny = {
      ms: Date.now() - t0,
      shape: raw.shape,
      raw: rawData,
      detections: (await faceapi.detectAllFaces(img, new faceapi.TinyFaceDetectorOptions({ inputSize: 416, scoreThreshold: 0.2 })))
        .map((d) => ({ bbox: [d.box.x, d.box.y, d.box.width, d.box.height], score: d.score })),
    };
    raw.dispose();
    img.dispose();
    out.images[path.basename(file)] = rec;
    console.error(`${file}: ssd ${rec.ssd.detections.length} faces in ${rec.ssd.ms} ms, tiny ${rec.tiny.detections.length} in ${rec.tiny.ms} ms`);
  }
  // float32 values round-trip through 9 significant digits; keeps the fixture small.
  fs.writeFileSync(outFile, JSON.stringify(out, (k, v) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(9)) : v)) + '\n');
}

main().catch((e) => { console.error(e); process.exit(1); });
