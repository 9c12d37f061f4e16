#!/usr/bin/python3
"""Scale benchmark: onnx-flops on a 1.2 GB model with embedded weights, and
on synthetic graphs of 1k to 1M nodes. Prints the figures quoted in the README.

    nice -n 10 /usr/bin/python3 tools/bench_scale.py [--binary build/onnx-flops]
        [--dir /tmp/onnx-flops-bench-scale] [--skip-transformer] [--skip-scaling]
        [--layers 24] [--d-model 1024] [--sizes 1000,10000,100000,1000000]

Generated on demand (never committed) and cached in --dir by parameters, so a
rerun only measures:

  (a) transformer_*.onnx: a pre-LayerNorm encoder, 24 layers, d_model 1024,
      16 heads, MLP 4096, opset 17, input x[batch, seq, d_model] (embeddings: no
      vocabulary Gather, so the file is just the 24 x 12.6M float32 parameters,
      1.21 GB). Per layer: LayerNormalization; Q/K/V/output projections as
      MatMul + Add; Reshape/Transpose into heads; MatMul for Q.K^T, Mul by
      1/sqrt(d_head), Softmax, MatMul for scores.V; Gelu decomposed as
      Div/Erf/Add/Mul/Mul; residual Adds. Weights are random float32
      initializers in raw_data, embedded in the file. The file is streamed to
      disk one tensor at a time (protobuf wire format written by hand around
      messages serialized by onnx), so generation holds one tensor (at most
      16 MB), not the 2.4 GB that building a ModelProto and onnx.save need.
      A 2-layer file from the same generator is first checked with
      onnx.checker.check_model, onnx.shape_inference and onnx-flops (0
      uncounted nodes).
      Measured, warm (each command run once first), median of 3:
        onnx-flops FILE --dim batch=1 --dim seq=128 --format json >/dev/null
        /usr/bin/python3 -c "import onnx; onnx.load(FILE)"
      wall time (time.monotonic around Popen..wait4) and the command's peak RSS
      (ru_maxrss of its wait4, read through /usr/bin/time -f %M: see run()),
      and their ratios. The wall time includes /usr/bin/time's own fork and
      exec, printed once as "wrapper overhead".

  (b) chain_N.onnx for each N of --sizes: exactly N nodes, a chain of blocks
      MatMul(h, W) + Add(b) + Relu on [batch, 16] activations (one shared 16x16
      W and one b, so the file stays small), and after every 10 such blocks a
      shape block Shape -> Concat -> Reshape -> Reshape that takes h to
      [batch, 16, 1] and back, so shape values propagate through the graph.
      Measured, warm, median of 3: onnx-flops FILE --dim batch=1 --format json
      wall time, us per node, peak RSS. The last line compares us/node at the
      largest size with 10k: about 1.0 means the cost per node is flat.

Needs Debian's python3-onnx and python3-numpy (use /usr/bin/python3) and
GNU time (Debian package time) for exact peak RSS; without it the figures are
floored at this script's own RSS, and a note says so.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np
import onnx
from onnx import TensorProto, helper, mapping

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None
RSS_FILE = f"/tmp/bench_scale_rss.{os.getpid()}"
GENERATOR_VERSION = 1  # bump when a generator changes: cached files are keyed on it

# Wire-format tags: (field number << 3) | 2 (length-delimited).
TAG_MODEL_GRAPH = bytes([(7 << 3) | 2])
TAG_GRAPH_INITIALIZER = bytes([(5 << 3) | 2])
TAG_TENSOR_RAW_DATA = bytes([(9 << 3) | 2])


def varint(n):
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


class Init:
    """An initializer written with raw_data; value None means random float32."""

    def __init__(self, name, dims, value=None):
        self.name = name
        self.dims = list(dims)
        self.value = value
        dtype = TensorProto.FLOAT if value is None else mapping.NP_TYPE_TO_TENSOR_TYPE[value.dtype]
        header = TensorProto(name=name, dims=self.dims, data_type=dtype)
        self.header = header.SerializeToString()
        itemsize = 4 if value is None else value.dtype.itemsize
        self.payload = int(np.prod(self.dims, dtype=np.int64)) * itemsize
        self.body_len = len(self.header) + 1 + len(varint(self.payload)) + self.payload

    def field_len(self):
        return 1 + len(varint(self.body_len)) + self.body_len

    def write(self, out, rng):
        if self.value is None:
            data = (rng.standard_normal(int(np.prod(self.dims)), dtype=np.float32) * 0.02).tobytes()
        else:
            data = np.ascontiguousarray(self.value).tobytes()
        assert len(data) == self.payload
        out.write(TAG_GRAPH_INITIALIZER + varint(self.body_len) + self.header)
        out.write(TAG_TENSOR_RAW_DATA + varint(self.payload))
        out.write(data)


def write_model(path, graph, inits, opset):
    """Writes ModelProto(graph + inits) to path without holding the weights in memory.

    graph is a GraphProto without initializers; a repeated field may be appended
    after the others in the wire format, so the initializers follow its bytes.
    """
    model = helper.make_model(helper.make_graph([], graph.name, [], []),
                              opset_imports=[helper.make_opsetid("", opset)],
                              producer_name="onnx-flops/tools/bench_scale.py")
    model.ir_version = 8
    model.ClearField("graph")
    head = model.SerializeToString()
    graph_bytes = graph.SerializeToString()
    graph_len = len(graph_bytes) + sum(i.field_len() for i in inits)
    rng = np.random.default_rng(0)
    tmp = path + ".tmp"
    with open(tmp, "wb") as out:
        out.write(head + TAG_MODEL_GRAPH + varint(graph_len) + graph_bytes)
        del graph_bytes
        for init in inits:
            init.write(out, rng)
    os.replace(tmp, path)  # a killed run leaves no half-written cache entry


def f32(value):
    return np.array(value, dtype=np.float32)


def transformer_graph(layers, d_model, heads, mlp):
    d_head = d_model // heads
    nodes, inits = [], []
    inits += [
        Init("shape_heads", [4], np.array([0, 0, heads, d_head], dtype=np.int64)),
        Init("shape_merge", [3], np.array([0, 0, d_model], dtype=np.int64)),
        Init("attn_scale", [], f32(1.0 / np.sqrt(d_head))),
        Init("sqrt2", [], f32(np.sqrt(2.0))),
        Init("one", [], f32(1.0)),
        Init("half", [], f32(0.5)),
    ]

    def node(op, ins, outs, name, **attrs):
        nodes.append(helper.make_node(op, ins, outs, name=name, **attrs))
        return outs[0]

    def layer_norm(x, p):
        inits.extend([Init(f"{p}.gamma", [d_model], np.ones(d_model, np.float32)),
                      Init(f"{p}.beta", [d_model], np.zeros(d_model, np.float32))])
        return node("LayerNormalization", [x, f"{p}.gamma", f"{p}.beta"], [f"{p}.out"], p,
                    axis=-1, epsilon=1e-5)

    def linear(x, p, d_in, d_out):
        inits.extend([Init(f"{p}.weight", [d_in, d_out]), Init(f"{p}.bias", [d_out])])
        mm = node("MatMul", [x, f"{p}.weight"], [f"{p}.mm"], f"{p}.matmul")
        return node("Add", [mm, f"{p}.bias"], [f"{p}.out"], f"{p}.add")

    x = "x"
    for i in range(layers):
        p = f"layer{i}"
        h = layer_norm(x, f"{p}.ln1")
        q, k, v = (linear(h, f"{p}.attn.{n}", d_model, d_model) for n in "qkv")
        q, k, v = (node("Reshape", [t, "shape_heads"], [f"{t}.heads"], f"{t}.reshape")
                   for t in (q, k, v))
        q = node("Transpose", [q], [f"{q}.t"], f"{q}.transpose", perm=[0, 2, 1, 3])
        k = node("Transpose", [k], [f"{k}.t"], f"{k}.transpose", perm=[0, 2, 3, 1])
        v = node("Transpose", [v], [f"{v}.t"], f"{v}.transpose", perm=[0, 2, 1, 3])
        s = node("MatMul", [q, k], [f"{p}.attn.scores"], f"{p}.attn.qk")
        s = node("Mul", [s, "attn_scale"], [f"{p}.attn.scaled"], f"{p}.attn.scale")
        s = node("Softmax", [s], [f"{p}.attn.probs"], f"{p}.attn.softmax", axis=-1)
        c = node("MatMul", [s, v], [f"{p}.attn.ctx"], f"{p}.attn.sv")
        c = node("Transpose", [c], [f"{c}.t"], f"{p}.attn.ctx.transpose", perm=[0, 2, 1, 3])
        c = node("Reshape", [c, "shape_merge"], [f"{p}.attn.merged"], f"{p}.attn.merge")
        o = linear(c, f"{p}.attn.o", d_model, d_model)
        x = node("Add", [x, o], [f"{p}.res1"], f"{p}.res1")
        h = layer_norm(x, f"{p}.ln2")
        h = linear(h, f"{p}.mlp.fc1", d_model, mlp)
        # Gelu(h) = 0.5 * h * (1 + erf(h / sqrt 2)), as torch exports it before opset 20.
        g = node("Div", [h, "sqrt2"], [f"{p}.gelu.div"], f"{p}.gelu.div")
        g = node("Erf", [g], [f"{p}.gelu.erf"], f"{p}.gelu.erf")
        g = node("Add", [g, "one"], [f"{p}.gelu.add"], f"{p}.gelu.add")
        g = node("Mul", [h, g], [f"{p}.gelu.mul"], f"{p}.gelu.mul")
        g = node("Mul", [g, "half"], [f"{p}.gelu.out"], f"{p}.gelu.half")
        h = linear(g, f"{p}.mlp.fc2", mlp, d_model)
        x = node("Add", [x, h], [f"{p}.res2"], f"{p}.res2")
    node("LayerNormalization", [x, "final_ln.gamma", "final_ln.beta"], ["y"], "final_ln",
         axis=-1, epsilon=1e-5)
    inits.extend([Init("final_ln.gamma", [d_model], np.ones(d_model, np.float32)),
                  Init("final_ln.beta", [d_model], np.zeros(d_model, np.float32))])
    graph = helper.make_graph(
        nodes, f"transformer_{layers}x{d_model}",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", "seq", d_model])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", "seq", d_model])])
    return graph, inits


def make_transformer(directory, layers, d_model, heads, mlp):
    path = os.path.join(directory, f"transformer_v{GENERATOR_VERSION}_L{layers}_d{d_model}"
                                   f"_h{heads}_f{mlp}.onnx")
    if not os.path.exists(path):
        start = time.monotonic()
        graph, inits = transformer_graph(layers, d_model, heads, mlp)
        write_model(path, graph, inits, opset=17)
        print(f"generated {path} in {time.monotonic() - start:.1f} s", flush=True)
    return path


def chain_graph(n_nodes, width=16):
    """Exactly n_nodes nodes: blocks of MatMul+Add+Relu, a shape block every 10."""
    g = onnx.GraphProto(name=f"chain_{n_nodes}")
    g.input.append(helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", width]))
    count = 0
    h = "x"

    def add(op, ins, out):
        nonlocal count
        n = g.node.add()
        n.op_type = op
        n.name = f"n{count}"
        n.input.extend(ins)
        n.output.append(out)
        count += 1
        return out

    block = 0
    while n_nodes - count >= 3:
        if block % 10 == 9 and n_nodes - count >= 4 + 3:
            s = add("Shape", [h], f"t{count}")
            c = add("Concat", [s, "one_dim"], f"t{count}")
            g.node[-1].attribute.append(helper.make_attribute("axis", 0))
            r = add("Reshape", [h, c], f"t{count}")
            h = add("Reshape", [r, s], f"t{count}")
        h = add("MatMul", [h, "W"], f"t{count}")
        h = add("Add", [h, "b"], f"t{count}")
        h = add("Relu", [h], f"t{count}")
        block += 1
    while count < n_nodes:
        h = add("Relu", [h], f"t{count}")
    g.node[-1].output[0] = "y"
    g.output.append(helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", width]))
    rng = np.random.default_rng(0)
    inits = [Init("W", [width, width], rng.standard_normal((width, width)).astype(np.float32)),
             Init("b", [width], np.zeros(width, np.float32)),
             Init("one_dim", [1], np.array([1], np.int64))]
    return g, inits


def make_chain(directory, n_nodes):
    path = os.path.join(directory, f"chain_v{GENERATOR_VERSION}_n{n_nodes}.onnx")
    if not os.path.exists(path):
        start = time.monotonic()
        graph, inits = chain_graph(n_nodes)
        write_model(path, graph, inits, opset=17)
        print(f"generated {path} in {time.monotonic() - start:.1f} s", flush=True)
    return path


def run(cmd, capture=False):
    """(stdout or None, exit code, wall seconds, peak RSS MB) of one child.

    The peak RSS comes from GNU time's wait4 on a grandchild, not from our own
    os.wait4: subprocess spawns with vfork, and Linux's exec records the
    hiwater RSS of the mm it replaces (ours, 40-80 MB once numpy and onnx are
    loaded) in the child's ru_maxrss, a floor that would hide any figure below it.
    """
    wrapped = cmd
    if GNU_TIME:
        wrapped = [GNU_TIME, "-f", "%M", "-o", RSS_FILE] + cmd
    start = time.monotonic()
    p = subprocess.Popen(wrapped, stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    out = p.stdout.read() if capture else None
    err = p.stderr.read()
    _, status, usage = os.wait4(p.pid, 0)
    seconds = time.monotonic() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        sys.exit(f"bench_scale.py: {' '.join(cmd)} exited {code}: {err.decode()[-500:]}")
    if GNU_TIME:
        with open(RSS_FILE) as f:
            kb = int(f.read().split()[-1])  # after "Command exited with non-zero status 1"
    else:
        kb = usage.ru_maxrss
    return out, code, seconds, kb / 1024.0


def measure(cmd, repeats=3):
    """Warm-up run (its stdout is returned), then `repeats` timed runs."""
    out, _, _, _ = run(cmd, capture=True)
    runs = [run(cmd)[2:] for _ in range(repeats)]
    return out, runs


def coverage(json_bytes):
    report = json.loads(json_bytes)
    cov = report["forward"]["coverage"]
    return int(cov["nodes"]), int(cov["uncounted"]), report


def self_check(binary, directory, args):
    """The generator's output is valid ONNX and fully counted (2 layers: quick)."""
    path = make_transformer(directory, 2, args.d_model, args.heads, args.mlp)
    onnx.checker.check_model(path)
    model = onnx.load(path)
    inferred = onnx.shape_inference.infer_shapes(model, strict_mode=True)
    out_dims = [d.dim_param or d.dim_value
                for d in inferred.graph.output[0].type.tensor_type.shape.dim]
    out, _, _, _ = run([binary, path, "--dim", "batch=1", "--dim", "seq=128", "--format", "json"],
                       capture=True)
    nodes, uncounted, _ = coverage(out)
    ok = uncounted == 0 and out_dims == ["batch", "seq", args.d_model]
    print(f"check: 2-layer file: check_model ok, shape inference y={out_dims}, "
          f"onnx-flops {nodes} nodes, {uncounted} uncounted -> {'ok' if ok else 'FAILED'}")
    if not ok:
        sys.exit(1)
    del model, inferred


