#!/usr/bin/python3
"""Exports four small mixture-of-experts layers, written the way PyTorch code
routes tokens, to weightless ONNX files in testdata/moe/, with the hand
counts and one real run of each in testdata/moe/torch_reference.json.

Needs Debian's python3-torch 1.13 and python3-onnx (/usr/bin/python3); the
build and the test suite do not.

    /usr/bin/python3 tools/export_torch_moe.py [--out testdata/moe] [--models NAME,NAME]
    /usr/bin/python3 tools/export_torch_moe.py --check     # re-run, compare, write nothing
    /usr/bin/python3 tools/export_torch_moe.py --dump DIR  # also full-weight copies

Every layer maps x [tokens, 64] to y [tokens, 64]; torch.onnx.export at
opset 13, eval mode, input "x" and output "y" with the dynamic axis "tokens",
traced with 128 tokens (torch.manual_seed(0); torch.randn(128, 64)). Weights
come from torch.manual_seed(0) before each layer is built. The python loop
over the experts is unrolled by the tracer: one copy of the expert per expert.

  torch_mixtral_top2     Mixtral: router Linear(64, 8, no bias) -> softmax ->
                         topk(2) -> the 2 weights renormalized; 8 SwiGLU experts
                         w2(silu(w1 x) * w3 x), hidden 256, no biases. Per
                         expert: tok, slot = nonzero(topi == e, as_tuple=True);
                         index_select the rows, expert, times topw[tok, slot],
                         out.index_add(0, tok, .).
  torch_switch_top1      Switch Transformer top-1: router Linear(64, 4, no bias)
                         -> softmax -> max (prob, argmax); mask = one_hot(idx, 4);
                         per expert sel = mask[:, e].bool(),
                         out[sel] = expert(x[sel]) * prob[sel] (boolean-mask
                         indexing; the write with sel widened to out's shape,
                         see SwitchMoE.forward). Experts Linear(64, 256) +
                         ReLU + Linear(256, 64), with biases. No capacity limit.
  torch_deepseek_shared  DeepSeek-MoE: 2 shared SwiGLU experts of hidden 128
                         each (every token goes through both; chosen over one
                         shared expert of hidden 256: the same FLOPs and
                         parameters, but two distinct shared modules in the
                         graph) + 16 routed SwiGLU experts of hidden 32; router
                         Linear(64, 16, no bias) -> sigmoid -> topk(4) -> the
                         4 scores normalized to sum 1. Routed part in the
                         Hugging Face Mixtral form: expert_mask =
                         one_hot(topi, 16).permute(2, 1, 0); per expert
                         slot, tok = torch.where(expert_mask[e]), then
                         index_select / index_add as above.
  torch_dense_masked     dense masked MoE: router Linear(64, 4, no bias) ->
                         softmax -> topk(2) renormalized; gates =
                         zeros([T, E]).scatter(1, topi, topw); every expert
                         (SwiGLU, hidden 128, no biases) runs on every token:
                         out = sum_e gates[:, e:e+1] * expert_e(x).

torch_reference.json, per layer:

  balanced_matmul_flops  the hand count from the architecture alone at T = 128
                         (matmul class, 2 x MACs): router 2*T*d*E; routed
                         experts under balanced routing, T*k/E rows each, so
                         T*k expert-rows in all; shared experts on all T rows;
                         the dense masked layer runs every expert on all T.
                         balanced_formula spells it out.
  worst_matmul_flops     every routed expert gets all T tokens (T*E expert-rows);
                         worst_formula. For the dense layer, the same as balanced.
  parameters             every weight and bias; parameters_formula.
  active_parameters      per token: everything not in a routed expert + k/E of
                         the routed experts (the dense masked layer: k/E of its
                         experts too, architecturally, although all of them
                         run); active_formula.
  runtime                the torch run on the seed-0 input: tokens routed to each
                         expert (tokens_per_expert), the rows each expert's
                         Linears really ran on (expert_rows; = tokens_per_expert
                         except for the dense layer), and matmul_flops, the sum
                         over every nn.Linear call of 2 * rows * in * out from
                         forward hooks. For the routed layers this equals
                         balanced_matmul_flops whatever the routing (the experts
                         of a layer have one shape and take T*k rows between
                         them); for the dense layer too (every expert on T rows).
                         The script asserts both.

The ONNX files are saved weightless (tools/weightless.py: tensors of >= 1 KB
point at a weights file that is deleted); the Mixtral layer's weights alone
are 1.5 MB. --dump DIR writes, beside that, DIR/NAME.onnx with its weights
file, DIR/NAME.x.bin (the seed-0 input, float32 little-endian, 128x64) and
DIR/NAME.y.bin (torch's output) for checking the export in onnxruntime.
"""

