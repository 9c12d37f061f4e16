#!/usr/bin/env python3
"""Writes testdata/moe/routing_untied.onnx: a router whose expert mask the
routing analysis cannot follow, for the honest fallback (analyzer/moe_test.cc).
Run with Debian's python3-onnx (/usr/bin/python3).

x [16, 8] -> MatMul Wr [8, 4] -> TopK(k=2) indices [16, 2]
  -> Equal(ids, 1) -> Not: the (token, choice) pairs NOT routed to expert 1,
  whose count is no share of the routing -> NonZero [2, n] -> Gather row 0
  (token ids) -> Gather(x) [n, 8] -> MatMul W1 [8, 32] -> y [n, 32].
NonZero keeps its generic bound, numel(mask) = 32: the MatMul counts
2*32*8*32 = 16,384 at the high end, the router 2*16*8*4 = 1,024.
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "testdata", "moe")


def main():
    rng = np.random.default_rng(0)
    wr = numpy_helper.from_array(rng.standard_normal((8, 4)).astype(np.float32), "Wr")
    w1 = numpy_helper.from_array(rng.standard_normal((8, 32)).astype(np.float32), "W1")
    k = numpy_helper.from_array(np.array([2], dtype=np.int64), "k")
    one = numpy_helper.from_array(np.array(1, dtype=np.int64), "one")
    zero = numpy_helper.from_array(np.array(0, dtype=np.int64), "zero")
    nodes = [
        helper.make_node("MatMul", ["x", "Wr"], ["logits"], name="router"),
        helper.make_node("TopK", ["logits", "k"], ["topw", "topi"], name="topk"),
        helper.make_node("Equal", ["topi", "one"], ["is_one"], name="is_one"),
        helper.make_node("Not", ["is_one"], ["not_one"], name="not_one"),
        helper.make_node("NonZero", ["not_one"], ["where"], name="nonzero"),
        helper.make_node("Gather", ["where", "zero"], ["tok"], axis=0, name="tokens"),
        helper.make_node("Gather", ["x", "tok"], ["xs"], axis=0, name="rows"),
        helper.make_node("MatMul", ["xs", "W1"], ["y"], name="expert"),
    ]
    graph = helper.make_graph(
        nodes, "routing_untied",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [16, 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["n", 32]),
         helper.make_tensor_value_info("topw", TensorProto.FLOAT, [16, 2])],
        [wr, w1, k, one, zero])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)],
                              producer_name="make_routing_testdata.py")
    model.ir_version = 8
    onnx.checker.check_model(model)
    os.makedirs(OUT, exist_ok=True)
    onnx.save(model, os.path.join(OUT, "routing_untied.onnx"))


if __name__ == "__main__":
    main()
