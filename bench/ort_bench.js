#!/usr/bin/env node
// Times an ONNX model with onnxruntime (CPU execution provider, one thread) on .npy inputs, for
// bench/run_bench.py. onnxruntime-node is taken from test/reference/node_modules (set up by
// scripts/setup) or from wherever node finds it.
//
//   node ort_bench.js MODEL.onnx in0.npy [in1.npy ...] [--runs N] [--warmup K]
//                     [--graph-opt all|extended|basic|disabled] [-o out0.npy ...]
//
// Session: intraOpNumThreads = interOpNumThreads = 1, sequential execution, graph optimizations
// 'all' by default (the fair speed comparison: onnxruntime fuses Conv+BatchNorm, folds the
// constant weight subgraphs, picks its fastest kernels). K warm-up runs (default 3), then N timed
// runs (default 20), each timed around one awaited session.run(); that includes onnxruntime-node's
// per-call overhead (binding the inputs, creating the output tensors), which is some tens of
// microseconds and matters only for tiny models.
//
// Prints one JSON line: {"min_ms":..., "median_ms":..., "max_ms":..., "cpu_ms":..., "runs":N,
// "warmup":K, "graph_opt":"all", "ort_version":"..."}; cpu_ms is the process's CPU time (user +
// system, all threads) over the timed runs, per run: unlike wall-clock time it does not count the
// time spent waiting for a core on a loaded machine. With -o, the outputs of the last run are written as
// .npy (float32/float64/int32/int64/bool outputs).
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');

const PROG = 'ort_bench';

function fail(msg) {
  process.stderr.write(`${PROG}: error: ${msg}\n`);
  process.exit(1);
}

// ---------------------------------------------------------------------------------------------
// .npy (version 1.0-3.0, C order, little-endian)

const DTYPES = {
  f4: ['float32', Float32Array],
  f8: ['float64', Float64Array],
  i1: ['int8', Int8Array],
  u1: ['uint8', Uint8Array],
  i2: ['int16', Int16Array],
  u2: ['uint16', Uint16Array],
  i4: ['int32', Int32Array],
  u4: ['uint32', Uint32Array],
  i8: ['int64', BigInt64Array],
  u8: ['uint64', BigUint64Array],
  b1: ['bool', Uint8Array],
};
const ORT_TO_DESCR = {
  float32: '<f4', float64: '<f8', int8: '|i1', uint8: '|u1', int16: '<i2', uint16: '<u2',
  int32: '<i4', uint32: '<u4', int64: '<i8', uint64: '<u8', bool: '|b1',
};
const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]);

function readNpy(file) {
  const buf = fs.readFileSync(file);
  const bad = (why) => new Error(`'${file}' is not a supported .npy file: ${why}`);
  if (buf.length < 10 || !buf.subarray(0, 6).equals(MAGIC)) throw bad('bad magic');
  const major = buf[6];
  let headerLen, headerStart;
  if (major === 1) {
    headerLen = buf.readUInt16LE(8);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    headerLen = buf.readUInt32LE(8);
    headerStart = 12;
  } else {
    throw bad(`format version ${major}`);
  }
  const dataStart = headerStart + headerLen;
  const header = buf.toString('latin1', headerStart, dataStart);
  const descrM = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(header);
  const fortranM = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(header);
  const shapeM = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(header);
  if (!descrM || !fortranM || !shapeM) throw bad('cannot parse the header');
  if (fortranM[1] === 'True') throw bad('fortran_order');
  let code = descrM[1];
  if ('<|='.includes(code[0])) code = code.slice(1);
  else if (code[0] === '>') throw bad('big-endian');
  if (code === '?') code = 'b1';
  if (!(code in DTYPES)) throw bad(`dtype '${descrM[1]}'`);
  const dims = shapeM[1].split(',').map((s) => s.trim()).filter((s) => s).map(Number);
  const [type, Ctor] = DTYPES[code];
  const count = dims.reduce((a, b) => a * b, 1);
  const nbytes = count * Ctor.BYTES_PER_ELEMENT;
  if (buf.length - dataStart < nbytes) throw bad('truncated data');
  const ab = new ArrayBuffer(nbytes);
  new Uint8Array(ab).set(buf.subarray(dataStart, dataStart + nbytes));
  return { type, dims, data: new Ctor(ab) };
}

