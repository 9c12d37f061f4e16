#!/usr/bin/python3
"""Exports torchvision CNNs to weightless ONNX files and writes two independent
matmul-class FLOP references beside them.

Needs Debian's python3-torch 1.13 / python3-torchvision 0.14 / python3-onnx
1.12 (/usr/bin/python3); the build and the test suite do not.

    /usr/bin/python3 tools/validate_torchvision.py [--out testdata/torchvision]
                                                   [--models resnet18,mobilenet_v2]

For every model (random init: FLOPs do not depend on weight values; nothing
is downloaded) it writes

  <name>.onnx          torch.onnx.export, opset 13, input "input" 1x3x224x224
  <name>_dynamic.onnx  the same with dynamic_axes={"input": {0: "batch"}, ...}

both exported in eval mode (the exporter folds BatchNorm into the Conv
weights/bias) and saved the way onnx.save_model(save_as_external_data=True,
size_threshold=1024) does it: every tensor of >= 1 KB points at
<name>.weights.bin, a file that is then deleted, so the committed model keeps
only the graph and tensor dims ("weights absent"). Small tensors (shape
constants, Clip bounds) stay inline.

and reference.json, one entry per model:

  hook_matmul_flops      forward hooks on nn.Conv2d / nn.Linear:
                         Conv2d 2*N*Cout*Hout*Wout*(Cin/groups)*kh*kw,
                         Linear 2*rows*in*out (bias not included)
  profiler_matmul_flops  torch.profiler(with_flops=True), sum of the FLOPs
                         reported on aten::conv2d/addmm/mm/bmm/matmul/linear
                         events (only conv2d, addmm, mm and bmm carry flops in
                         1.13; linear/matmul are parents without flops, so
                         summing every event of these names counts nothing twice)
  profiler_flops_by_op   the per-op breakdown of the above, plus the
                         elementwise aten::add/mul flops the profiler also
                         reports (vector class, not included in the sum)
  onnx_matmul_flops      a third count, from the exported ONNX graph through
                         onnx.shape_inference (Conv/Gemm/MatMul, 2 per MAC):
                         what onnx-flops's matmul_flops must print
  onnx_parameters        element count of the float initializers of the ONNX
                         file (BN folded: differs from torch_parameters)
  torch_parameters       sum(p.numel()) of the torch module
  torchvision_gmacs_documented  torchvision's "GFLOPS" (really GMACs) from
                         the weights meta "_ops" of torchvision >= 0.15 (0.14
                         does not carry it; the figures are copied here)

The script asserts that the hook and ONNX counts agree exactly and that the
profiler agrees with them, then prints a table. Output is deterministic.
"""

import collections
import io
import json
import os
import shutil
import sys
import tempfile

import numpy as np
import onnx
from onnx import TensorProto, shape_inference
import torch
import torchvision
from torch import nn
from torch.profiler import ProfilerActivity, profile

import reference_run
from weightless import save_weightless

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OPSET = 13
INPUT_SHAPE = (1, 3, 224, 224)

# torchvision's documented "GFLOPS" per model: GMACs at 224x224, batch 1, from
# the `_ops` field of the weights meta in torchvision >= 0.15 (e.g.
# ResNet50_Weights.IMAGENET1K_V1.meta["_ops"] == 4.089).
DOCUMENTED_GMACS = {
    "resnet18": 1.814,
    "resnet50": 4.089,
    "mobilenet_v2": 0.301,
    "vgg11": 7.609,
}

# What each model covers.
COVERS = {
    "resnet18": "basic residual blocks, strided 1x1 downsample convs, MaxPool, "
                "GlobalAveragePool, Flatten, Gemm classifier",
    "resnet50": "bottleneck residual blocks (1x1/3x3/1x1), 53 convs",
    "mobilenet_v2": "depthwise convs (group = channels), ReLU6 as Clip, "
                    "inverted residuals, Gemm classifier",
    "vgg11": "plain 3x3 conv stack, AdaptiveAvgPool(7x7) export, big "
             "classifier (3 Gemm, 25088->4096->4096->1000)",
}

MATMUL_OPS = ("aten::conv2d", "aten::addmm", "aten::mm", "aten::bmm",
              "aten::matmul", "aten::linear")
FLOAT_TYPES = (TensorProto.FLOAT, TensorProto.FLOAT16, TensorProto.DOUBLE,
               TensorProto.BFLOAT16)