def bench_transformer(binary, directory, args):
    self_check(binary, directory, args)
    path = make_transformer(directory, args.layers, args.d_model, args.heads, args.mlp)
    size = os.path.getsize(path)
    print(f"\n(a) {os.path.basename(path)}: {size:,} bytes ({size / 1e9:.2f} GB), "
          f"{args.layers} layers, d_model {args.d_model}, {args.heads} heads, MLP {args.mlp}, "
          "no embedding")
    flops_cmd = [binary, path, "--dim", "batch=1", "--dim", "seq=128", "--format", "json"]
    out, flops_runs = measure(flops_cmd)
    nodes, uncounted, report = coverage(out)
    fwd = report["forward"]
    print(f"    onnx-flops: {nodes} nodes, {uncounted} uncounted, "
          f"{int(report['model']['parameters']):,} parameters, "
          f"{float(fwd['flops']) / 1e9:.1f} GFLOPs at batch 1, seq 128")
    for i, (sec, rss) in enumerate(flops_runs, 1):
        print(f"    onnx-flops run {i}: {sec * 1e3:8.1f} ms  {rss:8.1f} MB peak RSS")
    load_cmd = ["/usr/bin/python3", "-c", f"import onnx; onnx.load({path!r})"]
    _, load_runs = measure(load_cmd)
    for i, (sec, rss) in enumerate(load_runs, 1):
        print(f"    onnx.load  run {i}: {sec * 1e3:8.1f} ms  {rss:8.1f} MB peak RSS")
    f_sec = statistics.median(r[0] for r in flops_runs)
    f_rss = statistics.median(r[1] for r in flops_runs)
    l_sec = statistics.median(r[0] for r in load_runs)
    l_rss = statistics.median(r[1] for r in load_runs)
    print(f"    median onnx-flops: {f_sec * 1e3:8.1f} ms  {f_rss:8.1f} MB"
          "    (target: < 20 ms, < 20 MB)")
    print(f"    median onnx.load:  {l_sec * 1e3:8.1f} ms  {l_rss:8.1f} MB"
          "    (python interpreter start and `import onnx` included)")
    print(f"    onnx.load / onnx-flops: {l_sec / f_sec:.0f}x the time, {l_rss / f_rss:.0f}x the "
          "memory    (target: >= 50x faster)")


