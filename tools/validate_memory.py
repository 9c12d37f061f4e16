#!/usr/bin/python3
"""Checks onnx-flops' peak activation memory against what PyTorch allocates.

A development tool, like the other validate_*.py scripts: it needs Debian's
python3-torch 1.13 and python3-torchvision 0.14 (/usr/bin/python3); the build
and the test suite do not run it. docs/validation.md has the results.

    /usr/bin/python3 tools/validate_memory.py [--onnx-flops build/onnx-flops]
                                              [--tolerance 0.10] [--threads 1]
                                              [--json FILE] [--verbose]

Models (random init; memory does not depend on weight values; nothing is
exported or downloaded, the ONNX files are the committed ones):

  resnet18  torchvision.models.resnet18, 3x224x224, batch 1 and 8, against
            testdata/torchvision/resnet18.onnx (batch 1) and
            resnet18_dynamic.onnx --dim batch=8 (the same export with a
            dynamic batch axis; tools/validate_torchvision.py)
  gpt       the minGPT-style decoder of tools/validate_transformers.py (its
            GPT class and seeded weights: d 128, 4 heads, d_ff 512, 2 blocks,
            vocab 1000), seq 128, batch 1 and 8, against
            testdata/torch/transformer/gpt_block.onnx (opset 14: LayerNorm
            and GELU exported as primitive ops) and gpt_block_opset17.onnx
            (LayerNormalization; GELU still as Erf)

How PyTorch's activation memory is measured: forward passes in eval mode
under torch.no_grad() (autograd saves nothing), after one warm-up pass.

  tensors    a TorchDispatchMode sees every aten op that runs (after the
             composite ops are decomposed: linear -> t + addmm, matmul ->
             expand/_reshape_alias/bmm) and its output tensors. Each output's
             storage (its data_ptr) is counted once, when it first appears:
             a view (view/reshape/transpose/split/t/expand, which share their
             input's storage) or an in-place op (relu_, add_) adds nothing. A
             weakref.finalize on every output tensor counts the tensors alive
             on each storage; when the count drops to 0 the storage's bytes
             leave. Weights (parameters and buffers, and views of them) are
             excluded; the input is live from the start. The live bytes right
             after an op's outputs exist (its inputs still referenced) are
             the op's step; the peak is their maximum. "allocated" is the sum
             of the storages the pass creates (the input not included).
             After the pass the output is dropped and every counted byte must
             have left again (else the tracker lost a free: reported).
  allocator  torch.profiler.profile(profile_memory=True): every c10 CPU
             allocation and free during one pass (alloc_size of the
             [memory] events, in time order), plus the input, which was
             allocated before. It adds what kernels allocate for themselves
             and free before they return (workspaces, reordered weight
             copies, 0-dim scalars wrapped as tensors). Weights were
             allocated before the pass, so they are not in the curve.

The CPU allocator (c10::DefaultCPUAllocator) is not a caching allocator: it
hands out exactly the requested bytes (64-byte aligned) and frees them at
once, so there is no rounding or caching to account for, unlike CUDA's.

Each model is run two ways, with the tensor tracker:

  eager      the nn.Module as written: Python frees a tensor when its last
             reference goes, and the caller's frame keeps a module's input
             (its argument) until the module returns
  graph      the same aten ops as an FX graph (make_fx), whose generated code
             drops every value after its last use: PyTorch's kernels, views
             and in-place ops with the free order of our walk

and the peaks are taken with the input live to the end, as its caller
holds it and as onnx-flops counts it ("eager+input"; --input-freed checks
against the peaks with the input freed after its last read instead).

Variants (the same weights):

  resnet18  eager        torchvision as is: BatchNorm a separate op, ReLU in
                         place (nn.ReLU(inplace=True)), `out += identity`
            no-inplace   every nn.ReLU with inplace = False
            folded       every BatchNorm folded into its conv
                         (torch.nn.utils.fusion.fuse_conv_bn_eval), as the
                         exporter does, ReLU and the residual add in place:
                         the exported graph run in place
            as exported  folded, ReLU and the residual add out of place: op
                         for op the exported graph
  gpt       eager        nn.LayerNorm and nn.GELU as one kernel each (against
                         the opset-17 file)
            ln fused     GELU as the export computes it (Div, Erf, Add, Mul,
                         Mul), LayerNorm one kernel: the opset-17 export
            as exported  LayerNorm as the opset-14 export computes it too
                         (ReduceMean, Sub, Pow, ReduceMean, Add, Sqrt, Div,
                         Mul, Add)

The check (exit status 1 when it fails), on the rows that run the exported
graph's arithmetic (in-place and fused ops accounted for): onnx-flops'
forward.memory.peak_activation_bytes within --tolerance (default 10%) of the
graph run's peak; on resnet18 "as exported", where PyTorch runs the graph's
ops one for one, forward.memory.activation_bytes within the same tolerance
of PyTorch's allocated bytes too. The gpt graph still differs from what
PyTorch runs (the export materialises Split, Transpose, bias Add and the
mask's Slice, which PyTorch aliases or fuses), so its activation bytes are
reported, not checked. The other rows are reported, not checked.
"""

