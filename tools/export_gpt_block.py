#!/usr/bin/python3
"""Exports testdata/memory/gpt_block.onnx: one GPT-2-style transformer block,
the model behind the check of training memory's saved activations against
Korthikanti et al. 2022 ("Reducing Activation Recomputation in Large
Transformer Models", section 4.1: 34·s·b·h + 5·a·s²·b bytes per layer at 16
bits, without recomputation). Weightless, like the other exports
(tools/weightless.py). Needs Debian's python3-torch 1.13 and python3-onnx
(/usr/bin/python3); the build and the tests do not.

    /usr/bin/python3 tools/export_gpt_block.py [--out testdata/memory]

x [b, s, h] -> x + attn(ln_1(x)) -> x + mlp(ln_2(x)), GPT-2's block
(pre-LayerNorm):
  attn: c_attn Linear(h, 3h) -> q, k, v split into a heads of h/a ->
        q @ k^T * 1/sqrt(h/a) -> causal mask (masked_fill from a bool tril
        buffer) -> softmax -> @ v -> merge heads -> c_proj Linear(h, h)
  mlp:  c_fc Linear(h, 4h) -> GELU (erf) -> c_proj Linear(4h, h)
No dropout (the export is an eval-mode graph: dropout is the identity there,
and Korthikanti's dropout masks and outputs have no tensor in it). fp32
weights and activations: the comparison scales bytes by 2/4 to 16 bits, or
asks for --precision fp16 (activations at the training precision).

Fixed shapes b = 2, s = 128, h = 256, a = 4 (no dynamic axes: the causal
mask folds into a constant), opset 17 (LayerNormalization is one op; torch
1.13 exports GELU as Div, Erf, Add, Mul, Mul).

Hand counts (sbh = 2*128*256 = 65,536 elements, as^2b = 4*128*128*2 =
131,072):
  parameters  ln_1 2h + c_attn 3h^2 + 3h + c_proj h^2 + h + ln_2 2h
              + c_fc 4h^2 + 4h + c_proj 4h^2 + h = 12h^2 + 13h = 789,760
  matmul FLOPs per pass  2*b*s*(3h^2 + h^2 + 4h^2 + 4h^2) + 2 * 2*b*a*s^2*(h/a)
              = 2*256*786,432 + 4*2*128*128*256 = 436,207,616
"""
import argparse
import math
import os
import sys
import tempfile

import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from weightless import save_weightless  # noqa: E402

B, S, H, HEADS = 2, 128, 256, 4


class CausalSelfAttention(nn.Module):
    def __init__(self):
        super().__init__()
        self.c_attn = nn.Linear(H, 3 * H)
        self.c_proj = nn.Linear(H, H)
        self.register_buffer("bias", torch.ones(S, S, dtype=torch.bool).tril())

    def forward(self, x):
        b, s, _ = x.shape
        q, k, v = self.c_attn(x).split(H, dim=2)
        heads = lambda t: t.view(b, s, HEADS, H // HEADS).transpose(1, 2)
        q, k, v = heads(q), heads(k), heads(v)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(H // HEADS))
        att = att.masked_fill(~self.bias[:s, :s], float("-inf"))
        y = F.softmax(att, dim=-1) @ v
        return self.c_proj(y.transpose(1, 2).reshape(b, s, H))


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.c_fc = nn.Linear(H, 4 * H)
        self.gelu = nn.GELU()
        self.c_proj = nn.Linear(4 * H, H)

    def forward(self, x):
        return self.c_proj(self.gelu(self.c_fc(x)))


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln_1 = nn.LayerNorm(H)
        self.attn = CausalSelfAttention()
        self.ln_2 = nn.LayerNorm(H)
        self.mlp = Mlp()

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


def korthikanti_bytes(s, b, h, a):
    """Activation bytes per layer without recomputation, 16-bit activations
    and 1-byte dropout masks (Korthikanti et al. 2022, eq. 1)."""
    return 34 * s * b * h + 5 * a * s * s * b


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(HERE, "..", "testdata", "memory"))
    args = ap.parse_args()
    torch.manual_seed(0)
    model = Block().eval()
    with torch.no_grad():  # distinct values: the exporter merges equal initializers
        for p in model.parameters():
            p.normal_(0, 0.02)
    x = torch.randn(B, S, H)
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "gpt_block.onnx")
    with tempfile.TemporaryDirectory(prefix="onnx-flops-") as tmp:
        full = os.path.join(tmp, "gpt_block.onnx")
        torch.onnx.export(model, (x,), full, opset_version=17, input_names=["x"],
                          output_names=["y"])
        proto = onnx.load(full)
    onnx.checker.check_model(proto)
    size = save_weightless(proto, path, "gpt_block.weights")
    params = sum(p.numel() for p in model.parameters())
    print(path, size, "bytes;", params, "parameters; Korthikanti per layer at s=%d b=%d h=%d "
          "a=%d: %d bytes" % (S, B, H, HEADS, korthikanti_bytes(S, B, H, HEADS)))


if __name__ == "__main__":
    main()