def build(name):
    """Random init; BatchNorm statistics and biases randomised too, as in a
    trained model.

    With the default init (BN gamma 1, beta 0, mean 0, var 1; VGG's biases 0)
    many folded Conv/Linear biases are equal zero vectors, and the exporter
    deduplicates equal initializers into Identity nodes that a real export of
    trained weights does not have.
    """
    torch.manual_seed(0)
    model = getattr(torchvision.models, name)(weights=None)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)) and m.bias is not None:
                m.bias.normal_(0, 0.01)
            if isinstance(m, nn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.5)
                m.bias.normal_(0, 0.1)
                m.running_mean.normal_(0, 0.1)
                m.running_var.uniform_(0.5, 1.5)
    return model.eval()


# ---------------------------------------------------------------- references

def hook_matmul_flops(model, x):
    """2*MACs of every Conv2d and Linear, from forward hooks."""
    total = {"conv": 0, "linear": 0}

    def conv_hook(mod, inp, out):
        n, cout, hout, wout = out.shape
        kh, kw = mod.kernel_size
        total["conv"] += (2 * n * cout * hout * wout
                          * (mod.in_channels // mod.groups) * kh * kw)

    def linear_hook(mod, inp, out):
        rows = out.numel() // mod.out_features
        total["linear"] += 2 * rows * mod.in_features * mod.out_features

    handles = []
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            handles.append(m.register_forward_hook(conv_hook))
        elif isinstance(m, nn.Linear):
            handles.append(m.register_forward_hook(linear_hook))
    with torch.no_grad():
        model(x)
    for h in handles:
        h.remove()
    return total["conv"] + total["linear"], total


def profiler_flops(model, x):
    """Sums the flops the profiler attaches to individual events."""
    with torch.no_grad():
        with profile(activities=[ProfilerActivity.CPU], with_flops=True) as prof:
            model(x)
    by_op = collections.Counter()
    calls = collections.Counter()
    for evt in prof.events():
        if evt.flops:
            by_op[evt.name] += int(evt.flops)
            calls[evt.name] += 1
    matmul = sum(v for k, v in by_op.items() if k in MATMUL_OPS)
    other = {k: v for k, v in by_op.items() if k not in MATMUL_OPS}
    return matmul, dict(sorted(by_op.items())), dict(sorted(calls.items())), other


def onnx_matmul_flops(model_proto, batch=1):
    """2*MACs of Conv/Gemm/MatMul in the exported graph, via ONNX shape inference."""
    m = onnx.ModelProto()
    m.CopyFrom(model_proto)
    for vi in list(m.graph.input) + list(m.graph.output):
        for d in vi.type.tensor_type.shape.dim:
            if d.HasField("dim_param"):
                d.dim_value = batch
    m = shape_inference.infer_shapes(m)
    shapes = {}
    for vi in list(m.graph.input) + list(m.graph.value_info) + list(m.graph.output):
        dims = vi.type.tensor_type.shape.dim
        if all(d.HasField("dim_value") for d in dims):
            shapes[vi.name] = [d.dim_value for d in dims]
    for t in m.graph.initializer:
        shapes[t.name] = list(t.dims)
    total, ops = 0, collections.Counter()
    for n in m.graph.node:
        if n.op_type not in ("Conv", "Gemm", "MatMul", "ConvTranspose"):
            continue
        ins = [shapes.get(i) for i in n.input]
        out = shapes.get(n.output[0])
        if out is None or ins[0] is None or ins[1] is None:
            raise RuntimeError("%s: shape of %s not inferred" % (n.name, n.op_type))
        attrs = {a.name: onnx.helper.get_attribute_value(a) for a in n.attribute}
        if n.op_type == "Conv":
            w = ins[1]
            macs = int(np.prod(out)) * w[1] * int(np.prod(w[2:]))
        elif n.op_type == "Gemm":
            mm, k = ins[0][::-1] if attrs.get("transA", 0) else ins[0]
            nn_ = ins[1][0] if attrs.get("transB", 0) else ins[1][1]
            macs = mm * k * nn_
        elif n.op_type == "MatMul":
            a, b = ins[0], ins[1]
            macs = int(np.prod(out)) * a[-1]  # K per output element
        else:
            raise RuntimeError("unexpected " + n.op_type)
        total += 2 * macs
        ops[n.op_type] += 1
    return total, dict(sorted(ops.items()))


def float_initializer_elements(model_proto):
    return sum(int(np.prod(t.dims)) for t in model_proto.graph.initializer
               if t.data_type in FLOAT_TYPES)


# ---------------------------------------------------------------- export

def export(model, x, dynamic):
    buf = io.BytesIO()
    kwargs = {}
    if dynamic:
        kwargs["dynamic_axes"] = {"input": {0: "batch"}, "output": {0: "batch"}}
    torch.onnx.export(model, x, buf, opset_version=OPSET,
                      input_names=["input"], output_names=["output"],
                      do_constant_folding=True,
                      training=torch.onnx.TrainingMode.EVAL, **kwargs)
    return onnx.load_from_string(buf.getvalue())




# ---------------------------------------------------------------- main

def main():
    args, ref_path, reference = reference_run.start(
        __doc__, os.path.join(REPO_ROOT, "testdata", "torchvision"), DOCUMENTED_GMACS)
    torch.set_num_threads(max(1, min(8, os.cpu_count() or 1)))

    rows = []
    x = torch.zeros(INPUT_SHAPE)
    for name in args.models.split(","):
        model = build(name)
        hook, hook_parts = hook_matmul_flops(model, x)
        prof, prof_by_op, prof_calls, prof_other = profiler_flops(model, x)
        torch_params = sum(p.numel() for p in model.parameters())

        files, sizes, onnx_counts = {}, {}, {}
        for variant, dynamic in (("fixed", False), ("dynamic_batch", True)):
            proto = export(model, x, dynamic)
            fname = name + ("_dynamic" if dynamic else "") + ".onnx"
            count, ops = onnx_matmul_flops(proto)
            onnx_counts[variant] = (count, ops, float_initializer_elements(proto))
            sizes[fname] = save_weightless(proto, os.path.join(args.out, fname),
                                           name + ".weights.bin")
            files[variant] = fname
            # The committed file must still give the same count.
            reread = onnx.load(os.path.join(args.out, fname), load_external_data=False)
            assert onnx_matmul_flops(reread)[0] == count, fname

        onnx_flops, onnx_ops, onnx_params = onnx_counts["fixed"]
        if onnx_counts["dynamic_batch"][0] != onnx_flops:
            sys.exit("%s: fixed and dynamic exports differ: %d vs %d"
                     % (name, onnx_flops, onnx_counts["dynamic_batch"][0]))
        if hook != onnx_flops:
            sys.exit("%s: hooks %d != onnx %d" % (name, hook, onnx_flops))
        if prof != hook:
            print("WARNING: %s: profiler %d != hooks %d" % (name, prof, hook),
                  file=sys.stderr)

        reference[name] = {
            "files": files,
            "opset": OPSET,
            "input": "x".join(map(str, INPUT_SHAPE)),
            "dynamic_axes": {"input": {"0": "batch"}, "output": {"0": "batch"}},
            "torch_version": torch.__version__,
            "torchvision_version": torchvision.__version__,
            "onnx_version": onnx.__version__,
            "covers": COVERS.get(name, ""),
            "hook_matmul_flops": hook,
            "hook_conv_flops": hook_parts["conv"],
            "hook_linear_flops": hook_parts["linear"],
            "profiler_matmul_flops": prof,
            "profiler_flops_by_op": prof_by_op,
            "profiler_calls_by_op": prof_calls,
            "onnx_matmul_flops": onnx_flops,
            "onnx_matmul_ops": onnx_ops,
            "onnx_parameters": onnx_params,
            "torch_parameters": torch_params,
            "torchvision_gmacs_documented": DOCUMENTED_GMACS.get(name),
            "notes": "expected onnx-flops result for both files at batch=1: "
                     "matmul_flops == onnx_matmul_flops == hook_matmul_flops, "
                     "macs == matmul_flops/2, parameters == onnx_parameters "
                     "(BatchNorm folded into Conv by the exporter, so fewer than "
                     "torch_parameters). Profiler sum excludes elementwise "
                     "aten::add/mul (vector class).",
        }
        rows.append((name, hook, prof, onnx_flops, DOCUMENTED_GMACS.get(name),
                     onnx_params, torch_params, sizes))

    with open(ref_path, "w") as f:
        json.dump(reference, f, indent=2, sort_keys=True)
        f.write("\n")

    hdr = ("model", "hook GFLOP", "profiler GFLOP", "onnx GFLOP", "GMACs",
           "doc GMACs", "onnx params", "torch params")
    print("%-13s %12s %14s %12s %9s %9s %12s %12s" % hdr)
    for name, hook, prof, onx, doc, op, tp, sizes in rows:
        print("%-13s %12.6f %14.6f %12.6f %9.4f %9s %12d %12d"
              % (name, hook / 1e9, prof / 1e9, onx / 1e9, hook / 2e9,
                 doc, op, tp))
    for name, *_, sizes in rows:
        for fname, size in sorted(sizes.items()):
            print("%8d bytes  %s" % (size, os.path.join(args.out, fname)))
    print("wrote", ref_path)


if __name__ == "__main__":
    main()