function writeNpy(file, t) {
  const descr = ORT_TO_DESCR[t.type];
  if (!descr) throw new Error(`output type '${t.type}' cannot be written as .npy`);
  const dims = Array.from(t.dims, Number);
  const shape = dims.length === 0 ? '()' : dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  header += ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
  const pre = Buffer.alloc(10);
  MAGIC.copy(pre, 0);
  pre[6] = 1;
  pre[7] = 0;
  pre.writeUInt16LE(header.length, 8);
  let data = t.data;
  if (t.type === 'bool') data = Uint8Array.from(data, (v) => (v ? 1 : 0));
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  fs.writeFileSync(file, Buffer.concat([pre, Buffer.from(header, 'latin1'), bytes]));
}

// ---------------------------------------------------------------------------------------------

function parseArgs(argv) {
  const o = { model: null, inputs: [], outputs: [], runs: 20, warmup: 3, graphOpt: 'all' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`option ${a} needs a value`);
      return argv[++i];
    };
    const count = (v, min) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < min) throw new Error(`bad count '${v}' for ${a}`);
      return n;
    };
    if (a === '--runs') o.runs = count(value(), 1);
    else if (a === '--warmup') o.warmup = count(value(), 0);
    else if (a === '--graph-opt') o.graphOpt = value();
    else if (a === '-o') o.outputs.push(value());
    else if (a === '-h' || a === '--help') {
      process.stdout.write('usage: node ort_bench.js MODEL.onnx in0.npy ... [--runs N] ' +
        '[--warmup K] [--graph-opt all|extended|basic|disabled] [-o out0.npy ...]\n');
      process.exit(0);
    } else if (a.startsWith('-')) throw new Error(`unknown option ${a}`);
    else if (o.model === null) o.model = a;
    else o.inputs.push(a);
  }
  if (o.model === null) throw new Error('no model given');
  if (!['all', 'extended', 'basic', 'disabled'].includes(o.graphOpt)) {
    throw new Error(`--graph-opt must be all, extended, basic or disabled, not '${o.graphOpt}'`);
  }
  return o;
}

function loadOrt() {
  const where = [__dirname, path.join(__dirname, '..', 'test', 'reference')];
  try {
    return require(require.resolve('onnxruntime-node', { paths: where }));
  } catch (e) {
    throw new Error(`cannot load onnxruntime-node (${e.message.split('\n')[0]}); ` +
      `run scripts/setup, or 'ONNXRUNTIME_NODE_INSTALL=skip npm install --ignore-scripts' in test/reference`);
  }
}

function ortVersion() {
  try {
    const p = require.resolve('onnxruntime-node/package.json',
      { paths: [__dirname, path.join(__dirname, '..', 'test', 'reference')] });
    return JSON.parse(fs.readFileSync(p, 'utf8')).version;
  } catch (e) {
    return 'unknown';
  }
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  if (os.endianness() !== 'LE') throw new Error('only little-endian hosts are supported');
  const ort = loadOrt();
  const session = await ort.InferenceSession.create(o.model, {
    executionProviders: ['cpu'],
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: o.graphOpt,
    logSeverityLevel: 3,
  });
  if (o.inputs.length !== session.inputNames.length) {
    throw new Error(`model has ${session.inputNames.length} input(s), ${o.inputs.length} given`);
  }
  if (o.outputs.length && o.outputs.length !== session.outputNames.length) {
    throw new Error(`model has ${session.outputNames.length} output(s), ${o.outputs.length} -o given`);
  }
  const feeds = {};
  session.inputNames.forEach((name, k) => {
    const a = readNpy(o.inputs[k]);
    feeds[name] = new ort.Tensor(a.type, a.data, a.dims);
  });

  let results;
  for (let r = 0; r < o.warmup; r++) results = await session.run(feeds);
  const samples = [];
  const cpu0 = process.cpuUsage();
  for (let r = 0; r < o.runs; r++) {
    const t0 = process.hrtime.bigint();
    results = await session.run(feeds);
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const cpu = process.cpuUsage(cpu0);
  samples.sort((a, b) => a - b);
  const n = samples.length;
  const median = n % 2 ? samples[(n - 1) / 2] : (samples[n / 2 - 1] + samples[n / 2]) / 2;
  o.outputs.forEach((file, k) => writeNpy(file, results[session.outputNames[k]]));
  process.stdout.write(JSON.stringify({
    min_ms: samples[0], median_ms: median, max_ms: samples[n - 1],
    cpu_ms: (cpu.user + cpu.system) / 1000 / n, runs: n, warmup: o.warmup,
    graph_opt: o.graphOpt, ort_version: ortVersion(),
  }) + '\n');
  if (typeof session.release === 'function') await session.release();
}

main().then(() => process.exit(0), (e) => fail(e && e.message ? e.message : String(e)));
