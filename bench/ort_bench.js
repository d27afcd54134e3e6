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

// .npy reading and writing: the reference runner's (test/reference/run_ort.js).
const { readNpy, writeNpy } = require(path.join(__dirname, '..', 'test', 'reference', 'run_ort.js'));

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
