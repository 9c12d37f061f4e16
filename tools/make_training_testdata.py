#!/usr/bin/python3
"""Generates the ONNX models of testdata/training/ that carry training figures
in their metadata_props (the training.* keys of analyzer/training/training_config.h).

Run with Debian's python3 (python3-onnx 1.12, numpy):

    /usr/bin/python3 tools/make_training_testdata.py            # writes testdata/training/
    /usr/bin/python3 tools/make_training_testdata.py --out DIR  # somewhere else

The output is deterministic (no timestamps, no random numbers): re-running gives
identical bytes.

Models:

  mlp_with_metadata.onnx  A shallow MLP with a wide first layer,
                          x[batch, 1024] -> Gemm(1024 -> 64) -> Relu -> Gemm(64 -> 10),
                          with training.* metadata for a small image-classification
                          run (60,000 examples x 10 epochs = batch 100 x 6,000 steps,
                          one V100 for 0.25 h at fp32, utilization 0.4).
                          Forward per example, by hand:
                            fc1  2*1024*64 = 131,072 matmul + 64 bias
                            relu 64
                            fc2  2*64*10   =   1,280 matmul + 10 bias
                            total 132,490 FLOP (132,352 matmul class + 138 vector),
                            66,176 MACs; 66,250 parameters.
                          The first layer reads graph data (no input gradient) and
                          holds 99% of the matmul work, so a per-op backward model
                          gives an effective ratio near 1, well below 2.
  bad_metadata.onnx       The same graph with training.epochs = "ninety": reading
                          its metadata is an error naming training.epochs.

Weights are declared with dims and data_location=EXTERNAL pointing at a
.weights.bin file that is not written, like the other generated testdata
(see tools/make_testdata.py): the analyzer never reads weights.
"""

import argparse
import os
import sys

import onnx
from onnx import TensorProto, helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_testdata import AbsentWeights  # noqa: E402

PRODUCER = "onnx-flops/tools/make_training_testdata.py"
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FLOAT = TensorProto.FLOAT

GOOD_METADATA = [
    ("training.examples", "60000"),
    ("training.epochs", "10"),
    ("training.batch_size", "100"),
    ("training.steps", "6000"),
    ("training.backward_ratio", "2"),
    ("training.hardware", "V100"),
    ("training.chips", "1"),
    ("training.hours", "0.25"),
    ("training.precision", "fp32"),
    ("training.utilization", "0.4"),
    ("source", "onnx-flops testdata: training figures as metadata_props"),
]


def wide_mlp(weights_file, metadata):
    w = AbsentWeights(weights_file)
    inits = [w.make("fc1.weight", [64, 1024]), w.make("fc1.bias", [64]),
             w.make("fc2.weight", [10, 64]), w.make("fc2.bias", [10])]
    nodes = [
        helper.make_node("Gemm", ["x", "fc1.weight", "fc1.bias"], ["h"], name="fc1", transB=1),
        helper.make_node("Relu", ["h"], ["a"], name="relu"),
        helper.make_node("Gemm", ["a", "fc2.weight", "fc2.bias"], ["y"], name="fc2", transB=1),
    ]
    graph = helper.make_graph(
        nodes, "wide_mlp",
        [helper.make_tensor_value_info("x", FLOAT, ["batch", 1024])],
        [helper.make_tensor_value_info("y", FLOAT, ["batch", 10])],
        initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)],
                              producer_name=PRODUCER, producer_version="1")
    model.ir_version = 8
    for key, value in metadata:
        entry = model.metadata_props.add()
        entry.key = key
        entry.value = value
    return model


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=os.path.join(REPO_ROOT, "testdata", "training"))
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    bad = [(k, "ninety" if k == "training.epochs" else v) for k, v in GOOD_METADATA]
    models = {
        "mlp_with_metadata.onnx": wide_mlp("mlp_with_metadata.weights.bin", GOOD_METADATA),
        "bad_metadata.onnx": wide_mlp("bad_metadata.weights.bin", bad),
    }
    for name, model in models.items():
        # The checker would look for the absent weights file; strict shape
        # inference checks the graph instead.
        onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
        path = os.path.join(args.out, name)
        with open(path, "wb") as f:
            f.write(model.SerializeToString())
        print(f"wrote {path} ({os.path.getsize(path)} bytes)")


if __name__ == "__main__":
    main()
