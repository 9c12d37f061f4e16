#!/usr/bin/env python3
"""Writes testdata/onnx_crash/: small, valid-looking models on which ONNX 1.12's
own shape inference (libonnx, with data propagation) dies, so that tests can
check that onnx-flops survives it (analyzer/shapes/onnx_isolation.h).

two_node_unknown_op_shape.onnx: an op of a domain ONNX has no schema for, then
Shape (opset 15, which propagates data) of its output: libonnx reads the
missing input type through a null pointer (SIGSEGV). onnxruntime's
3layer_bloom_optimized_training.onnx does the same with com.microsoft
FusedMatMul. Python's onnx.shape_inference.infer_shapes(m, data_prop=True)
dies on it too.
"""
import os

import onnx
from onnx import TensorProto, helper

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "testdata", "onnx_crash")


def two_node_unknown_op_shape():
    nodes = [
        helper.make_node("UnknownOp", ["x"], ["y"], name="unknown", domain="com.example"),
        helper.make_node("Shape", ["y"], ["s"], name="shape"),
    ]
    graph = helper.make_graph(
        nodes, "two_node_unknown_op_shape",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])],
        [helper.make_tensor_value_info("s", TensorProto.INT64, [2])])
    return helper.make_model(graph, producer_name="make_onnx_crash_testdata",
                             opset_imports=[helper.make_opsetid("", 15),
                                            helper.make_opsetid("com.example", 1)])


def main():
    os.makedirs(OUT, exist_ok=True)
    onnx.save(two_node_unknown_op_shape(), os.path.join(OUT, "two_node_unknown_op_shape.onnx"))


if __name__ == "__main__":
    main()