def bench_scaling(binary, directory, sizes):
    print("\n(b) chains of MatMul+Add+Relu with a Shape/Concat/Reshape/Reshape block every 10; "
          "onnx-flops FILE --dim batch=1 --format json, warm, median of 3")
    print(f"    {'nodes':>9} {'file bytes':>12} {'wall s':>9} {'us/node':>9} {'peak MB':>9}"
          f"   runs (s)")
    per_node = {}
    for n in sizes:
        path = make_chain(directory, n)
        out, runs = measure([binary, path, "--dim", "batch=1", "--format", "json"])
        nodes, uncounted, _ = coverage(out)
        if nodes != n or uncounted:
            print(f"    warning: {path}: onnx-flops saw {nodes} nodes, {uncounted} uncounted")
        sec = statistics.median(r[0] for r in runs)
        rss = statistics.median(r[1] for r in runs)
        per_node[n] = sec * 1e6 / n
        print(f"    {n:>9,} {os.path.getsize(path):>12,} {sec:>9.3f} {per_node[n]:>9.2f} "
              f"{rss:>9.1f}   {' '.join(f'{r[0]:.3f}' for r in runs)}", flush=True)
    largest = max(sizes)
    if 10000 in per_node and largest != 10000:
        print(f"    us/node at {largest:,} / us/node at 10,000 = "
              f"{per_node[largest] / per_node[10000]:.2f}  (about 1 = linear)")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--binary", default=os.path.join(ROOT, "build", "onnx-flops"))
    ap.add_argument("--dir", default="/tmp/onnx-flops-bench-scale")
    ap.add_argument("--skip-transformer", action="store_true")
    ap.add_argument("--skip-scaling", action="store_true")
    ap.add_argument("--layers", type=int, default=24)
    ap.add_argument("--d-model", type=int, default=1024)
    ap.add_argument("--heads", type=int, default=16)
    ap.add_argument("--mlp", type=int, default=None, help="MLP width (default 4 x d_model)")
    ap.add_argument("--sizes", default="1000,10000,100000,1000000")
    args = ap.parse_args()
    args.mlp = args.mlp or 4 * args.d_model
    if args.d_model % args.heads:
        sys.exit("bench_scale.py: --d-model must be a multiple of --heads")
    sizes = [int(s) for s in args.sizes.split(",") if s]
    if not os.access(args.binary, os.X_OK):
        sys.exit(f"bench_scale.py: {args.binary} is not built (cmake --build build)")
    os.makedirs(args.dir, exist_ok=True)
    version = subprocess.run([args.binary, "--version"], capture_output=True, text=True)
    print(f"onnx-flops: {args.binary} ({version.stdout.strip()})")
    print(f"python {sys.version.split()[0]}, onnx {onnx.__version__}, numpy {np.__version__}, "
          f"{os.cpu_count()} cpus, load average {os.getloadavg()[0]:.2f} (timings are noisy when "
          "it is above 0)")
    if GNU_TIME:
        runs = [run(["/bin/true"])[2] for _ in range(5)]
        print(f"peak RSS via {GNU_TIME} -f %M; wrapper overhead "
              f"{statistics.median(runs) * 1e3:.1f} ms per run (included in wall times)")
    else:
        print("note: /usr/bin/time is missing (apt-get install time): peak RSS is os.wait4's, "
              "floored at this script's own RSS")
    try:
        if not args.skip_transformer:
            bench_transformer(args.binary, args.dir, args)
        if not args.skip_scaling:
            bench_scaling(args.binary, args.dir, sizes)
        print(f"load average at the end: {os.getloadavg()[0]:.2f}")
    finally:
        if os.path.exists(RSS_FILE):
            os.remove(RSS_FILE)


if __name__ == "__main__":
    main()
