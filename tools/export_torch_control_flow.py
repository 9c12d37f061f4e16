#!/usr/bin/env python3
"""Exports testdata/torch/vad_if_script.onnx with torch.jit.script (Debian's
python3-torch): the shape of a voice-activity detector's front, an If on the
sample rate whose branches reshape (one pads first) and run a Linear.

    x [1, 512], sr (int64 scalar)
    sr == 16000: x.reshape(1, -1, 64) -> [1, 8, 64], Linear 64 -> 32:
                 MatMul 2*8*64*32 = 32,768 + bias 8*32 = 256
    otherwise:   F.pad(x, (0, 64)) -> [1, 576] -> [1, 9, 64], Linear:
                 MatMul 2*9*64*32 = 36,864 + bias 288, + the Mul and Sub of the
                 exported pad's index arithmetic (1 each)
    + the Equal (1). So 33,025 with --value sr=16000, 37,155 otherwise.

At the start of this work onnx-flops counted 257 FLOP of it, the then branch's
MatMul uncounted (its Reshape's shape came from the outer scope).
"""
import os

import torch
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class VadFront(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.l = torch.nn.Linear(64, 32)

    def forward(self, x, sr):
        if bool(sr == 16000):
            y = self.l(x.reshape(x.shape[0], -1, 64))
        else:
            y = self.l(F.pad(x, (0, 64)).reshape(x.shape[0], -1, 64))
        return y


def main():
    torch.manual_seed(0)
    path = os.path.join(ROOT, "testdata", "torch", "vad_if_script.onnx")
    torch.onnx.export(torch.jit.script(VadFront()), (torch.randn(1, 512), torch.tensor(16000)),
                      path, opset_version=13, input_names=["x", "sr"], output_names=["y"])
    print(path)


if __name__ == "__main__":
    main()
