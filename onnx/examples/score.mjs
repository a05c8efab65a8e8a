// Scores a CSV with an mtl4j ONNX export from Node.js (onnxruntime-node), using only the .onnx and its
// side file: raw values -> row ids through the side file's vocabularies, dense values fed raw (the
// standardisation is in the graph). Prints one line per row: the outputs, comma separated.
//
//   npm install --ignore-scripts onnxruntime-node@1.20.1
//   node score.mjs funnel.onnx funnel.inputs.json test.csv > scores.csv
//
// Handles categorical and dense inputs (the funnel model); bags, sequences and text follow the same
// side-file rules (0-padded int64 rows per example), images are float32 NCHW.
import fs from 'node:fs';
import ort from 'onnxruntime-node';

const [onnxFile, sideFile, csvFile] = process.argv.slice(2);
const side = JSON.parse(fs.readFileSync(sideFile, 'utf8'));
const lines = fs.readFileSync(csvFile, 'utf8').split('\n').filter(l => l.length > 0);
const header = lines[0].split(',');
const rows = lines.slice(1).map(l => l.split(','));
const col = name => {
  const i = header.indexOf(name);
  if (i < 0) throw new Error(`${csvFile}: no column '${name}' (has: ${header.join(', ')})`);
  return i;
};
const n = rows.length;
const feeds = {};
for (const input of side.inputs) {
  if (input.kind === 'dense') {
    const cols = input.columns.map(col);
    const x = new Float32Array(n * cols.length);
    rows.forEach((r, i) => cols.forEach((c, j) => { x[i * cols.length + j] = Number(r[c]); }));
    feeds[input.name] = new ort.Tensor('float32', x, [n, cols.length]);
  } else if (input.kind === 'categorical') {
    const v = input.vocabulary;
    if (v.kind !== 'list') throw new Error(`input '${input.name}': hashed vocabularies need Java's String.hashCode (see the side file)`);
    const index = new Map(v.tokens.map((t, k) => [t, 2 + k]));
    const c = col(input.sourceColumns[0]);
    const ids = new BigInt64Array(n);
    rows.forEach((r, i) => {
      const value = r[c];
      ids[i] = BigInt(value === '' ? side.idRows.padding : (index.get(value) ?? side.idRows.oov));
    });
    feeds[input.name] = new ort.Tensor('int64', ids, [n]);
  } else {
    throw new Error(`input '${input.name}' of kind '${input.kind}' is not handled by this example`);
  }
}
const session = await ort.InferenceSession.create(onnxFile);
const names = side.outputs.map(o => o.name);
const out = await session.run(feeds, names);
console.log(names.join(','));
for (let i = 0; i < n; i++) {
  console.log(names.map(name => out[name].data[i]).join(','));
}