import argparse
import json
import os
import sys
import tempfile
from collections import Counter

import onnx
import torch
import torch.nn.functional as F
from torch import nn

from weightless import save_weightless

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OPSET = 13
TOKENS = 128
D = 64
SEED = 0


# ---------------------------------------------------------------- experts

class SwiGLU(nn.Module):
    """w2(silu(w1 x) * w3 x), no biases: 3 matmuls of d x hidden."""

    def __init__(self, d, hidden):
        super().__init__()
        self.w1 = nn.Linear(d, hidden, bias=False)
        self.w2 = nn.Linear(hidden, d, bias=False)
        self.w3 = nn.Linear(d, hidden, bias=False)

    def forward(self, x):
        return self.w2(F.silu(self.w1(x)) * self.w3(x))


class ReluMLP(nn.Module):
    """Linear(d, hidden) + ReLU + Linear(hidden, d), with biases."""

    def __init__(self, d, hidden):
        super().__init__()
        self.fc1 = nn.Linear(d, hidden)
        self.fc2 = nn.Linear(hidden, d)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))


# ---------------------------------------------------------------- layers

class MixtralMoE(nn.Module):
    def __init__(self, d=64, hidden=256, experts=8, top_k=2):
        super().__init__()
        self.top_k = top_k
        self.gate = nn.Linear(d, experts, bias=False)
        self.experts = nn.ModuleList(SwiGLU(d, hidden) for _ in range(experts))

    def route(self, x):
        probs = F.softmax(self.gate(x), dim=-1)
        topw, topi = torch.topk(probs, self.top_k, dim=-1)
        return topw / topw.sum(dim=-1, keepdim=True), topi

    def forward(self, x):
        topw, topi = self.route(x)
        out = torch.zeros_like(x)
        for e, expert in enumerate(self.experts):
            tok, slot = torch.nonzero(topi == e, as_tuple=True)
            xe = x.index_select(0, tok)
            ye = expert(xe) * topw[tok, slot].unsqueeze(-1)
            out = out.index_add(0, tok, ye)
        return out

    def tokens_per_expert(self, x):
        _, topi = self.route(x)
        return [int((topi == e).sum()) for e in range(len(self.experts))]


class SwitchMoE(nn.Module):
    def __init__(self, d=64, hidden=256, experts=4):
        super().__init__()
        self.num_experts = experts
        self.router = nn.Linear(d, experts, bias=False)
        self.experts = nn.ModuleList(ReluMLP(d, hidden) for _ in range(experts))

    def route(self, x):
        probs = F.softmax(self.router(x), dim=-1)
        prob, idx = probs.max(dim=-1, keepdim=True)  # top-1: the argmax and its probability
        return prob, F.one_hot(idx.squeeze(-1), self.num_experts)

    def forward(self, x):
        prob, mask = self.route(x)
        out = torch.zeros_like(x)
        for e, expert in enumerate(self.experts):
            sel = mask[:, e].bool()
            ye = expert(x[sel]) * prob[sel]
            # out[sel] = ye, with the row mask widened to out's shape: torch 1.13
            # exports index_put(out, [mask], v) as masked_scatter, whose
            # Expand(mask [T] -> [T, 64]) is invalid when rank(mask) < rank(out)
            # (onnxruntime: "invalid expand shape"; pytorch issue #92540, fixed
            # after 1.13). With the mask at out's rank the graph is the same
            # Expand + NonZero + Transpose + ScatterND, and runs.
            out[sel.unsqueeze(-1).expand_as(out)] = ye.reshape(-1)
        return out

    def tokens_per_expert(self, x):
        _, mask = self.route(x)
        return [int(v) for v in mask.sum(dim=0)]


