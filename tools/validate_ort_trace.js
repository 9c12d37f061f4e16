#!/usr/bin/env node
// Execution as the referee (docs/validation.md, "Execution traces"): runs an
// ONNX model once in onnxruntime-node with graph optimizations off and
// profiling on, computes the matmul-class FLOPs of the nodes that actually ran
// from the input and output shapes the profile recorded (our conventions,
// docs/conventions.md: ConvTranspose on its input positions, no bias, If only
// the branch taken, Loop bodies once per iteration run), and compares them with
// `onnx-flops MODEL --format json` (forward.matmul_flops) given the same
// bindings. A development tool, never a build or test dependency: the figures
// it validates are pinned in testdata/ort_traces/ for a ctest.
//
//   node tools/validate_ort_trace.js MODEL [--dim NAME=N] [--value NAME=V[,V...]]
//        [--default-dim N] [--binary PATH] [--seed N] [--json] [--record FILE]
//   node tools/validate_ort_trace.js --sweep DIR|MODEL... [--jobs N] [--timeout S]
//
// Exit status: 0 the counts agree, 1 they differ, 2 the model could not be
// validated (onnxruntime refused or failed to run it, an input type the tool
// cannot make, a matmul-class op without a runtime formula here).
//
// How the trace is obtained: onnxruntime-node 1.20 ignores the enableProfiling
// and profileFilePrefix session options (its binding parses neither, and its
// endProfiling() is a stub). onnxruntime itself reads session options from the
// model when ORT_LOAD_CONFIG_FROM_MODEL=1: the metadata entry "ort_config" =
// {"session_options": {"enable_profiling": 1, "graph_optimization_level": 0}}.
// The tool appends that entry to the serialized ModelProto (field 14; the rest
// of the file is untouched), runs the copy from a temporary directory, and
// reads the onnxruntime_profile_*.json that the session writes when released.
// Limits: onnxruntime pre-packs constant weights (MatMul's B, Conv's W, the
// LSTM's W and R, ...) and frees them, so the profile omits those inputs; their
// shapes are taken from the model's initializers and Constant nodes, which are
// fixed in the file. Constant nodes never run (onnxruntime turns them into
// initializers). Everything else (activations, the If branch that ran, every
// Loop iteration) comes from the trace.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

const REPO = path.resolve(__dirname, '..');

// ---------------------------------------------------------------- protobuf --
// A minimal reader of the parts of onnx.proto the tool needs.

function readVarint(buf, pos) {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    const b = buf[pos.p++];
    result |= BigInt(b & 0x7f) << shift;
    if (b < 0x80) break;
    shift += 7n;
  }
  return result;
}

// Calls fn(field, wireType, value) for each field of the message in buf[start, end).
// value: BigInt for varints, a Buffer slice for length-delimited fields, a Buffer
// of 4 or 8 bytes for fixed fields.
function forEachField(buf, fn, start = 0, end = buf.length) {
  const pos = { p: start };
  while (pos.p < end) {
    const key = Number(readVarint(buf, pos));
    const field = key >>> 3;
    const wire = key & 7;
    let value;
    if (wire === 0) {
      value = readVarint(buf, pos);
    } else if (wire === 1) {
      value = buf.subarray(pos.p, pos.p + 8);
      pos.p += 8;
    } else if (wire === 2) {
      const len = Number(readVarint(buf, pos));
      value = buf.subarray(pos.p, pos.p + len);
      pos.p += len;
    } else if (wire === 5) {
      value = buf.subarray(pos.p, pos.p + 4);
      pos.p += 4;
    } else {
      throw new Error(`unsupported protobuf wire type ${wire}`);
    }
    fn(field, wire, value);
  }
}

const int64 = (v) => Number(BigInt.asIntN(64, v));
const str = (b) => (Buffer.isBuffer(b) ? b.toString('utf8') : String(b));

// Repeated int64 fields, packed or not.
function pushInts(out, wire, value) {
  if (wire === 0) {
    out.push(int64(value));
  } else {
    const pos = { p: 0 };
    while (pos.p < value.length) out.push(int64(readVarint(value, pos)));
  }
}

function pushFloats(out, wire, value) {
  if (wire === 5) {
    out.push(value.readFloatLE(0));
  } else {
    for (let i = 0; i + 4 <= value.length; i += 4) out.push(value.readFloatLE(i));
  }
}

function parseTensor(buf) {
  const t = { dims: [], dataType: 0, name: '', raw: null, int64Data: [], int32Data: [],
              floatData: [], external: false };
  forEachField(buf, (f, w, v) => {
    if (f === 1) pushInts(t.dims, w, v);
    else if (f === 2) t.dataType = Number(v);
    else if (f === 8) t.name = str(v);
    else if (f === 9) t.raw = v;
    else if (f === 7) pushInts(t.int64Data, w, v);
    else if (f === 5) pushInts(t.int32Data, w, v);
    else if (f === 4) pushFloats(t.floatData, w, v);
    else if (f === 13) {
      const entry = {};
      forEachField(v, (g, _w, x) => { entry[g === 1 ? 'key' : 'value'] = str(x); });
      if (entry.key === 'location') t.location = entry.value;
      else if (entry.key === 'offset') t.offset = Number(entry.value);
      else if (entry.key === 'length') t.length = Number(entry.value);
    } else if (f === 14) t.external = Number(v) === 1;
  });
  return t;
}

