#!/usr/bin/env python3
"""Exports two models with torch.jit.script (Debian's python3-torch).

testdata/torch/vad_if_script.onnx: the shape of a voice-activity detector's
front, an If on the sample rate whose branches reshape (one pads first) and run
a Linear.

    x [1, 512], sr (int64 scalar)
    sr == 16000: x.reshape(1, -1, 64) -> [1, 8, 64], Linear 64 -> 32:
                 MatMul 2*8*64*32 = 32,768 + bias 8*32 = 256
    otherwise:   F.pad(x, (0, 64)) -> [1, 576] -> [1, 9, 64], Linear:
                 MatMul 2*9*64*32 = 36,864 + bias 288, + the Mul and Sub of the
                 exported pad's index arithmetic (1 each)
    + the Equal (1). So 33,025 with --value sr=16000, 37,155 otherwise.

At the start of this work onnx-flops counted 257 FLOP of it, the then branch's
MatMul uncounted (its Reshape's shape came from the outer scope).

testdata/torch/vad_loop_script.onnx: a VAD with its time loop: an If on the
sample rate (16000: the signal as is; otherwise padded by 32 samples), an STFT
as a strided Conv1d (1 -> 66 channels, kernel 64, hop 32, no bias), then a
scripted for loop over the frames (an ONNX Loop whose trip count is the
Conv's output length) stepping an LSTMCell(66, 16), and a Linear(16, 1) head.
x [1, samples] (samples a dynamic axis), sr (int64 scalar). At samples = 512:

    frames T = (512 - 64) / 32 + 1 = 15 (sr = 16000), 16 otherwise (544)
    Conv  2 * 66 * T * 1 * 64           = 126,720 / 135,168
    LSTMCell per step 2 * 4 * 16 * (66 + 16) = 10,496: x T = 157,440 / 167,936
    Linear 2 * 16 * 1 = 32
    matmul class: 284,192 with --value sr=16000, 303,136 otherwise.
tools/validate_ort_trace.js checks these against what onnxruntime runs
(testdata/ort_traces/traces.json).
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


class VadLoop(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.stft = torch.nn.Conv1d(1, 66, kernel_size=64, stride=32, bias=False)
        self.cell = torch.nn.LSTMCell(66, 16)
        self.head = torch.nn.Linear(16, 1)

    def forward(self, x, sr):
        if bool(sr == 16000):
            frames = self.stft(x.unsqueeze(1))
        else:
            frames = self.stft(F.pad(x, (0, 32)).unsqueeze(1))
        h = torch.zeros(x.shape[0], 16)
        c = torch.zeros(x.shape[0], 16)
        for t in range(frames.shape[2]):
            h, c = self.cell(frames[:, :, t], (h, c))
        return torch.sigmoid(self.head(h))


def main():
    torch.manual_seed(0)
    path = os.path.join(ROOT, "testdata", "torch", "vad_if_script.onnx")
    torch.onnx.export(torch.jit.script(VadFront()), (torch.randn(1, 512), torch.tensor(16000)),
                      path, opset_version=13, input_names=["x", "sr"], output_names=["y"])
    print(path)
    path = os.path.join(ROOT, "testdata", "torch", "vad_loop_script.onnx")
    torch.onnx.export(torch.jit.script(VadLoop()), (torch.randn(1, 512), torch.tensor(16000)),
                      path, opset_version=13, input_names=["x", "sr"], output_names=["p"],
                      dynamic_axes={"x": {1: "samples"}})
    print(path)


if __name__ == "__main__":
    main()
