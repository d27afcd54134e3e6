#!/usr/bin/env node
// Reference runner for bnnc's tests: runs an ONNX model with onnxruntime (CPU, one thread) on
// .npy inputs and writes its outputs as .npy files.
//
//   node run_ort.js MODEL.onnx in0.npy [in1.npy ...] -o out0.npy [-o out1.npy ...]
//                   [--graph-opt disabled|basic]
//
// Inputs are bound to the model's graph inputs (initializers excluded) in order. Outputs are
// written in the model's output order; the number of -o options must equal the number of graph
// outputs. Graph optimizations are disabled by default so that onnxruntime computes exactly what
// the file says (its "basic" level already fuses Conv+BatchNorm and Conv+Mul, which changes float
// rounding).
//
// .npy support: format versions 1.0 (written) and 1.0/2.0/3.0 (read), C order, little-endian,
// dtypes float16/float32/float64, int8/16/32/64, uint8/16/32/64, bool.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');

const PROG = 'run_ort';

class UsageError extends Error {}

function fail(msg) {
  process.stderr.write(`${PROG}: error: ${msg}\n`);
  process.exit(1);
}

// ---------------------------------------------------------------------------------------------
// .npy

// numpy descr (without byte-order character) -> [onnxruntime tensor type, typed array class]
const DTYPES = {
  f2: ['float16', Uint16Array],  // raw bits; onnxruntime-node takes float16 data as Uint16Array
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

// onnxruntime tensor type -> numpy descr
const ORT_TO_DESCR = {
  float16: '<f2',
  float32: '<f4',
  float64: '<f8',
  int8: '|i1',
  uint8: '|u1',
  int16: '<i2',
  uint16: '<u2',
  int32: '<i4',
  uint32: '<u4',
  int64: '<i8',
  uint64: '<u8',
  bool: '|b1',
};

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]);  // "\x93NUMPY"

function readNpy(file) {
  let buf;
  try {
    buf = fs.readFileSync(file);
  } catch (e) {
    throw new Error(`cannot read input '${file}': ${e.message}`);
  }
  const bad = (why) => new Error(`'${file}' is not a supported .npy file: ${why}`);
  if (buf.length < 10 || !buf.subarray(0, 6).equals(MAGIC)) throw bad('bad magic');
  const major = buf[6];
  let headerLen;
  let headerStart;
  if (major === 1) {
    headerLen = buf.readUInt16LE(8);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (buf.length < 12) throw bad('truncated header');
    headerLen = buf.readUInt32LE(8);
    headerStart = 12;
  } else {
    throw bad(`format version ${major}.${buf[7]}`);
  }
  const dataStart = headerStart + headerLen;
  if (buf.length < dataStart) throw bad('truncated header');
  const header = buf.toString(major === 3 ? 'utf8' : 'latin1', headerStart, dataStart);

  const descrM = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(header);
  const fortranM = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(header);
  const shapeM = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(header);
  if (!descrM || !fortranM || !shapeM) throw bad(`cannot parse header ${JSON.stringify(header)}`);

  const descr = descrM[1];
  let order = '';
  let code = descr;
  if ('<>|='.includes(descr[0])) {
    order = descr[0];
    code = descr.slice(1);
  }
  if (code === '?') code = 'b1';
  if (code === 'b') code = 'i1';
  if (code === 'B') code = 'u1';
  if (!(code in DTYPES)) throw bad(`unsupported dtype '${descr}'`);
  if (order === '>' && code !== 'i1' && code !== 'u1' && code !== 'b1') {
    throw bad(`big-endian dtype '${descr}'`);
  }
  if (fortranM[1] === 'True') throw bad('fortran_order arrays are not supported');

  const dims = shapeM[1]
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      const n = Number(s.replace(/L$/, ''));
      if (!Number.isInteger(n) || n < 0) throw bad(`bad shape ${shapeM[0]}`);
      return n;
    });
  const count = dims.reduce((a, b) => a * b, 1);
  const [type, Ctor] = DTYPES[code];
  const nbytes = count * Ctor.BYTES_PER_ELEMENT;
  if (buf.length - dataStart < nbytes) {
    throw bad(`holds ${buf.length - dataStart} data bytes, shape ${JSON.stringify(dims)} needs ${nbytes}`);
  }
  // Copy into a fresh, aligned ArrayBuffer.
  const ab = new ArrayBuffer(nbytes);
  new Uint8Array(ab).set(buf.subarray(dataStart, dataStart + nbytes));
  let data = new Ctor(ab);
  if (type === 'bool') data = data.map((v) => (v ? 1 : 0));
  return { type, dims, data };
}

function npyBytes(descr, dims, dataBytes) {
  const shape = dims.length === 0 ? '()' : dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  // Pad with spaces so that magic(6) + version(2) + length(2) + header + '\n' is a multiple of 64.
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  if (header.length > 65535) throw new Error('npy header too long');
  const pre = Buffer.alloc(10);
  MAGIC.copy(pre, 0);
  pre[6] = 1;
  pre[7] = 0;
  pre.writeUInt16LE(header.length, 8);
  return Buffer.concat([pre, Buffer.from(header, 'latin1'), dataBytes]);
}

function writeNpy(file, tensor) {
  const descr = ORT_TO_DESCR[tensor.type];
  if (!descr) throw new Error(`output type '${tensor.type}' cannot be written as .npy`);
  let data = tensor.data;
  if (tensor.type === 'bool') data = Uint8Array.from(data, (v) => (v ? 1 : 0));
  if (tensor.type === 'float16' && !(data instanceof Uint16Array)) {
    // Newer runtimes may hand out a Float16Array; keep the raw bits.
    data = new Uint16Array(data.buffer, data.byteOffset, data.length);
  }
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  try {
    fs.writeFileSync(file, npyBytes(descr, Array.from(tensor.dims, Number), bytes));
  } catch (e) {
    throw new Error(`cannot write output '${file}': ${e.message}`);
  }
}