class DeepSeekMoE(nn.Module):
    def __init__(self, d=64, shared=2, shared_hidden=128, experts=16, hidden=32, top_k=4):
        super().__init__()
        self.num_experts = experts
        self.top_k = top_k
        self.gate = nn.Linear(d, experts, bias=False)
        self.shared = nn.ModuleList(SwiGLU(d, shared_hidden) for _ in range(shared))
        self.experts = nn.ModuleList(SwiGLU(d, hidden) for _ in range(experts))

    def route(self, x):
        scores = torch.sigmoid(self.gate(x))
        topw, topi = torch.topk(scores, self.top_k, dim=-1)
        return topw / topw.sum(dim=-1, keepdim=True), topi

    def forward(self, x):
        topw, topi = self.route(x)
        expert_mask = F.one_hot(topi, self.num_experts).permute(2, 1, 0)  # [E, k, T]
        out = torch.zeros_like(x)
        for e, expert in enumerate(self.experts):
            slot, tok = torch.where(expert_mask[e])
            xe = x.index_select(0, tok)
            ye = expert(xe) * topw[tok, slot].unsqueeze(-1)
            out = out.index_add(0, tok, ye)
        for s in self.shared:
            out = out + s(x)
        return out

    def tokens_per_expert(self, x):
        _, topi = self.route(x)
        return [int((topi == e).sum()) for e in range(self.num_experts)]


class DenseMaskedMoE(MixtralMoE):
    """Mixtral's router, but every expert runs on every token, masked by the gates."""

    def __init__(self, d=64, hidden=128, experts=4, top_k=2):
        super().__init__(d, hidden, experts, top_k)

    def route(self, x):
        topw, topi = super().route(x)
        gates = torch.zeros(x.shape[0], len(self.experts), dtype=x.dtype)
        return gates.scatter(1, topi, topw), topi

    def forward(self, x):
        gates, _ = self.route(x)
        out = torch.zeros_like(x)
        for e, expert in enumerate(self.experts):
            out = out + gates[:, e:e + 1] * expert(x)
        return out


# ---------------------------------------------------------------- hand counts

def hand_count(name):
    """From the architecture alone, at T = TOKENS: (spec, counts). Each count
    is computed from its formula string's own numbers."""
    T, d = TOKENS, D
    if name == "torch_mixtral_top2":
        E, k, h = 8, 2, 256
        spec = dict(hidden=h, experts=E, top_k=k, shared=0,
                    expert="SwiGLU w2(silu(w1 x) * w3 x), no bias",
                    router="Linear(64, 8, no bias) -> softmax -> topk(2) -> renormalized")
        router, per_row, per_expert = ("2*%d*%d*%d" % (T, d, E), "3*(2*%d*%d)" % (d, h),
                                       "3*%d*%d" % (d, h))
        balanced = "%s + %d*%d*%s" % (router, T, k, per_row)
        worst = "%s + %d*%d*%s" % (router, T, E, per_row)
        params = "%d*%d + %d*%s" % (d, E, E, per_expert)
        active = "%d*%d + %d/%d*(%d*%s)" % (d, E, k, E, E, per_expert)
    elif name == "torch_switch_top1":
        E, k, h = 4, 1, 256
        spec = dict(hidden=h, experts=E, top_k=k, shared=0,
                    expert="Linear(64, 256) + ReLU + Linear(256, 64), with biases",
                    router="Linear(64, 4, no bias) -> softmax -> argmax (top-1), "
                           "output scaled by the top probability")
        router, per_row = "2*%d*%d*%d" % (T, d, E), "(2*%d*%d + 2*%d*%d)" % (d, h, h, d)
        per_expert = "(%d*%d + %d + %d*%d + %d)" % (d, h, h, h, d, d)
        balanced = "%s + %d*%d*%s" % (router, T, k, per_row)
        worst = "%s + %d*%d*%s" % (router, T, E, per_row)
        params = "%d*%d + %d*%s" % (d, E, E, per_expert)
        active = "%d*%d + %d/%d*(%d*%s)" % (d, E, k, E, E, per_expert)
    elif name == "torch_deepseek_shared":
        E, k, h, S, hs = 16, 4, 32, 2, 128
        spec = dict(hidden=h, experts=E, top_k=k, shared=S, shared_hidden=hs,
                    expert="SwiGLU, no bias (routed hidden 32, shared hidden 128)",
                    router="Linear(64, 16, no bias) -> sigmoid -> topk(4) -> normalized over the 4")
        router = "2*%d*%d*%d" % (T, d, E)
        shared = "%d*%d*3*(2*%d*%d)" % (T, S, d, hs)
        per_row = "3*(2*%d*%d)" % (d, h)
        balanced = "%s + %s + %d*%d*%s" % (router, shared, T, k, per_row)
        worst = "%s + %s + %d*%d*%s" % (router, shared, T, E, per_row)
        params = "%d*%d + %d*3*%d*%d + %d*3*%d*%d" % (d, E, S, d, hs, E, d, h)
        active = "%d*%d + %d*3*%d*%d + %d/%d*(%d*3*%d*%d)" % (d, E, S, d, hs, k, E, E, d, h)
    elif name == "torch_dense_masked":
        E, k, h = 4, 2, 128
        spec = dict(hidden=h, experts=E, top_k=k, shared=0,
                    expert="SwiGLU, no bias; every expert runs on every token",
                    router="Linear(64, 4, no bias) -> softmax -> topk(2) -> renormalized -> "
                           "scattered into dense gates")
        router, per_row = "2*%d*%d*%d" % (T, d, E), "3*(2*%d*%d)" % (d, h)
        balanced = "%s + %d*%d*%s" % (router, T, E, per_row)  # dense: T rows per expert
        worst = balanced
        params = "%d*%d + %d*3*%d*%d" % (d, E, E, d, h)
        active = "%d*%d + %d/%d*(%d*3*%d*%d)" % (d, E, k, E, E, d, h)
    else:
        raise KeyError(name)

    def ev(formula):
        # k/E is a power-of-two fraction here, so the float arithmetic is exact.
        v = eval(formula, {"__builtins__": {}})
        assert v == int(v), (formula, v)
        return int(v)

    counts = dict(balanced_matmul_flops=ev(balanced), balanced_formula=balanced,
                  worst_matmul_flops=ev(worst), worst_formula=worst,
                  parameters=ev(params), parameters_formula=params,
                  active_parameters=ev(active), active_formula=active)
    return spec, counts


