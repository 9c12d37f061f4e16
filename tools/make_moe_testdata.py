#!/usr/bin/python3
"""Generates small com.microsoft MoE / QMoE models (onnxruntime's fused
mixture-of-experts ops) in testdata/moe/, with real random weights so that
onnxruntime can run them.

Run with Debian's python3 (python3-onnx 1.12, numpy):

    /usr/bin/python3 tools/make_moe_testdata.py             # writes testdata/moe/
    /usr/bin/python3 tools/make_moe_testdata.py --out DIR   # somewhere else
    ... --onnx-flops build/onnx-flops                       # and compare (default
                                                            # when the binary exists)

The output is deterministic (numpy's default_rng(11); no timestamps).

Every model maps x [tokens, hidden] to y [tokens, hidden] ('tokens' a
symbolic dim; the hand counts below are at tokens = 128). The router is an
ordinary MatMul x [tokens, hidden] x Wr [hidden, E] whose output, the router
logits, is MoE's router_probs (onnxruntime softmaxes them itself). Weights
are in the newer layout (moe_helper.h): fc1/fc3 [E, fc1_cols, hidden/pack],
fc2 [E, hidden, inter/pack].

  contrib_moe_silu.onnx    MoE: hidden 32, inter 64, E 8, top-2,
                           normalize_routing_weights=1, activation silu gated
                           by fc3 (Mixtral's w2(silu(w1 x) * w3 x)), no biases
  contrib_moe_swiglu.onnx  MoE: hidden 32, inter 64, E 8, top-2, normalized,
                           activation swiglu with fc1 [8, 2*64, 32] holding
                           the gate and the linear part interleaved
                           (swiglu_fusion=1), no fc3, no biases
  contrib_qmoe_int4.onnx   QMoE: hidden 64, inter 128, E 4, top-2, not
                           normalized, relu, expert_weight_bits=4 (uint8
                           weights, 2 per byte: fc1 [4, 128, 32], fc2
                           [4, 64, 64]), per-row scales fc1_scales [4, 128],
                           fc2_scales [4, 64], no zero points (2^(bits-1) = 8)

Hand counts at tokens = 128 (rules/moe.cc; rows = 128, expert rows = rows*k
= 256 under balanced routing, exact for any routing):

  contrib_moe_silu    router MatMul 2*128*32*8 = 65,536
                      MoE matmul 2*256*(32*64 [fc1] + 32*64 [fc3] + 64*32 [fc2])
                        = 3,145,728
                      MoE vector 256*64*(silu 5 + gate 1) = 98,304
                        + 128*(softmax 5*8 + top-2 (8-1)*2 + normalize 3) = 7,296
                        + 128*32*(2*2-1) (combine) = 12,288  -> 117,888
  contrib_moe_swiglu  router 65,536; MoE matmul 2*256*(32*128 + 64*32) = 3,145,728
                      MoE vector 256*64*8 (swiglu) = 131,072 + 7,296 + 12,288
                        = 150,656
  contrib_qmoe_int4   router MatMul 2*128*64*4 = 65,536
                      QMoE matmul 2*256*(64*128 + 128*64) = 8,388,608
                      QMoE vector 256*128*1 (relu) = 32,768
                        + 128*(5*4 + (4-1)*2) = 3,328 + 128*64*3 = 24,576
                        + dequantize 2*4*(64*128*2) = 131,072  -> 191,744

Run by onnxruntime-node's CPU provider (tools/validate_ort_trace.js with
ORT_NODE_MODULES; its matmul class agreed with the counts above):
contrib_moe_swiglu and contrib_qmoe_int4 run in 1.24.3, 1.27.0 and 1.31.1
(1.31.1's MoE output equals a numpy model of softmax top-2 routing and the
interleaved SwiGLU to 7e-7). 1.20.1 has no CPU MoE kernel; 1.23.0 has none
for MoE and runs QMoE only with a fused swiglu. contrib_moe_silu (fc3) is valid
for the schema and the CUDA kernels, but no CPU kernel runs it: "FC3 is not
implemented for CPU MoE" (1.24.3 to 1.31.1).
"""

import argparse
import json
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

PRODUCER = "onnx-flops/tools/make_moe_testdata.py"
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MS = "com.microsoft"
TOKENS = 128


class Rng:
    def __init__(self):
        self.rng = np.random.default_rng(11)

    def floats(self, name, dims, scale, np_type=np.float32):
        arr = (self.rng.standard_normal(dims) * scale).astype(np_type)
        return numpy_helper.from_array(arr, name)

    def uint8(self, name, dims):
        arr = self.rng.integers(0, 256, size=dims, dtype=np.uint8)
        return numpy_helper.from_array(arr, name)


def make_model(nodes, name, inputs, outputs, inits):
    graph = helper.make_graph(nodes, name, inputs, outputs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17),
                                                    helper.make_opsetid(MS, 1)],
                              producer_name=PRODUCER, producer_version="1")
    model.ir_version = 8
    return model