// The integer contents of a small tensor (int64/int32), else null.
function tensorInts(t) {
  if (t.external) return null;
  if (t.int64Data.length) return t.int64Data;
  if (t.int32Data.length) return t.int32Data;
  if (t.raw) {
    if (t.dataType === 7) {
      const out = [];
      for (let i = 0; i + 8 <= t.raw.length; i += 8) out.push(Number(t.raw.readBigInt64LE(i)));
      return out;
    }
    if (t.dataType === 6) {
      const out = [];
      for (let i = 0; i + 4 <= t.raw.length; i += 4) out.push(t.raw.readInt32LE(i));
      return out;
    }
  }
  return null;
}

function parseValueInfo(buf) {
  const vi = { name: '', kind: 'none', elemType: 0, dims: null };
  forEachField(buf, (f, _w, v) => {
    if (f === 1) vi.name = str(v);
    else if (f === 2) {
      forEachField(v, (tf, _tw, tv) => {
        if (tf === 1) {
          vi.kind = 'tensor';
          forEachField(tv, (g, _gw, gv) => {
            if (g === 1) vi.elemType = Number(gv);
            else if (g === 2) {
              vi.dims = [];
              forEachField(gv, (d, _dw, dv) => {
                if (d !== 1) return;
                const dim = { value: null, param: null };
                forEachField(dv, (k, _kw, kv) => {
                  if (k === 1) dim.value = int64(kv);
                  else if (k === 2) dim.param = str(kv);
                });
                vi.dims.push(dim);
              });
            }
          });
        } else {
          vi.kind = { 4: 'sequence', 5: 'map', 8: 'sparse tensor', 9: 'optional' }[tf] || 'other';
        }
      });
    }
  });
  return vi;
}

function parseAttribute(buf) {
  const a = { name: '', ints: [], floats: [], strings: [], graphs: [] };
  forEachField(buf, (f, w, v) => {
    if (f === 1) a.name = str(v);
    else if (f === 2) a.f = v.readFloatLE(0);
    else if (f === 3) a.i = int64(v);
    else if (f === 4) a.s = str(v);
    else if (f === 5) a.t = parseTensor(v);
    else if (f === 6) a.graphs.push(parseGraph(v));
    else if (f === 7) pushFloats(a.floats, w, v);
    else if (f === 8) pushInts(a.ints, w, v);
    else if (f === 9) a.strings.push(str(v));
    else if (f === 11) a.graphs.push(parseGraph(v));
  });
  return a;
}

function parseNode(buf) {
  const n = { inputs: [], outputs: [], name: '', opType: '', domain: '', attrs: {} };
  forEachField(buf, (f, _w, v) => {
    if (f === 1) n.inputs.push(str(v));
    else if (f === 2) n.outputs.push(str(v));
    else if (f === 3) n.name = str(v);
    else if (f === 4) n.opType = str(v);
    else if (f === 7) n.domain = str(v);
    else if (f === 5) {
      const a = parseAttribute(v);
      n.attrs[a.name] = a;
    }
  });
  if (n.domain === 'ai.onnx') n.domain = '';
  return n;
}

function parseGraph(buf) {
  const g = { name: '', nodes: [], initializers: new Map(), inputs: [], outputs: [] };
  forEachField(buf, (f, _w, v) => {
    if (f === 1) g.nodes.push(parseNode(v));
    else if (f === 2) g.name = str(v);
    else if (f === 5) {
      const t = parseTensor(v);
      g.initializers.set(t.name, t);
    } else if (f === 11) g.inputs.push(parseValueInfo(v));
    else if (f === 12) g.outputs.push(parseValueInfo(v));
  });
  return g;
}

function parseModel(buf) {
  const m = { graph: null, opsets: {} };
  forEachField(buf, (f, _w, v) => {
    if (f === 7) m.graph = parseGraph(v);
    else if (f === 8) {
      let domain = '';
      let version = 0;
      forEachField(v, (g, _gw, gv) => {
        if (g === 1) domain = str(gv);
        else if (g === 2) version = Number(gv);
      });
      m.opsets[domain === 'ai.onnx' ? '' : domain] = version;
    }
  });
  if (!m.graph) throw new Error('no graph in the file');
  return m;
}

