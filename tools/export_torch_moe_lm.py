#!/usr/bin/python3
"""Exports testdata/moe/torch_moe_lm.onnx: a tiny mixture-of-experts language
model, the README's example of routed compute in a whole model (per token,
Kaplan's check and 6ND with active parameters). Weightless, like the other
exports (tools/weightless.py). Needs Debian's python3-torch 1.13 and
python3-onnx (/usr/bin/python3); the build and the tests do not.

    /usr/bin/python3 tools/export_torch_moe_lm.py [--out testdata/moe]

input_ids [batch, seq] -> Embedding(512, 64) -> 2 x (pre-norm causal
self-attention, 4 heads of 16, q/k/v/o Linear(64, 64) without bias; pre-norm
Mixtral MoE FFN: router Linear(64, 8) -> softmax -> top-2, 8 SwiGLU experts
of hidden 256, tools/export_torch_moe.py's MixtralMoE on the batch x seq
tokens) -> LayerNorm -> Linear(64, 512) logits. Traced at batch 2, seq 32,
opset 14 (tril), dims 'batch' and 'seq' dynamic.

Matmul-class FLOPs per pass at batch B, seq S (T = B*S tokens), per layer:
  q, k, v, o projections   4 x 2*T*64*64
  scores and scores x V    2 x 2*B*4*S*S*16  (= 2 x 2*B*S*S*64)
  router                   2*T*64*8
  experts, balanced        T*2 rows x 3 x 2*64*256
plus the head 2*T*64*512. Parameters: embedding 512*64, per layer 4*64*64
+ 2 LayerNorms (2*64 each) + router 64*8 + 8 experts x 3*64*256, final
LayerNorm 2*64, head 64*512 + 512. Active: the same with 2 of the 8 experts.
"""
import argparse
import importlib.util
import math
import os
import sys

import tempfile

import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("export_torch_moe",
                                              os.path.join(HERE, "export_torch_moe.py"))
moe = importlib.util.module_from_spec(spec)
spec.loader.exec_module(moe)
sys.path.insert(0, HERE)
from weightless import save_weightless  # noqa: E402

D, HEADS, VOCAB, LAYERS = 64, 4, 512, 2


class Attention(nn.Module):
    def __init__(self):
        super().__init__()
        self.q = nn.Linear(D, D, bias=False)
        self.k = nn.Linear(D, D, bias=False)
        self.v = nn.Linear(D, D, bias=False)
        self.o = nn.Linear(D, D, bias=False)

    def forward(self, x):
        b, s, _ = x.shape
        split = lambda t: t.view(b, s, HEADS, D // HEADS).transpose(1, 2)
        q, k, v = split(self.q(x)), split(self.k(x)), split(self.v(x))
        scores = q @ k.transpose(-1, -2) / math.sqrt(D // HEADS)
        causal = torch.ones(s, s, dtype=torch.bool).tril()
        scores = scores.masked_fill(~causal, float("-inf"))
        y = F.softmax(scores, dim=-1) @ v
        return self.o(y.transpose(1, 2).reshape(b, s, D))


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.norm1 = nn.LayerNorm(D)
        self.attn = Attention()
        self.norm2 = nn.LayerNorm(D)
        self.moe = moe.MixtralMoE(d=D, hidden=256, experts=8, top_k=2)

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        b, s, _ = x.shape
        return x + self.moe(self.norm2(x).reshape(b * s, D)).reshape(b, s, D)


class MoeLM(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(VOCAB, D)
        self.blocks = nn.ModuleList(Block() for _ in range(LAYERS))
        self.norm = nn.LayerNorm(D)
        self.head = nn.Linear(D, VOCAB)

    def forward(self, ids):
        x = self.embed(ids)
        for block in self.blocks:
            x = block(x)
        return self.head(self.norm(x))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(HERE, "..", "testdata", "moe"))
    args = ap.parse_args()
    torch.manual_seed(0)
    model = MoeLM().eval()
    ids = torch.randint(0, VOCAB, (2, 32))
    path = os.path.join(args.out, "torch_moe_lm.onnx")
    with tempfile.TemporaryDirectory(prefix="onnx-flops-") as tmp:
        full = os.path.join(tmp, "torch_moe_lm.onnx")
        torch.onnx.export(model, (ids,), full, opset_version=14, input_names=["input_ids"],
                          output_names=["logits"],
                          dynamic_axes={"input_ids": {0: "batch", 1: "seq"},
                                        "logits": {0: "batch", 1: "seq"}})
        proto = onnx.load(full)
    onnx.checker.check_model(proto)
    save_weightless(proto, path, "torch_moe_lm.weights")
    print(path, sum(p.numel() for p in model.parameters()), "parameters")


if __name__ == "__main__":
    main()