// ---------------------------------------------------------------------------------------------
// command line

function usage() {
  return (
    `usage: node ${path.basename(process.argv[1] || 'run_ort.js')} MODEL.onnx [in0.npy ...] ` +
    `-o out0.npy [-o out1.npy ...] [--graph-opt disabled|basic]`
  );
}

function parseArgs(argv) {
  const opts = { model: null, inputs: [], outputs: [], graphOpt: 'disabled' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new UsageError(`option ${a} needs a value`);
      return argv[++i];
    };
    if (a === '-h' || a === '--help') {
      process.stdout.write(usage() + '\n');
      process.exit(0);
    } else if (a === '-o' || a === '--output') {
      opts.outputs.push(value());
    } else if (a.startsWith('--output=')) {
      opts.outputs.push(a.slice('--output='.length));
    } else if (a === '--graph-opt') {
      opts.graphOpt = value();
    } else if (a.startsWith('--graph-opt=')) {
      opts.graphOpt = a.slice('--graph-opt='.length);
    } else if (a === '--') {
      for (i++; i < argv.length; i++) {
        if (opts.model === null) opts.model = argv[i];
        else opts.inputs.push(argv[i]);
      }
    } else if (a.startsWith('-') && a !== '-') {
      throw new UsageError(`unknown option ${a}`);
    } else if (opts.model === null) {
      opts.model = a;
    } else {
      opts.inputs.push(a);
    }
  }
  if (opts.model === null) throw new UsageError('no model given');
  if (opts.outputs.length === 0) throw new UsageError('no output given (-o FILE)');
  if (!['disabled', 'basic'].includes(opts.graphOpt)) {
    throw new UsageError(`--graph-opt must be 'disabled' or 'basic', not '${opts.graphOpt}'`);
  }
  return opts;
}

// ---------------------------------------------------------------------------------------------

function loadOrt() {
  try {
    return require('onnxruntime-node');
  } catch (e) {
    throw new Error(
      `cannot load onnxruntime-node (${e.message.split('\n')[0]}); install it with ` +
        `'ONNXRUNTIME_NODE_INSTALL=skip npm install --ignore-scripts' in ${__dirname}`,
    );
  }
}

function shapeMatches(expected, dims) {
  // expected: array of numbers (fixed) or strings/null (symbolic); [] may also mean "unknown".
  if (!Array.isArray(expected)) return true;
  if (expected.length !== dims.length) return false;
  return expected.every((d, k) => typeof d !== 'number' || d < 0 || d === dims[k]);
}

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`${PROG}: error: ${e.message}\n${usage()}\n`);
      process.exit(1);
    }
    throw e;
  }
  if (os.endianness() !== 'LE') throw new Error('only little-endian hosts are supported');
  if (!fs.existsSync(opts.model)) throw new Error(`model '${opts.model}' does not exist`);

  const ort = loadOrt();
  let session;
  try {
    session = await ort.InferenceSession.create(opts.model, {
      executionProviders: ['cpu'],
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: opts.graphOpt,
      enableCpuMemArena: false,
      logSeverityLevel: 3,
    });
  } catch (e) {
    throw new Error(`onnxruntime cannot load '${opts.model}': ${e.message}`);
  }

  const inputNames = session.inputNames;
  const outputNames = session.outputNames;
  if (opts.inputs.length !== inputNames.length) {
    throw new Error(
      `model has ${inputNames.length} input(s) [${inputNames.join(', ')}] but ` +
        `${opts.inputs.length} .npy file(s) were given`,
    );
  }
  if (opts.outputs.length !== outputNames.length) {
    throw new Error(
      `model has ${outputNames.length} output(s) [${outputNames.join(', ')}] but ` +
        `${opts.outputs.length} -o option(s) were given`,
    );
  }

  const meta = session.inputMetadata || [];
  const feeds = {};
  inputNames.forEach((name, k) => {
    const arr = readNpy(opts.inputs[k]);
    const m = meta[k];
    if (m && m.isTensor) {
      if (m.type && m.type !== arr.type) {
        throw new Error(
          `input ${k} '${name}' has type ${m.type} but '${opts.inputs[k]}' holds ${arr.type}`,
        );
      }
      if (!shapeMatches(m.shape, arr.dims) && m.shape.length !== 0) {
        throw new Error(
          `input ${k} '${name}' has shape [${m.shape.join(', ')}] but '${opts.inputs[k]}' ` +
            `has shape [${arr.dims.join(', ')}]`,
        );
      }
    }
    feeds[name] = new ort.Tensor(arr.type, arr.data, arr.dims);
  });

  let results;
  try {
    results = await session.run(feeds);
  } catch (e) {
    throw new Error(`onnxruntime failed to run '${opts.model}': ${e.message}`);
  }
  outputNames.forEach((name, k) => {
    const t = results[name];
    if (!t || typeof t.dims === 'undefined') {
      throw new Error(`output ${k} '${name}' is not a tensor`);
    }
    writeNpy(opts.outputs[k], t);
  });
  if (typeof session.release === 'function') await session.release();
}

// The .npy reader and writer serve the benchmark's onnxruntime runner too (bench/ort_bench.js).
module.exports = { readNpy, writeNpy };

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (e) => fail(e && e.message ? e.message : String(e)),
  );
}