function encodeVarint(n) {
  const out = [];
  while (n > 127) {
    out.push((n & 127) | 128);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Buffer.from(out);
}

function lengthDelimited(field, payload) {
  return Buffer.concat([encodeVarint((field << 3) | 2), encodeVarint(payload.length), payload]);
}

// The model with metadata_props "ort_config" added (ModelProto field 14; protobuf
// fields may come in any order).
function withProfilingConfig(buf) {
  const config = JSON.stringify({ session_options: { enable_profiling: 1,
                                                      graph_optimization_level: 0 } });
  const entry = Buffer.concat([lengthDelimited(1, Buffer.from('ort_config')),
                               lengthDelimited(2, Buffer.from(config))]);
  // First, so that it wins over an ort_config the model has (onnxruntime reads the first).
  return Buffer.concat([lengthDelimited(14, entry), buf]);
}

// -------------------------------------------------------------- the graphs --

// Every graph (main first, then subgraphs depth first) with its outer scopes'
// static shapes visible: ctx.static maps a value name to {dims, ints} for
// initializers and Constant outputs, which onnxruntime may omit from the trace.
function collectGraphs(model) {
  const graphs = [];
  const visit = (g, outer, owner) => {
    const statics = new Map(outer);
    for (const [name, t] of g.initializers) {
      statics.set(name, { dims: t.dims, ints: tensorInts(t), elemType: t.dataType });
    }
    const ctx = { graph: g, statics, owner, nodes: [] };
    for (const n of g.nodes) {
      if (n.opType === 'Constant' && n.domain === '') {
        const a = Object.values(n.attrs)[0];
        let dims = [];
        let ints = null;
        if (a && a.t) {
          dims = a.t.dims;
          ints = tensorInts(a.t);
        } else if (a && a.name === 'value_ints') {
          dims = [a.ints.length];
          ints = a.ints;
        } else if (a && a.name === 'value_floats') {
          dims = [a.floats.length];
        } else if (a && a.name === 'value_int') {
          ints = [a.i];
        }
        statics.set(n.outputs[0], { dims, ints });
      }
    }
    graphs.push(ctx);
    for (const n of g.nodes) {
      if (!(n.opType === 'Constant' && n.domain === '')) ctx.nodes.push(n);
      for (const a of Object.values(n.attrs)) {
        for (const sub of a.graphs) visit(sub, statics, n);
      }
    }
  };
  visit(model.graph, new Map(), null);
  return graphs;
}

// ------------------------------------------------------------ the formulas --

const prod = (a) => a.reduce((x, y) => x * y, 1);
const numel = (s) => (s ? prod(s) : NaN);
const attrI = (n, name, dflt) => (n && n.attrs[name] && n.attrs[name].i !== undefined
                                    ? n.attrs[name].i : dflt);

// K of a MatMul operand A (FusedMatMul/TransposeMatMul transposes included).
function matmulK(a, transA, transBatchA) {
  if (a.length === 1) return a[0];
  if (transA) return transBatchA ? a[0] : a[a.length - 2];
  return a[a.length - 1];
}

// Einsum's matmul class as docs/rules.md has it: operands contracted pairwise
// left to right; a step that sums a letter away costs 2*prod(letters of the pair).
function einsumMatmul(equation, shapes) {
  const eq = equation.replace(/\s+/g, '');
  let [lhs, rhs] = eq.split('->');
  const terms = lhs.split(',');
  if (terms.length !== shapes.length) throw new Error('einsum: operand count');
  const sizes = {};
  let ellRank = 0;
  const expanded = terms.map((t, i) => {
    const explicit = t.replace('...', '').length;
    const r = shapes[i].length - explicit;
    if (t.includes('...')) ellRank = Math.max(ellRank, r);
    return { t, r };
  });
  const ellLetters = Array.from({ length: ellRank }, (_, k) => String.fromCharCode(0x3b1 + k));
  const letters = expanded.map(({ t, r }, i) => {
    const ell = ellLetters.slice(ellRank - r);
    const ls = t.includes('...') ? t.replace('...', ell.join('')) : t;
    const arr = Array.from(ls);
    arr.forEach((c, k) => { sizes[c] = Math.max(sizes[c] || 1, shapes[i][k]); });
    return arr;
  });
  let out;
  if (rhs === undefined) {
    const counts = {};
    for (const arr of letters) for (const c of arr) counts[c] = (counts[c] || 0) + 1;
    out = ellLetters.concat(Object.keys(counts).filter((c) => counts[c] === 1 &&
                                                            !ellLetters.includes(c)).sort());
  } else {
    out = Array.from(rhs.replace('...', ellLetters.join('')));
  }
  let total = 0;
  let cur = new Set(letters[0]);
  for (let i = 1; i < letters.length; ++i) {
    const pair = new Set([...cur, ...letters[i]]);
    const later = new Set(out);
    for (let j = i + 1; j < letters.length; ++j) for (const c of letters[j]) later.add(c);
    const kept = [...pair].filter((c) => later.has(c));
    const summed = kept.length < pair.size;
    if (summed) total += 2 * prod([...pair].map((c) => sizes[c]));
    cur = new Set(kept);
  }
  return total;
}

// Matmul-class FLOPs of one executed node, from its inputs' and outputs'
// shapes (in[i] null when absent). Returns null for ops outside the class.
// Throws when the op is in the class but the formula cannot be applied.
function matmulFlops(op, domain, node, ins, outs, statics) {
  const need = (s, what) => {
    if (!s) throw new Error(`${op}: ${what} shape not recorded`);
    return s;
  };
  const Y = () => need(outs[0], 'output');
  const key = (domain === '' ? '' : domain + ':') + op;
  switch (key) {
    case 'MatMul':
    case 'MatMulInteger':
    case 'com.microsoft:DynamicQuantizeMatMul':
    case 'com.microsoft:MatMulIntegerToFloat':
      return 2 * numel(Y()) * matmulK(need(ins[0], 'A'));
    case 'QLinearMatMul':
      return 2 * numel(Y()) * matmulK(need(ins[0], 'A'));
    case 'com.microsoft:FusedMatMul':
    case 'com.microsoft:TransposeMatMul':
      return 2 * numel(Y()) * matmulK(need(ins[0], 'A'), attrI(node, 'transA', 0),
                                      attrI(node, 'transBatchA', 0));
    case 'com.microsoft:MatMulNBits':
      return 2 * numel(Y()) * attrI(node, 'K', need(ins[0], 'A').slice(-1)[0]);
    case 'Gemm':
    case 'com.microsoft:FusedGemm': {
      const a = need(ins[0], 'A');
      const k = node ? (attrI(node, 'transA', 0) ? a[0] : a[1]) : numel(a) / Y()[0];
      return 2 * numel(Y()) * k;
    }
    case 'com.microsoft:GemmFastGelu':
      return 2 * numel(Y()) * need(ins[0], 'X').slice(-1)[0];
    case 'Conv':
    case 'ConvInteger':
    case 'com.microsoft:FusedConv':
      return 2 * numel(Y()) * numel(need(ins[1], 'W').slice(1));
    case 'QLinearConv':
      return 2 * numel(Y()) * numel(need(ins[3], 'W').slice(1));
    case 'ConvTranspose':
      return 2 * numel(need(ins[0], 'X')) * numel(need(ins[1], 'W').slice(1));
    case 'LSTM':
    case 'GRU':
    case 'RNN': {
      const x = need(ins[0], 'X');
      let rows = numel(x) / x[x.length - 1];
      const lens = node && node.inputs[4] && statics.get(node.inputs[4]);
      if (lens && lens.ints) rows = lens.ints.reduce((p, q) => p + q, 0);
      return 2 * rows * (numel(need(ins[1], 'W')) + numel(need(ins[2], 'R')));
    }
    case 'Einsum':
      if (!node) throw new Error('Einsum: node not identified, no equation');
      return einsumMatmul(node.attrs.equation.s, ins.map((s, i) => need(s, `operand ${i}`)));
    case 'com.microsoft:Attention':
    case 'com.microsoft:QAttention': {
      const x = need(ins[0], 'input');
      const w = need(ins[1], 'weights');
      const qkv = node && node.attrs.qkv_hidden_sizes ? node.attrs.qkv_hidden_sizes.ints
                                                      : [w[1] / 3, w[1] / 3, w[1] / 3];
      const [b, s] = x;
      let total = s;
      if (outs[1]) total = outs[1][3];
      else if (ins[op === 'Attention' ? 4 : 8]) total = ins[op === 'Attention' ? 4 : 8][3] + s;
      return 2 * numel(x) * w[1] + 2 * b * s * total * (qkv[0] + qkv[2]);
    }
    case 'com.microsoft:MultiHeadAttention': {
      const q = need(ins[0], 'query');
      const y = Y();
      const [b, sq, vHidden] = y;
      const hidden = q.length === 5 ? q[2] * q[4] : q[2];
      let skv = sq;
      const k = ins[1];
      if (k) skv = k.length === 4 ? k[2] : k[1];
      let total = skv;
      if (outs[1]) total = outs[1][2];
      else if (ins[6] && !(k && k.length === 4)) total = ins[6][2] + skv;
      return 2 * b * sq * total * (hidden + vHidden);
    }
    case 'ai.onnx.ml:LinearClassifier':
    case 'ai.onnx.ml:LinearRegressor': {
      if (!node) throw new Error(`${op}: node not identified`);
      const x = need(ins[0], 'X');
      const f = x.length > 1 ? x[x.length - 1] : 1;
      return 2 * (numel(x) / f) * node.attrs.coefficients.floats.length;
    }
    case 'ai.onnx.ml:SVMClassifier':
    case 'ai.onnx.ml:SVMRegressor': {
      if (!node) throw new Error(`${op}: node not identified`);
      const x = need(ins[0], 'X');
      const f = x.length > 1 ? x[x.length - 1] : 1;
      const sv = node.attrs.support_vectors ? node.attrs.support_vectors.floats.length : 0;
      const kernel = node.attrs.kernel_type ? node.attrs.kernel_type.s : 'LINEAR';
      if (sv === 0) return 2 * (numel(x) / f) * node.attrs.coefficients.floats.length;
      return kernel === 'RBF' ? 0 : 2 * (numel(x) / f) * sv;
    }
    case 'com.microsoft:MoE':
    case 'com.microsoft:QMoE': {
      // rules/moe.cc: rows*k expert rows (the profile cannot show the routing
      // split; the total is exact for any routing), each multiplying by every
      // weight of one expert once: fc1 + fc2 (+ fc3), counted from the
      // element counts, so either layout; QMoE packs 8/bits weights a byte.
      // CPU kernels (ORT_NODE_MODULES): 1.20 has none; 1.23 QMoE with a fused
      // swiglu only; 1.24.3-1.31.1 MoE (without fc3) and QMoE.
      if (!node) throw new Error(`${op}: node not identified, no k`);
      const x = need(ins[0], 'input');
      const rows = numel(x) / x[x.length - 1];
      const q = op === 'QMoE';
      const pack = q ? 8 / attrI(node, 'expert_weight_bits', 4) : 1;
      const perExpert = (i, what) => numel(need(ins[i], what).slice(1)) * pack;
      const fc3 = node.inputs[q ? 8 : 6] ? perExpert(q ? 8 : 6, 'fc3_experts_weights') : 0;
      return 2 * rows * attrI(node, 'k', 1) *
             (perExpert(2, 'fc1_experts_weights') + perExpert(q ? 5 : 4, 'fc2_experts_weights') + fc3);
    }
    case 'Attention':
    case 'com.microsoft:GroupQueryAttention':
      throw new Error(`${op}: no runtime formula in this tool`);
    default:
      return null;
  }
}

// --------------------------------------------------------------- the trace --

const ELEM = {
  1: ['float32', Float32Array], 2: ['uint8', Uint8Array], 3: ['int8', Int8Array],
  4: ['uint16', Uint16Array], 5: ['int16', Int16Array], 6: ['int32', Int32Array],
  7: ['int64', BigInt64Array], 8: ['string', Array], 9: ['bool', Uint8Array],
  10: ['float16', Uint16Array], 11: ['float64', Float64Array], 12: ['uint32', Uint32Array],
  13: ['uint64', BigUint64Array],
};
const ELEM_BYTES = { 1: 4, 2: 1, 3: 1, 4: 2, 5: 2, 6: 4, 7: 8, 9: 1, 10: 2, 11: 8, 12: 4, 13: 8,
                     16: 2 };
const madeWeights = [];
const PROFILE_TYPE = {
  float: 1, uint8: 2, int8: 3, uint16: 4, int16: 5, int32: 6, int64: 7, string: 8, bool: 9,
  float16: 10, double: 11, uint32: 12, uint64: 13, bfloat16: 16,
};

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// The feeds and the onnx-flops flags that describe them. Symbolic dims take
// opts.dims[NAME], else opts.defaultDim (passed on as --dim); an input with an
// unnamed unknown dim is passed whole (--input NAME=DIMS); the contents of small
// integer/bool inputs are passed on as --value so conditions and trip counts
// fold the same way.
function makeFeeds(model, opts) {
  const g = model.graph;
  const rand = mulberry32(opts.seed);
  const feeds = {};
  const flags = [];
  const dimsBound = new Map();
  for (const vi of g.inputs) {
    if (g.initializers.has(vi.name)) continue;
    if (vi.kind !== 'tensor') throw new Error(`input ${vi.name}: ${vi.kind} inputs not supported`);
    if (!ELEM[vi.elemType]) throw new Error(`input ${vi.name}: element type ${vi.elemType}`);
    if (!vi.dims) throw new Error(`input ${vi.name}: no shape (rank unknown)`);
    let unnamed = false;
    const dims = vi.dims.map((d) => {
      if (d.value !== null && d.value >= 0) return d.value;
      if (d.param) {
        const v = opts.dims.has(d.param) ? opts.dims.get(d.param) : opts.defaultDim;
        dimsBound.set(d.param, v);
        return v;
      }
      unnamed = true;
      return opts.defaultDim;
    });
    if (unnamed) flags.push('--input', `${vi.name}=${dims.length ? dims.join('x') : 'scalar'}`);
    const [type, Arr] = ELEM[vi.elemType];
    const n = prod(dims);
    const given = opts.values.get(vi.name);
    if (given && given.length !== n) {
      throw new Error(`--value ${vi.name}: ${given.length} values for ${n} elements`);
    }
    let data;
    if (type === 'string') {
      data = Array.from({ length: n }, () => 'a');
    } else if (type === 'int64' || type === 'uint64') {
      data = Arr.from({ length: n }, (_, i) => BigInt(given ? given[i] : Math.floor(rand() * opts.intRange)));
    } else if (type === 'float32' || type === 'float64') {
      data = Arr.from({ length: n }, (_, i) => (given ? given[i] : rand() * 2 - 1));
    } else if (type === 'float16') {
      data = Arr.from({ length: n }, () => 0x3c00);  // 1.0
    } else if (type === 'bool') {
      data = Arr.from({ length: n }, (_, i) => (given ? given[i] : rand() < 0.5 ? 1 : 0));
    } else {
      data = Arr.from({ length: n }, (_, i) => (given ? given[i] : Math.floor(rand() * opts.intRange)));
    }
    feeds[vi.name] = { type, data, dims };
    const integral = !['float32', 'float64', 'float16', 'string'].includes(type);
    if ((given || integral) && dims.length <= 1 && n >= 1 && n <= 64) {
      flags.push('--value', `${vi.name}=${Array.from(data, (x) => String(Number(x))).join(',')}`);
    }
  }
  for (const [name, v] of dimsBound) flags.push('--dim', `${name}=${v}`);
  return { feeds, flags };
}

// Runs the model in onnxruntime-node with profiling on; returns the profile's
// executed-node events.
async function runProfiled(modelPath, buf, model, feeds) {
  const ort = loadOrt();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ort-trace-'));
  const cwd = process.cwd();
  try {
    // External data files are found beside the model: link them into the copy's
    // directory. A missing one (our testdata strips the weights) is made up:
    // small random floats, zeros for other types; its shapes are what matters.
    const external = new Map();
    const scan = (g) => {
      for (const t of g.initializers.values()) {
        if (!t.external || !t.location) continue;
        if (!external.has(t.location)) external.set(t.location, []);
        external.get(t.location).push(t);
      }
      for (const n of g.nodes) for (const a of Object.values(n.attrs)) a.graphs.forEach(scan);
    };
    scan(model.graph);
    const made = [];
    for (const [loc, tensors] of external) {
      const target = path.resolve(path.dirname(modelPath), loc);
      const link = path.join(dir, loc);
      fs.mkdirSync(path.dirname(link), { recursive: true });
      if (fs.existsSync(target)) {
        fs.symlinkSync(target, link);
        continue;
      }
      const size = Math.max(...tensors.map((t) => (t.offset || 0) + (t.length !== undefined
        ? t.length : prod(t.dims) * (ELEM_BYTES[t.dataType] || 8))));
      if (size > (1 << 29)) throw new Error(`${loc} is absent and too big to make up (${size} bytes)`);
      const data = Buffer.alloc(size);
      const rand = mulberry32(7);
      for (const t of tensors) {
        if (t.dataType !== 1) continue;
        const off = t.offset || 0;
        const len = t.length !== undefined ? t.length : prod(t.dims) * 4;
        for (let i = off; i + 4 <= off + len; i += 4) data.writeFloatLE((rand() * 2 - 1) * 0.1, i);
      }
      fs.writeFileSync(link, data);
      made.push(loc);
    }
    madeWeights.push(...made);
    const copy = path.join(dir, 'model.onnx');
    fs.writeFileSync(copy, withProfilingConfig(buf));
    process.env.ORT_LOAD_CONFIG_FROM_MODEL = '1';
    process.chdir(dir);
    const session = await ort.InferenceSession.create(copy, {
      graphOptimizationLevel: 'disabled', intraOpNumThreads: 1, interOpNumThreads: 1,
      executionProviders: ['cpu'], logSeverityLevel: 3,
    });
    const tensors = {};
    for (const [name, f] of Object.entries(feeds)) {
      tensors[name] = new ort.Tensor(f.type, f.data, f.dims);
    }
    // Only tensor outputs (the binding cannot return maps and sequences); onnxruntime
    // still runs every node, not only the path to the fetches.
    const fetches = model.graph.outputs.filter((o) => o.kind === 'tensor').map((o) => o.name);
    if (fetches.length === 0) throw new Error('no tensor output to fetch');
    await session.run(tensors, fetches);
    await session.release();
    const prof = fs.readdirSync(dir).filter((f) => /^onnxruntime_profile_.*\.json$/.test(f));
    if (prof.length !== 1) throw new Error('onnxruntime wrote no profile');
    const events = JSON.parse(fs.readFileSync(path.join(dir, prof[0]), 'utf8'));
    return events.filter((e) => e.cat === 'Node' && /_kernel_time$/.test(e.name));
  } finally {
    process.chdir(cwd);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function loadOrt() {
  const tries = [process.env.ORT_NODE_MODULES, path.join(__dirname, 'ort_trace', 'node_modules'),
                 path.join(REPO, 'node_modules')].filter(Boolean);
  for (const dir of tries) {
    const p = path.join(dir, 'onnxruntime-node');
    if (fs.existsSync(p)) return require(p);
  }
  return require('onnxruntime-node');
}

const profileShape = (entry) => {
  const [type, dims] = Object.entries(entry)[0];
  return { type: PROFILE_TYPE[type] || -1, dims };
};
const sameDims = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

// Which recorded shape belongs to which input: the profile lists the inputs
// that were present at run time, in order; initializers and Constant outputs
// may be missing (pre-packed and freed). Returns per input a shape or null.
function alignInputs(node, recorded, statics) {
  const ins = node.inputs;
  const result = new Array(ins.length).fill(null);
  const go = (i, j) => {
    if (i === ins.length) return j === recorded.length;
    if (!ins[i]) return go(i + 1, j);
    const st = statics.get(ins[i]);
    if (j < recorded.length && (!st || sameDims(st.dims, recorded[j].dims))) {
      result[i] = recorded[j].dims;
      if (go(i + 1, j + 1)) return true;
    }
    if (st) {
      result[i] = st.dims;
      if (go(i + 1, j)) return true;
    }
    result[i] = null;
    return false;
  };
  return go(0, 0) ? result : null;
}

// Matches the profile's events with the graphs' nodes: by name when the name
// is unique among the nodes of that op type, else by (op type, node index).
function attribute(events, graphs) {
  const byName = new Map();
  for (const ctx of graphs) {
    ctx.nodes.forEach((n, index) => {
      const k = `${n.opType}\u0000${n.name}`;
      if (!byName.has(k)) byName.set(k, []);
      byName.get(k).push({ ctx, n, index });
    });
  }
  return events.map((e) => {
    const op = e.args.op_name;
    const name = e.name.replace(/_kernel_time$/, '');
    const index = Number(e.args.node_index);
    let hits = byName.get(`${op}\u0000${name}`) || [];
    if (hits.length > 1) hits = hits.filter((h) => h.index === index);
    return { e, op, hit: hits.length === 1 ? hits[0] : null };
  });
}

function traceFlops(model, events) {
  const graphs = collectGraphs(model);
  const perOp = new Map();
  const notes = [];
  let total = 0;
  let ran = 0;
  for (const { e, op, hit } of attribute(events, graphs)) {
    ++ran;
    const recordedIn = (e.args.input_type_shape || []).map(profileShape);
    const recordedOut = (e.args.output_type_shape || []).map(profileShape);
    const domain = hit ? hit.n.domain : guessDomain(op);
    const statics = hit ? hit.ctx.statics : new Map();
    let ins = recordedIn.map((r) => r.dims);
    if (hit) {
      const aligned = alignInputs(hit.n, recordedIn, statics);
      if (aligned) ins = aligned;
      else notes.push(`${op} '${hit.n.name}': inputs could not be aligned with the trace`);
    }
    const outs = recordedOut.map((r) => r.dims);
    let f;
    try {
      f = matmulFlops(op, domain, hit ? hit.n : null, ins, outs, statics);
    } catch (err) {
      throw new Error(`node ${op} '${hit ? hit.n.name : e.name}': ${err.message}`);
    }
    if (f === null) continue;
    if (!hit) notes.push(`${op} '${e.name}' ran but was not matched to a node of the file`);
    const key = domain === '' ? op : `${domain}:${op}`;
    const row = perOp.get(key) || { runs: 0, flops: 0 };
    row.runs += 1;
    row.flops += f;
    perOp.set(key, row);
    total += f;
  }
  const counts = new Map();
  for (const n of notes) counts.set(n, (counts.get(n) || 0) + 1);
  return { perOp, total, ran, notes: [...counts].map(([n, c]) => (c > 1 ? `${n} (x${c})` : n)) };
}

function guessDomain(op) {
  return ['FusedMatMul', 'TransposeMatMul', 'FusedGemm', 'FusedConv', 'MatMulNBits', 'Attention',
          'MultiHeadAttention', 'QAttention', 'DynamicQuantizeMatMul', 'MatMulIntegerToFloat',
          'GemmFastGelu'].includes(op) ? 'com.microsoft' : '';
}

// ---------------------------------------------------------------- onnx-flops --

function defaultBinary() {
  if (process.env.ONNX_FLOPS) return process.env.ONNX_FLOPS;
  return path.join(REPO, 'build', 'onnx-flops');
}

function runOnnxFlops(binary, modelPath, flags) {
  const args = [modelPath, '--format', 'json', ...flags];
  const r = spawnSync(binary, args, { encoding: 'utf8', maxBuffer: 1 << 28, timeout: 300000 });
  if (r.status !== 0 || !r.stdout) {
    throw new Error(`onnx-flops exit ${r.status}: ${(r.stderr || '').trim().split('\n')[0]}`);
  }
  const rep = JSON.parse(r.stdout);
  const perOp = new Map();
  for (const row of rep.forward.by_op_type || []) {
    if (!row.matmul_flops) continue;
    const key = !row.domain || row.domain === 'ai.onnx' ? row.op_type : `${row.domain}:${row.op_type}`;
    perOp.set(key, { nodes: row.nodes, flops: Number(row.matmul_flops) });
  }
  return { total: Number(rep.forward.matmul_flops || 0), perOp, args,
           uncounted: (rep.forward.uncounted || []).map((u) => `${u.op_type} '${u.node}': ${u.reason}`),
           warnings: (rep.warnings || []).filter((w) => /Loop|Scan|If|branch|trip/.test(w)) };
}

// ------------------------------------------------------------------- output --

const fmt = (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : String(n));

function table(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  return rows.map((r, i) => {
    const line = r.map((cell, c) => (c === 0 ? String(cell).padEnd(widths[c])
                                              : String(cell).padStart(widths[c]))).join('  ');
    return i === 0 ? `${line}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : line;
  }).join('\n');
}

async function validate(modelPath, opts) {
  const buf = fs.readFileSync(modelPath);
  const model = parseModel(buf);
  const { feeds, flags } = makeFeeds(model, opts);
  const events = await runProfiled(modelPath, buf, model, feeds);
  const trace = traceFlops(model, events);
  const ours = runOnnxFlops(opts.binary, modelPath, flags);
  const keys = [...new Set([...trace.perOp.keys(), ...ours.perOp.keys()])].sort();
  const perOp = keys.map((k) => ({
    op: k,
    runs: trace.perOp.has(k) ? trace.perOp.get(k).runs : 0,
    runtime: trace.perOp.has(k) ? trace.perOp.get(k).flops : 0,
    nodes: ours.perOp.has(k) ? ours.perOp.get(k).nodes : 0,
    ours: ours.perOp.has(k) ? ours.perOp.get(k).flops : 0,
  }));
  return { model: modelPath, flags, perOp, runtime: trace.total, ours: ours.total,
           agree: trace.total === ours.total, ran: trace.ran,
           notes: trace.notes.concat(madeWeights.map((w) => `${w} is absent: made up (random weights)`)),
           uncounted: ours.uncounted, warnings: ours.warnings };
}

function printResult(r) {
  const rows = [['op type', 'runs', 'runtime FLOP', 'nodes', 'onnx-flops FLOP', '']];
  for (const p of r.perOp) {
    rows.push([p.op, p.runs, fmt(p.runtime), p.nodes, fmt(p.ours), p.runtime === p.ours ? '' : 'DIFFERS']);
  }
  rows.push(['total (matmul class)', '', fmt(r.runtime), '', fmt(r.ours), r.agree ? 'agree' : 'DIFFER']);
  console.log(`model: ${r.model}`);
  console.log(`onnx-flops flags: ${r.flags.length ? r.flags.join(' ') : '(none)'}`);
  console.log(`trace: ${r.ran} kernel runs (onnxruntime-node, optimizations off)`);
  console.log(table(rows));
  for (const n of r.notes) console.log(`note: ${n}`);
  for (const u of r.uncounted) console.log(`onnx-flops uncounted: ${u}`);
  for (const w of r.warnings) console.log(`onnx-flops warning: ${w}`);
}

// The record a ctest replays (testdata/ort_traces/*.json): model path relative
// to the repository, the flags, the runtime figures.
function recordOf(r) {
  const rel = path.relative(REPO, path.resolve(r.model));
  const perOp = {};
  for (const p of r.perOp) if (p.runtime) perOp[p.op] = p.runtime;
  return { model: rel, flags: r.flags, runtime_matmul_flops: r.runtime,
           runtime_matmul_flops_by_op_type: perOp };
}

// ------------------------------------------------------------------ the CLI --

function parseArgs(argv) {
  const opts = { dims: new Map(), values: new Map(), defaultDim: 2, binary: defaultBinary(),
                 seed: 1, intRange: 2, json: false, record: null, sweep: false, jobs: 2,
                 timeout: 120, models: [] };
  for (let i = 0; i < argv.length; ++i) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    const kv = (s) => {
      const eq = s.indexOf('=');
      if (eq <= 0) throw new Error(`${a} ${s}: expected NAME=VALUE`);
      return [s.slice(0, eq), s.slice(eq + 1)];
    };
    if (a === '--dim') {
      const [k, v] = kv(next());
      opts.dims.set(k, Number(v));
    } else if (a === '--value') {
      const [k, v] = kv(next());
      opts.values.set(k, v.split(',').map(Number));
    } else if (a === '--default-dim') opts.defaultDim = Number(next());
    else if (a === '--binary') opts.binary = next();
    else if (a === '--seed') opts.seed = Number(next());
    else if (a === '--int-range') opts.intRange = Number(next());
    else if (a === '--json') opts.json = true;
    else if (a === '--record') opts.record = next();
    else if (a === '--sweep') opts.sweep = true;
    else if (a === '--jobs') opts.jobs = Number(next());
    else if (a === '--timeout') opts.timeout = Number(next());
    else if (a === '--help' || a === '-h') opts.help = true;
    else if (a.startsWith('--')) throw new Error(`unknown flag ${a}`);
    else opts.models.push(a);
  }
  return opts;
}

const USAGE = `usage: node tools/validate_ort_trace.js MODEL [--dim NAME=N]... [--value NAME=V[,V...]]...
         [--default-dim N] [--binary PATH] [--seed N] [--int-range N] [--json] [--record FILE]
       node tools/validate_ort_trace.js --sweep DIR|MODEL... [--jobs N] [--timeout S] [--record FILE]
Runs MODEL once in onnxruntime-node (graph optimizations off, profiling on), sums
the matmul-class FLOPs of the nodes that ran from their recorded shapes, and
compares them with onnx-flops MODEL --format json (forward.matmul_flops).
exit 0 agree, 1 differ, 2 not validated (could not run, or no formula for an op)`;

function listModels(paths) {
  const out = [];
  const walk = (p) => {
    const st = fs.statSync(p);
    if (st.isDirectory()) {
      for (const f of fs.readdirSync(p).sort()) walk(path.join(p, f));
    } else if (p.toLowerCase().endsWith('.onnx')) out.push(p);
  };
  paths.forEach(walk);
  return out;
}

function addRecords(file, records) {
  // The file's other fields (its about text, known_differences) and the order
  // of its rows stay as they are; a rerun replaces its row in place, a new
  // row goes to the end.
  let doc = {
    about: 'Matmul-class FLOPs of the nodes onnxruntime ran (graph optimizations off), ' +
           'from their profiled shapes; written by tools/validate_ort_trace.js --record, ' +
           'replayed by tools/ort_trace_cli_test.cc. See docs/validation.md.',
    models: [],
  };
  if (fs.existsSync(file)) doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  doc.models = doc.models || [];
  const keyOf = (r) => `${r.model} ${r.flags.join(' ')}`;
  const at = new Map(doc.models.map((r, i) => [keyOf(r), i]));
  for (const r of records) {
    if (at.has(keyOf(r))) doc.models[at.get(keyOf(r))] = r;
    else doc.models.push(r);
  }
  fs.writeFileSync(file, JSON.stringify(doc, null, 1) + '\n');
}

async function sweep(opts) {
  const models = listModels(opts.models);
  const results = new Array(models.length);
  let next = 0;
  const childArgs = (m) => {
    const a = [__filename, m, '--json', '--binary', opts.binary, '--default-dim',
               String(opts.defaultDim), '--seed', String(opts.seed), '--int-range',
               String(opts.intRange)];
    for (const [k, v] of opts.dims) a.push('--dim', `${k}=${v}`);
    return a;
  };
  const { spawn } = require('child_process');
  const worker = async () => {
    while (next < models.length) {
      const i = next++;
      const m = models[i];
      results[i] = await new Promise((resolve) => {
        const child = spawn(process.execPath, childArgs(m), { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        child.stdout.on('data', (d) => { out += d; });
        child.stderr.on('data', (d) => { err += d; });
        const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeout * 1000);
        child.on('close', (code, signal) => {
          clearTimeout(timer);
          try {
            const r = JSON.parse(out);
            resolve({ ...r, code });
          } catch (_) {
            const why = signal ? `killed (${signal}${signal === 'SIGKILL' ? ', timeout' : ''})`
                               : (err.trim().split('\n').pop() || `exit ${code}`);
            resolve({ model: m, code: 2, error: why.slice(0, 300) });
          }
        });
      });
      const r = results[i];
      const status = r.code === 0 ? 'agree' : r.code === 1 ? 'DIFFER' : 'skipped';
      const detail = r.error ? r.error : `runtime ${fmt(r.runtime)}  onnx-flops ${fmt(r.ours)}`;
      process.stdout.write(`${status.padEnd(7)}  ${path.relative(process.cwd(), m)}  ${detail}\n`);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.jobs) }, worker));
  const agree = results.filter((r) => r.code === 0);
  const differ = results.filter((r) => r.code === 1);
  const skipped = results.filter((r) => r.code === 2);
  console.log(`\n${models.length} models: ${agree.length} agree, ${differ.length} differ, ` +
              `${skipped.length} not validated`);
  for (const r of differ) {
    console.log(`\nDIFFER ${r.model}\n  flags: ${r.flags.join(' ') || '(none)'}`);
    for (const p of r.perOp) {
      if (p.runtime !== p.ours) {
        console.log(`  ${p.op}: runtime ${fmt(p.runtime)} (${p.runs} runs), onnx-flops ` +
                    `${fmt(p.ours)} (${p.nodes} nodes)`);
      }
    }
    for (const u of r.uncounted || []) console.log(`  onnx-flops uncounted: ${u.slice(0, 240)}`);
    for (const w of r.warnings || []) console.log(`  onnx-flops warning: ${w.slice(0, 240)}`);
    for (const n of (r.notes || []).slice(0, 3)) console.log(`  trace note: ${n.slice(0, 240)}`);
  }
  if (opts.record) addRecords(opts.record, agree.filter((r) => r.runtime > 0).map(recordOf));
  return differ.length ? 1 : 0;
}

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`validate_ort_trace: ${err.message}\n${USAGE}`);
    return 2;
  }
  if (opts.help || opts.models.length === 0) {
    console.log(USAGE);
    return opts.help ? 0 : 2;
  }
  if (opts.sweep) return sweep(opts);
  if (opts.models.length !== 1) {
    console.error('validate_ort_trace: one MODEL (or --sweep)');
    return 2;
  }
  let r;
  try {
    r = await validate(opts.models[0], opts);
  } catch (err) {
    console.error(`validate_ort_trace: ${opts.models[0]}: ${err.message.split('\n')[0]}`);
    if (process.env.ORT_TRACE_DEBUG) console.error(err.stack);
    return 2;
  }
  if (opts.json) console.log(JSON.stringify(r));
  else printResult(r);
  if (opts.record && r.agree) addRecords(opts.record, [recordOf(r)]);
  return r.agree ? 0 : 1;
}

main().then((code) => { process.exitCode = code; });