import argparse
import gc
import importlib.util
import json
import math
import operator
import os
import subprocess
import sys
import time
from types import MethodType
import warnings
import weakref

import torch
import torchvision
from torch import nn
from torch.profiler import ProfilerActivity, profile
from torch.utils._pytree import tree_flatten
from torch.utils._python_dispatch import TorchDispatchMode

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(HERE)


def load_transformers_module():
    """tools/validate_transformers.py, for its GPT class (the gpt_block export)."""
    sys.path.insert(0, HERE)  # it imports weightless
    spec = importlib.util.spec_from_file_location(
        "validate_transformers", os.path.join(HERE, "validate_transformers.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ---------------------------------------------------------------- measurement

def storage_key(t):
    s = t.storage()
    return s.data_ptr(), s.nbytes()


class TensorLiveness(TorchDispatchMode):
    """Live bytes of the storages aten ops return, op by op (see the docstring)."""

    def __init__(self, excluded, inputs):
        super().__init__()
        self.excluded = set(excluded)            # weight storages
        self.inputs = dict(inputs)               # input storage -> bytes, live from the start
        self.live = {}                           # storage -> [bytes, tensors alive on it]
        self.live_bytes = sum(self.inputs.values())
        self.allocated = 0
        self.steps = []                          # per op: name, live bytes, new bytes
        self.last_input_read = {k: -1 for k in self.inputs}

    def _release(self, key):
        entry = self.live.get(key)
        if entry is None:
            return
        entry[1] -= 1
        if entry[1] == 0:
            del self.live[key]
            self.live_bytes -= entry[0]

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        out = func(*args, **kwargs)
        step = len(self.steps)
        for a in tree_flatten((args, kwargs))[0]:
            if isinstance(a, torch.Tensor):
                key = storage_key(a)[0]
                if key in self.last_input_read:
                    self.last_input_read[key] = step
        new = 0
        for t in tree_flatten(out)[0]:
            if not isinstance(t, torch.Tensor):
                continue
            key, nbytes = storage_key(t)
            if nbytes == 0 or key in self.excluded or key in self.inputs:
                continue
            entry = self.live.get(key)
            if entry is None:
                entry = self.live[key] = [nbytes, 0]
                self.live_bytes += nbytes
                self.allocated += nbytes
                new += nbytes
            entry[1] += 1
            weakref.finalize(t, self._release, key)
        self.steps.append((str(func.overloadpacket.__name__), self.live_bytes, new))
        return out

    def curve(self, input_freed):
        """Live bytes per op; with input_freed, each input leaves after its last read."""
        out = []
        for i, (_, live, _) in enumerate(self.steps):
            if input_freed:
                live -= sum(b for k, b in self.inputs.items()
                            if self.last_input_read[k] < i)
            out.append(live)
        return out


def weight_storages(model):
    return {storage_key(t)[0] for t in list(model.parameters()) + list(model.buffers())}


def measure_tensors(model, x, weights=None):
    gc.collect()
    weights = weight_storages(model) if weights is None else weights
    tracker = TensorLiveness(weights, {storage_key(x)[0]: storage_key(x)[1]})
    with torch.no_grad():
        with tracker:
            y = model(x)
    held = tracker.live_bytes
    del y
    gc.collect()
    leaked = tracker.live_bytes - sum(tracker.inputs.values())
    result = {}
    for name, freed in (("pinned", False), ("freed", True)):
        curve = tracker.curve(freed)
        i = max(range(len(curve)), key=curve.__getitem__)
        result[name] = {"peak": curve[i], "peak_step": i, "peak_op": tracker.steps[i][0]}
    result["allocated"] = tracker.allocated
    result["ops"] = len(tracker.steps)
    result["end"] = held
    result["leaked"] = leaked  # bytes still counted after the output died: 0 when sound
    return result


def as_graph(model, x):
    """The same model as an FX graph of the aten ops it runs (make_fx), whose
    generated code drops every value after its last use: the pass with the
    free order of our walk (a tensor dies after its last consumer) and
    PyTorch's own kernels, in-place ops and views. An output nothing reads
    (max_pool2d's indices) is dropped at once, as eager PyTorch does: FX
    would keep it to the end of forward."""
    from torch.fx.experimental.proxy_tensor import make_fx
    with torch.no_grad():
        gm = make_fx(model)(x)
    for node in list(gm.graph.nodes):
        if node.op == "call_function" and node.target is operator.getitem and not node.users:
            gm.graph.erase_node(node)
    gm.recompile()
    return gm


def measure_allocator(model, x):
    """Peak of the c10 CPU allocator's own curve during one pass, plus the input."""
    gc.collect()
    with torch.no_grad():
        with profile(activities=[ProfilerActivity.CPU], profile_memory=True) as prof:
            y = model(x)
    del y
    events = []

    def walk(nodes, op):
        for e in nodes:
            if e.name == "[memory]":
                events.append((e.start_time_ns, e.extra_fields.alloc_size, op))
            walk(e.children, op or (e.name if e.name.startswith("aten::") else None))

    walk(prof.profiler.kineto_results.experimental_event_tree(), None)
    events.sort(key=lambda e: e[0])
    base = x.storage().nbytes()
    live = peak = base
    allocated, peak_op = 0, None
    for _, size, op in events:
        live += size
        allocated += max(size, 0)
        if live > peak:
            peak, peak_op = live, op
    return {"peak": peak, "peak_op": peak_op, "allocated": allocated, "events": len(events)}


# ---------------------------------------------------------------- models

def basic_block_forward(self, x):
    """torchvision's BasicBlock.forward with the residual add out of place
    (`out + identity` where torchvision has `out += identity`), as in the graph."""
    identity = x
    out = self.relu(self.bn1(self.conv1(x)))
    out = self.bn2(self.conv2(out))
    if self.downsample is not None:
        identity = self.downsample(x)
    return self.relu(out + identity)


def resnet18(variant):
    torch.manual_seed(0)
    model = torchvision.models.resnet18(weights=None)
    with torch.no_grad():  # BN statistics drawn afresh, as in a trained model
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.normal_(0, 0.1)
                m.running_var.uniform_(0.5, 1.5)
                m.weight.uniform_(0.5, 1.5)
                m.bias.normal_(0, 0.1)
    model.eval()
    if variant in ("no-inplace", "as exported"):
        for m in model.modules():
            if isinstance(m, nn.ReLU):
                m.inplace = False
    if variant in ("folded", "as exported"):
        fold_batchnorm(model)
    if variant == "as exported":
        for m in model.modules():
            if isinstance(m, torchvision.models.resnet.BasicBlock):
                m.forward = MethodType(basic_block_forward, m)
    return model


def fold_batchnorm(module):
    """Every Conv2d followed by a BatchNorm2d in the same parent becomes one conv
    (torchvision's ResNet: conv1/bn1, convN/bnN in the blocks, downsample.0/.1)."""
    from torch.nn.utils.fusion import fuse_conv_bn_eval
    for parent in module.modules():
        names = list(parent._modules)
        for a, b in zip(names, names[1:]):
            conv, bn = parent._modules[a], parent._modules[b]
            if isinstance(conv, nn.Conv2d) and isinstance(bn, nn.BatchNorm2d):
                parent._modules[a] = fuse_conv_bn_eval(conv, bn)
                parent._modules[b] = nn.Identity()


class ExportedLayerNorm(nn.Module):
    """nn.LayerNorm as the opset-14 export computes it, op for op, temporaries
    dropped as soon as Python is done with them."""

    def __init__(self, ln):
        super().__init__()
        self.weight, self.bias, self.eps = ln.weight, ln.bias, ln.eps

    def forward(self, x):
        d = x - x.mean(-1, keepdim=True)                                # ReduceMean, Sub
        y = d / torch.sqrt(d.pow(2).mean(-1, keepdim=True) + self.eps)  # Pow..Sqrt, Div
        del d
        return y * self.weight + self.bias                              # Mul, Add


class ExportedGELU(nn.Module):
    """nn.GELU as the export computes it: Div, Erf, Add, Mul, Mul."""

    def forward(self, x):
        return (x * (torch.erf(x / math.sqrt(2.0)) + 1.0)) * 0.5


def gpt(variant, transformers):
    model = transformers.build_gpt()
    if variant in ("as exported", "ln fused"):
        for parent in model.modules():
            for name, child in list(parent._modules.items()):
                if isinstance(child, nn.GELU):
                    parent._modules[name] = ExportedGELU()
                elif isinstance(child, nn.LayerNorm) and variant == "as exported":
                    parent._modules[name] = ExportedLayerNorm(child)
    return model.eval()


# (model, batch, variant, onnx file, onnx-flops args, checked): checked is
# "both" (peak and activation bytes), "peak", or None (reported only).
def cases():
    rn, rn_dyn = "testdata/torchvision/resnet18.onnx", "testdata/torchvision/resnet18_dynamic.onnx"
    gpt14 = "testdata/torch/transformer/gpt_block.onnx"
    gpt17 = "testdata/torch/transformer/gpt_block_opset17.onnx"
    out = []
    for batch in (1, 8):
        path, args = (rn, []) if batch == 1 else (rn_dyn, ["--dim", "batch=%d" % batch])
        for variant in ("eager", "no-inplace", "folded", "as exported"):
            out.append(("resnet18", batch, variant, path, args,
                        "both" if variant == "as exported" else None))
    for batch in (1, 8):
        args = ["--dim", "batch=%d" % batch, "--dim", "seq=128"]
        out.append(("gpt", batch, "eager", gpt17, args, None))
        out.append(("gpt", batch, "ln fused", gpt17, args, "peak"))
        out.append(("gpt", batch, "as exported", gpt14, args, "peak"))
    return out


def onnx_flops_memory(binary, path, args):
    for attempt in range(30):  # the binary may be mid-rebuild: wait for it
        try:
            proc = subprocess.run([binary, os.path.join(REPO_ROOT, path), "--format", "json"]
                                  + args, capture_output=True, text=True)
            break
        except OSError as e:
            if attempt == 29:
                sys.exit("cannot run %s: %s" % (binary, e))
            time.sleep(10)
    if proc.returncode != 0:
        sys.exit("onnx-flops %s %s failed: %s" % (path, " ".join(args), proc.stderr.strip()))
    return json.loads(proc.stdout)["forward"]["memory"]


# ---------------------------------------------------------------- main

def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--onnx-flops", default=os.path.join(REPO_ROOT, "build", "onnx-flops"))
    parser.add_argument("--tolerance", type=float, default=0.10)
    parser.add_argument("--threads", type=int, default=1,
                        help="torch intra-op threads (kernel workspaces can depend on it)")
    parser.add_argument("--input-freed", dest="input_held", action="store_false",
                        help="check against the peaks with the input freed after its last read "
                             "(onnx-flops keeps graph inputs to the end, as their caller does)")
    parser.add_argument("--json", help="write every figure to this file")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    warnings.filterwarnings("ignore")
    transformers = load_transformers_module()

    rows, problems, record = [], [], []
    for name, batch, variant, path, flags, checked in cases():
        if name == "resnet18":
            model = resnet18(variant)
            torch.manual_seed(1)
            x = torch.randn(batch, 3, 224, 224)
        else:
            model = gpt(variant, transformers)
            x = transformers.gpt_input(batch, 128)
        with torch.no_grad():
            model(x)  # warm-up: one-time allocations (packed weights, thread pools) out of the way
        eager = measure_tensors(model, x)
        graph = measure_tensors(as_graph(model, x), x, weights=weight_storages(model))
        allocator = measure_allocator(model, x)
        ours = onnx_flops_memory(args.onnx_flops, path, flags)
        peak, act = ours["peak_activation_bytes"], ours["activation_bytes"]
        convention = "pinned" if args.input_held else "freed"
        graph_peak, eager_peak = graph[convention]["peak"], eager[convention]["peak"]
        peak_ratio = peak / graph_peak
        act_ratio = act / eager["allocated"]
        peak_ok = abs(peak_ratio - 1) <= args.tolerance
        act_ok = abs(act_ratio - 1) <= args.tolerance
        for label, m in (("eager", eager), ("graph", graph)):
            if m["leaked"]:
                problems.append("%s batch %d %s (%s): %d bytes still counted live after the "
                                "pass (the tracker lost a free)" % (name, batch, variant, label,
                                                                    m["leaked"]))
        if checked == "both" and not (peak_ok and act_ok) or checked == "peak" and not peak_ok:
            problems.append("%s batch %d %s: onnx-flops peak %d vs the graph run's %d (x%.3f)%s:"
                            " outside %.0f%%" % (
                                name, batch, variant, peak, graph_peak, peak_ratio,
                                "" if checked == "peak" else
                                ", activation_bytes %d vs allocated %d (x%.3f)"
                                % (act, eager["allocated"], act_ratio),
                                100 * args.tolerance))
        if not checked:
            verdict = "-"
        elif checked == "peak":
            verdict = "peak " + ("ok" if peak_ok else "OUT")
        else:
            verdict = "ok" if peak_ok and act_ok else "OUT"
        rows.append((name, batch, variant, eager["pinned"]["peak"], eager_peak, graph_peak,
                     allocator["peak"], peak, peak_ratio, peak / eager_peak,
                     eager["allocated"], act, act_ratio, verdict))
        record.append({
            "model": name, "batch": batch, "variant": variant, "onnx": path,
            "onnx_flops_args": flags, "checked": checked,
            "eager_peak_input_held": eager["pinned"], "eager_peak_input_freed": eager["freed"],
            "graph_peak_input_held": graph["pinned"], "graph_peak_input_freed": graph["freed"],
            "eager_allocated": eager["allocated"], "graph_allocated": graph["allocated"],
            "eager_aten_ops": eager["ops"], "graph_aten_ops": graph["ops"],
            "allocator_peak": allocator["peak"], "allocator_peak_op": allocator["peak_op"],
            "allocator_allocated": allocator["allocated"],
            "onnx_flops_peak": peak, "onnx_flops_peak_node": ours.get("peak_node"),
            "onnx_flops_activation_bytes": act, "onnx_flops_input_bytes": ours["input_bytes"],
        })
        if args.verbose:
            print(json.dumps(record[-1]), file=sys.stderr)

    print("torch %s, torchvision %s, %d thread(s); bytes" % (
        torch.__version__, torchvision.__version__, args.threads))
    head = ("model", "batch", "variant", "eager+input", "eager", "graph", "allocator",
            "onnx-flops", "/graph", "/eager", "torch alloc", "activation_bytes", "ratio",
            "check")
    fmt = "%-8s %5s %-11s %14s %11s %11s %11s %11s %6s %6s %12s %16s %6s %7s"
    print(fmt % head)
    for r in rows:
        print(fmt % (r[0], r[1], r[2], "{:,}".format(r[3]), "{:,}".format(r[4]),
                     "{:,}".format(r[5]), "{:,}".format(r[6]), "{:,}".format(int(r[7])),
                     "%.3f" % r[8], "%.3f" % r[9], "{:,}".format(r[10]),
                     "{:,}".format(int(r[11])), "%.3f" % r[12], r[13]))
    print("peaks: eager and graph with the input %s (eager+input: the caller's reference "
          "kept); /graph, /eager: onnx-flops peak over them; ratio: activation_bytes / torch "
          "alloc (eager)" % ("live to the end" if args.input_held else
                             "freed after its last read, as onnx-flops does"))
    print("check: \"peak ok\": onnx-flops peak within %.0f%% of the graph run; \"ok\": that, "
          "and activation_bytes within %.0f%% of torch alloc" % (100 * args.tolerance,
                                                                 100 * args.tolerance))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(record, f, indent=2)
            f.write("\n")
    for p in problems:
        print("PROBLEM:", p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