def moe_model(name, hidden, experts, fc1_rows, inter, fc3, attrs):
    """Float MoE: router MatMul, then MoE(x, logits, fc1, , fc2[, , fc3])."""
    r = Rng()
    inits = [r.floats("router_w", [hidden, experts], 0.5),
             r.floats("fc1", [experts, fc1_rows, hidden], 0.2),
             r.floats("fc2", [experts, hidden, inter], 0.2)]
    moe_inputs = ["x", "logits", "fc1", "", "fc2"]
    if fc3:
        inits.append(r.floats("fc3", [experts, inter, hidden], 0.2))
        moe_inputs += ["", "fc3"]
    nodes = [helper.make_node("MatMul", ["x", "router_w"], ["logits"], name="router"),
             helper.make_node("MoE", moe_inputs, ["y"], name="moe", domain=MS, **attrs)]
    return make_model(
        nodes, name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["tokens", hidden])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["tokens", hidden])], inits)


def make_silu():
    model = moe_model("contrib_moe_silu", 32, 8, 64, 64, True,
                      dict(activation_type="silu", k=2, normalize_routing_weights=1))
    router, matmul, vector = 2 * TOKENS * 32 * 8, 2 * 256 * (32 * 64 * 3), \
        256 * 64 * 6 + 128 * (5 * 8 + 7 * 2 + 3) + 128 * 32 * 3
    return model, {"matmul_flops": router + matmul, "vector_flops": vector}


def make_swiglu():
    model = moe_model("contrib_moe_swiglu", 32, 8, 128, 64, False,
                      dict(activation_type="swiglu", swiglu_fusion=1, k=2,
                           normalize_routing_weights=1))
    router, matmul, vector = 2 * TOKENS * 32 * 8, 2 * 256 * (32 * 128 + 64 * 32), \
        256 * 64 * 8 + 128 * (5 * 8 + 7 * 2 + 3) + 128 * 32 * 3
    return model, {"matmul_flops": router + matmul, "vector_flops": vector}


def make_qmoe_int4():
    """QMoE, 4-bit weights. onnxruntime's CPU QMoE kernel takes float16
    activations (T) with float scales (T2); so x, the router and y are float16."""
    hidden, inter, experts = 64, 128, 4
    r = Rng()
    inits = [r.floats("router_w", [hidden, experts], 0.5, np.float16),
             r.uint8("fc1", [experts, inter, hidden // 2]),
             r.floats("fc1_scales", [experts, inter], 0.01),
             r.uint8("fc2", [experts, hidden, inter // 2]),
             r.floats("fc2_scales", [experts, hidden], 0.01)]
    nodes = [helper.make_node("MatMul", ["x", "router_w"], ["logits"], name="router"),
             helper.make_node("QMoE", ["x", "logits", "fc1", "fc1_scales", "", "fc2",
                                       "fc2_scales"], ["y"], name="qmoe", domain=MS,
                              activation_type="relu", k=2, expert_weight_bits=4)]
    model = make_model(
        nodes, "contrib_qmoe_int4",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT16, ["tokens", hidden])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT16, ["tokens", hidden])], inits)
    router = 2 * TOKENS * hidden * experts
    matmul = 2 * 256 * (hidden * inter * 2)
    vector = 256 * inter + 128 * (5 * 4 + 3 * 2) + 128 * hidden * 3 + 2 * 4 * hidden * inter * 2
    return model, {"matmul_flops": router + matmul, "vector_flops": vector}


MODELS = [
    ("contrib_moe_silu.onnx", make_silu),
    ("contrib_moe_swiglu.onnx", make_swiglu),
    ("contrib_qmoe_int4.onnx", make_qmoe_int4),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.path.join(REPO_ROOT, "testdata", "moe"))
    parser.add_argument("--onnx-flops", default=os.path.join(REPO_ROOT, "build",
                                                             "onnx-flops"))
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    failed = 0
    for fname, maker in MODELS:
        model, expected = maker()
        path = os.path.join(args.out, fname)
        onnx.save_model(model, path)
        size = os.path.getsize(path)
        assert size < 300 * 1024, (fname, size)
        line = "%-26s %7d bytes  expected matmul %9d vector %7d" % (
            fname, size, expected["matmul_flops"], expected["vector_flops"])
        if os.path.exists(args.onnx_flops):
            out = subprocess.run([args.onnx_flops, path, "--dim", "tokens=%d" % TOKENS,
                                  "--format", "json"], capture_output=True, text=True)
            if out.returncode != 0:
                line += "  onnx-flops: " + out.stderr.strip()
                failed += 1
            else:
                fwd = json.loads(out.stdout)["forward"]
                ok = (fwd["matmul_flops"] == expected["matmul_flops"] and
                      fwd["vector_flops"] == expected["vector_flops"])
                failed += 0 if ok else 1
                line += "  onnx-flops %s (%d, %d)" % ("agrees" if ok else "DIFFERS",
                                                     fwd["matmul_flops"], fwd["vector_flops"])
        print(line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
