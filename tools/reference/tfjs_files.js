// What every TF.js reference script here needs: a graph model read from local files (MODEL.json
// and its weight shards beside it, no network) and a PNG as an RGB tensor [1, H, W, 3].
'use strict';
const fs = require('fs');
const path = require('path');
const { PNG } = require('pngjs');
const tf = require('@tensorflow/tfjs');

async function loadModel(file) {
  const json = JSON.parse(fs.readFileSync(file, 'utf8'));
  const group = json.weightsManifest[0];
  const bin = Buffer.concat(group.paths.map((p) => fs.readFileSync(path.join(path.dirname(file), p))));
  return tf.loadGraphModel({
    load: async () => ({
      modelTopology: json.modelTopology, format: json.format, generatedBy: json.generatedBy, convertedBy: json.convertedBy,
      signature: json.signature, weightSpecs: group.weights, weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.length),
    }),
  });
}

// dtype 'int32' or 'float32': the scripts feed the graphs what @vladmandic/human feeds them.
function readPng(file, dtype) {
  const png = PNG.sync.read(fs.readFileSync(file));
  const rgb = dtype === 'float32' ? new Float32Array(png.width * png.height * 3) : new Int32Array(png.width * png.height * 3);
  for (let i = 0, j = 0; i < png.data.length; i += 4) { rgb[j++] = png.data[i]; rgb[j++] = png.data[i + 1]; rgb[j++] = png.data[i + 2]; }
  return { width: png.width, height: png.height, tensor: tf.tensor4d(rgb, [1, png.height, png.width, 3], dtype) };
}

module.exports = { loadModel, readPng };