BUILD = {
    "torch_mixtral_top2": MixtralMoE,
    "torch_switch_top1": SwitchMoE,
    "torch_deepseek_shared": DeepSeekMoE,
    "torch_dense_masked": DenseMaskedMoE,
}
MODELS = tuple(BUILD)


def build(name):
    torch.manual_seed(SEED)
    return BUILD[name]().eval()


def make_input():
    torch.manual_seed(SEED)
    return torch.randn(TOKENS, D)


# ---------------------------------------------------------------- runtime

def run_with_hooks(model, x):
    """One forward with hooks on every nn.Linear: (output, matmul FLOPs, rows
    each routed expert's first Linear ran on)."""
    total = [0]
    rows = {}
    handles = []

    def hook(mod, inp, out):
        a = inp[0]
        total[0] += 2 * (a.numel() // a.shape[-1]) * mod.in_features * mod.out_features

    def rows_of(e):
        def h(mod, inp, out):
            rows[e] = rows.get(e, 0) + int(inp[0].shape[0])
        return h

    for mod in model.modules():
        if isinstance(mod, nn.Linear):
            handles.append(mod.register_forward_hook(hook))
    for e, expert in enumerate(model.experts):
        handles.append(expert.register_forward_hook(rows_of(e)))
    with torch.no_grad():
        y = model(x)
    for h in handles:
        h.remove()
    return y, total[0], [rows.get(e, 0) for e in range(len(model.experts))]


def parameter_count(model):
    return sum(p.numel() for p in model.parameters())


def routed_parameters(model):
    return sum(p.numel() for p in model.experts.parameters())


# ---------------------------------------------------------------- export

def export(model, x, path):
    torch.onnx.export(model, (x,), path, opset_version=OPSET, input_names=["x"],
                      output_names=["y"], dynamic_axes={"x": {0: "tokens"}, "y": {0: "tokens"}})


def op_histogram(proto):
    hist = Counter()

    def walk(g):
        for n in g.node:
            hist[n.op_type] += 1
            for a in n.attribute:
                if a.type == onnx.AttributeProto.GRAPH:
                    walk(a.g)
                for sub in a.graphs:
                    walk(sub)
    walk(proto.graph)
    return dict(sorted(hist.items()))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.path.join(REPO_ROOT, "testdata", "moe"))
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--check", action="store_true",
                        help="re-run the hand counts and the torch run and compare them with "
                             "torch_reference.json; write nothing")
    parser.add_argument("--dump", metavar="DIR",
                        help="also write full-weight copies, the input and torch's output")
    args = parser.parse_args()
    torch.set_num_threads(1)
    ref_path = os.path.join(args.out, "torch_reference.json")
    reference = {}
    if os.path.exists(ref_path):
        with open(ref_path) as f:
            reference = json.load(f)
    if not args.check:
        os.makedirs(args.out, exist_ok=True)
    if args.dump:
        os.makedirs(args.dump, exist_ok=True)

    failures = []
    for name in args.models.split(","):
        model = build(name)
        x = make_input()
        spec, counts = hand_count(name)

        # The hand count's parameters against the module's own.
        total_p = parameter_count(model)
        active_p = total_p - routed_parameters(model) + \
            routed_parameters(model) * spec["top_k"] // spec["experts"]
        assert counts["parameters"] == total_p, (name, counts["parameters"], total_p)
        assert counts["active_parameters"] == active_p, (name, counts["active_parameters"], active_p)

        y, flops, expert_rows = run_with_hooks(model, x)
        tokens = model.tokens_per_expert(x)
        assert sum(tokens) == TOKENS * spec["top_k"], (name, tokens)
        if name == "torch_dense_masked":
            assert expert_rows == [TOKENS] * spec["experts"], (name, expert_rows)
        else:
            assert expert_rows == tokens, (name, expert_rows, tokens)
        # Every expert of a layer has one shape and they take T*k rows between
        # them (dense: T each), so the real run is the balanced count exactly.
        assert flops == counts["balanced_matmul_flops"], (name, flops, counts)

        entry = {"file": name + ".onnx", "opset": OPSET, "tokens": TOKENS, "d": D}
        entry.update(spec)
        entry.update(counts)
        entry["runtime"] = {
            "seed": SEED,
            "input": "torch.manual_seed(0); x = torch.randn(128, 64); weights from "
                     "torch.manual_seed(0) before the layer is built",
            "tokens_per_expert": tokens,
            "expert_rows": expert_rows,
            "matmul_flops": flops,
        }
        entry["torch_version"] = torch.__version__
        entry["onnx_version"] = onnx.__version__

        if args.check:
            old = reference.get(name)
            drop = ("op_histogram", "torch_version", "onnx_version")
            if old is None or {k: v for k, v in old.items() if k not in drop} != \
                    {k: v for k, v in entry.items() if k not in drop}:
                failures.append(name)
                print("MISMATCH %s:\n  stored %s\n  now    %s" % (name, old, entry))
            else:
                print("%-24s ok: balanced %d, runtime %d, tokens per expert %s"
                      % (name, counts["balanced_matmul_flops"], flops, tokens))
            continue

        fname = name + ".onnx"
        with tempfile.TemporaryDirectory(prefix="onnx-flops-") as tmp:
            full = os.path.join(tmp, fname)
            export(model, x, full)
            proto = onnx.load(full)
        onnx.checker.check_model(proto)
        entry["op_histogram"] = op_histogram(proto)
        if args.dump:
            # Before save_weightless, which moves the proto's tensors out.
            keep = onnx.ModelProto()
            keep.CopyFrom(proto)
            onnx.save_model(keep, os.path.join(args.dump, fname), save_as_external_data=True,
                            all_tensors_to_one_file=True, location=name + ".weights",
                            size_threshold=1024)
            x.numpy().astype("<f4").tofile(os.path.join(args.dump, name + ".x.bin"))
            y.numpy().astype("<f4").tofile(os.path.join(args.dump, name + ".y.bin"))
        size = save_weightless(proto, os.path.join(args.out, fname), name + ".weights")
        assert size < 400 * 1024, (name, size)
        reference[name] = entry
        print("%-24s %d bytes  balanced %d (%s)  worst %d  params %d  active %d  runtime %d  "
              "tokens per expert %s" % (name, size, counts["balanced_matmul_flops"],
                                        counts["balanced_formula"], counts["worst_matmul_flops"],
                                        counts["parameters"], counts["active_parameters"], flops,
                                        tokens))
        print("    ops: %s" % entry["op_histogram"])

    if args.check:
        return 1 if failures else 0
    with open(ref_path, "w") as f:
        json.dump(reference, f, indent=2, sort_keys=True)
        f.write("\n")
    print("wrote", ref_path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
