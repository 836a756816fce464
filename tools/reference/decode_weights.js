// Reference for cvkit's TF.js weight decoding (dev.cvkit.importer.tfjs), decoded by tfjs-core
// itself (tf.io.decodeWeights, pure-JS CPU backend).
//
//   node tools/reference/decode_weights.js OUT_DIR [CACHE_DIR]
//
// 1. Writes a small synthetic weights manifest split over two shards that exercises every stored
//    form (uint8/uint16/float16 quantisation of float32 and int32, raw entries at unaligned
//    offsets, a scalar, an empty tensor, float16 subnormals/infinities/NaN) and the values tfjs
//    decodes from it: float32 as hex bit patterns (exact, NaN included), int32 as numbers.
// 2. With CACHE_DIR (tools/fetch-models.sh's cache): the SHA-256 over all decoded tensors
//    (little-endian, manifest order) of the real SSD, Tiny and NanoDet weights.
'use strict';
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const tf = require('@tensorflow/tfjs');

async function main() {
  const [outDir, cacheDir] = process.argv.slice(2);
  if (!outDir) throw new Error('usage: decode_weights.js OUT_DIR [CACHE_DIR]');
  await tf.setBackend('cpu');
  writeSynthetic(outDir);
  if (cacheDir) writeReal(outDir, cacheDir);
}

function lcg(seed) {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s >>> 24; };
}

function writeSynthetic(outDir) {
  const next = lcg(20260101);
  const bytes = (n) => Array.from({ length: n }, next);
  const f32le = (vals) => { const b = Buffer.alloc(4 * vals.length); vals.forEach((v, i) => b.writeFloatLE(v, 4 * i)); return [...b]; };
  const i32le = (vals) => { const b = Buffer.alloc(4 * vals.length); vals.forEach((v, i) => b.writeInt32LE(v, 4 * i)); return [...b]; };
  const u16le = (vals) => { const b = Buffer.alloc(2 * vals.length); vals.forEach((v, i) => b.writeUInt16LE(v, 2 * i)); return [...b]; };
  const halves = [0x0000, 0x8000, 0x0001, 0x03ff, 0x0400, 0x3c00, 0xbc00, 0x7bff, 0x7c00, 0xfc00, 0x7e00, 0x3555];
  const entries = [
    [{ name: 'q8/float', shape: [2, 3, 4], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.03948551065781537, min: -5.014659853542552 } }, bytes(24)],
    [{ name: 'q8/int', shape: [6], dtype: 'int32', quantization: { dtype: 'uint8', scale: 0.5, min: -2.5 } }, [0, 1, 2, 3, 7, 255]],
    [{ name: 'raw/odd', shape: [3], dtype: 'float32' }, f32le([0.1, -3.75e-7, 12345.678])],
    [{ name: 'q16/float', shape: [7], dtype: 'float32', quantization: { dtype: 'uint16', scale: 1.2345e-4, min: -3.3 } }, u16le([0, 1, 2, 1000, 32768, 65534, 65535])],
    [{ name: 'f16/float', shape: [2, 6], dtype: 'float32', quantization: { dtype: 'float16', original_dtype: 'float32' } }, u16le(halves)],
    [{ name: 'raw/int', shape: [2], dtype: 'int32' }, i32le([-7, 2147483647])],
    [{ name: 'q16/int', shape: [3], dtype: 'int32', quantization: { dtype: 'uint16', scale: 0.25, min: -1.5 } }, u16le([0, 2, 65535])],
    [{ dtype: 'int32', shape: [], quantization: { dtype: 'uint8', scale: 1, min: 5118 }, name: 'scalar' }, [0]],
    [{ name: 'empty', shape: [0, 1], dtype: 'int32' }, []],
    [{ name: 'q8/float2', shape: [5], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.0078431372549, min: -1 } }, bytes(5)],
  ];
  const all = Buffer.from(entries.flatMap((e) => e[1]));
  const cut = 31; // an arbitrary split: the second shard starts inside an entry
  fs.writeFileSync(path.join(outDir, 'synthetic.part1.bin'), all.subarray(0, cut));
  fs.writeFileSync(path.join(outDir, 'synthetic.part2.bin'), all.subarray(cut));
  const manifest = [{ paths: ['synthetic.part1.bin', 'synthetic.part2.bin'], weights: entries.map((e) => e[0]) }];
  fs.writeFileSync(path.join(outDir, 'synthetic-weights_manifest.json'), JSON.stringify(manifest, null, 1) + '\n');

  const decoded = tf.io.decodeWeights(all.buffer.slice(all.byteOffset, all.byteOffset + all.length), manifest[0].weights);
  const expected = {};
  for (const spec of manifest[0].weights) {
    const t = decoded[spec.name];
    const data = t.dataSync();
    expected[spec.name] = spec.dtype === 'float32'
      ? { shape: t.shape, dtype: 'float32', bits: Array.from(new Uint32Array(new Float32Array(data).buffer), (b) => b.toString(16).padStart(8, '0')) }
      : { shape: t.shape, dtype: 'int32', values: Array.from(data) };
  }
  const doc = { generatedBy: 'tools/reference/decode_weights.js', tfjs: tf.version.tfjs, tensors: expected };
  fs.writeFileSync(path.join(outDir, 'synthetic-expected.json'), JSON.stringify(doc, null, 1) + '\n');
}

function hashDecoded(weights, shardBytes) {
  const buf = Buffer.concat(shardBytes);
  const decoded = tf.io.decodeWeights(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length), weights);
  const h = crypto.createHash('sha256');
  for (const spec of weights) {
    const d = decoded[spec.name].dataSync();
    h.update(Buffer.from(d.buffer, d.byteOffset, d.byteLength));
  }
  return { entries: weights.length, sha256: h.digest('hex') };
}

function writeReal(outDir, cacheDir) {
  const out = { generatedBy: 'tools/reference/decode_weights.js', tfjs: tf.version.tfjs, models: {} };
  const manifests = {
    'face-api-1.7.15/model/ssd_mobilenetv1_model-weights_manifest.json': (j) => j,
    'face-api-1.7.15/model/tiny_face_detector_model-weights_manifest.json': (j) => j,
    'human-models-3.0.4/models/nanodet.json': (j) => j.weightsManifest,
  };
  for (const [rel, groupsOf] of Object.entries(manifests)) {
    const file = path.join(cacheDir, rel);
    const groups = groupsOf(JSON.parse(fs.readFileSync(file, 'utf8')));
    const g = groups[0];
    out.models[rel] = hashDecoded(g.weights, g.paths.map((p) => fs.readFileSync(path.join(path.dirname(file), p))));
  }
  fs.writeFileSync(path.join(outDir, 'real-weights.json'), JSON.stringify(out, null, 1) + '\n');
}

main().catch((e) => { console.error(e); process.exit(1); });
