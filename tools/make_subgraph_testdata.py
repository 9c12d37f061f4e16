#!/usr/bin/env python3
"""Writes testdata/subgraph_*.onnx: control flow whose bodies compute their
shapes from the enclosing graph, the case of voice-activity detectors and
other models that torch.jit.script exports with If and Loop. Run with
Debian's python3-onnx (/usr/bin/python3); the counts are worked out by hand
below and pinned in analyzer/control_flow_test.cc.

subgraph_if_outer_scope.onnx: x [1, 512], sr (int64 scalar input);
  If(sr == 16000):
    then: Reshape(x, Concat(Unsqueeze(Gather(Shape(x), 0)), [-1, 64])) -> [1, 8, 64]
          (the shape from Shape of the OUTER x and outer initializers), Pad with
          outer pads [0,1,0, 0,1,0] -> [1, 10, 64], MatMul with the outer W [64, 32]
          -> 2*10*64*32 = 40,960
    else: Reshape(x, [1, 8, 64]), MatMul W -> 2*8*64*32 = 32,768
  The condition is unknown: the larger branch, then, is counted.
  Total 40,960 + Equal 1 = 40,961.

subgraph_if_downstream.onnx: subgraph_if_outer_scope's If, its output y
  then read by a MatMul with W2 [32, 16] in the main graph. The branches
  give y [1, 10, 32] (then) and [1, 8, 32] (else); with the condition
  unknown the upper pass takes the larger dim, 10: 40,960 + 1 + 2*10*32*16
  (10,240) = 51,201; the low pass the smaller, 8: 32,768 + 1 + 2*8*32*16
  (8,192) = 40,961. With --value sr=8000: 40,961 exactly.

subgraph_loop_downstream.onnx: subgraph_loop_state's Loop with a scan
  output (the body's h_out again, through an Identity), its final state
  read by a MatMul with W2 [16, 8]: 6,144 + 2*4*16*8 (1,024) = 7,168; the
  scan output is [3, 4, 16] (M = 3 trips), reduced by a ReduceSum over
  axis 0: 2 adds per output element, 2*64 = 128. Total 7,296.

subgraph_loop_early_exit.onnx: x [4, 16]; Loop M = 10 (constant), initial
  cond true; the body's condition is Less(i, 3), computed, so the loop may
  stop before M: body MatMul [4, 16] x [16, 16] = 2,048 + Less 1 = 2,049 per
  trip. Upper end 10 trips: 20,490 (forward.bounds names the Loop); low end
  1 trip (the first condition is the constant true): 2,049.

subgraph_greedy_search.onnx: com.microsoft GreedySearch (model_type 0) on
  input_ids [B=2, S=3], max_length 6, min_length 1; its decoder: h =
  Gather(E [20, 8], input_ids) [rows, seq, 8], present = Concat(past, h) on
  axis 1 [rows, past+seq, 8], scores = MatMul(h, Transpose(present)) (2 *
  rows * seq * total * 8), logits = MatMul(h, W [8, 20]) (2 * rows * seq *
  8 * 20). Runs: the prompt (seq 3, past 0, total 3): 288 + 1,920 = 2,208;
  then past 3 and 4 with seq 1: 128 + 640 = 768 and 160 + 640 = 800. Upper
  end 3,776 matmul FLOP; low end (min_length 1: the prompt run only) 2,208.
  subgraph_greedy_search_open.onnx: the same with max_length a graph input
  (uncounted, naming --max-length, until it is given).

subgraph_loop_state.onnx: x [4, 16]; Loop M = 3 (constant), state h [4, 16]
  declared with unknown dims in the body; body: h2 = Reshape(h, Shape(h)),
  MatMul(h2, W [16, 16]) -> [4, 16]: 2*4*16*16 = 2,048 per trip, x 3 = 6,144.

subgraph_scan_slices.onnx: xs [5, 2, 8] scanned on axis 0, state s [2, 8];
  body inputs declared with unknown dims: the slice x_t is [2, 8]; body
  s2 = s + MatMul(x_t, W [8, 8]): MatMul 2*2*8*8 = 256 + Add 16 = 272 per
  step, x 5 steps = 1,360.
"""
import os

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def init(name, array):
    return nh.from_array(np.asarray(array), name)


def if_outer_scope():
    then_g = h.make_graph([
        h.make_node("Shape", ["x"], ["s"], name="shape"),
        h.make_node("Gather", ["s", "zero"], ["n"], axis=0, name="gather"),
        h.make_node("Unsqueeze", ["n", "axes0"], ["n1"], name="unsqueeze"),
        h.make_node("Concat", ["n1", "tail"], ["shape"], axis=0, name="concat"),
        h.make_node("Reshape", ["x", "shape"], ["r"], name="reshape"),
        h.make_node("Pad", ["r", "pads"], ["p"], mode="constant", name="pad"),
        h.make_node("MatMul", ["p", "W"], ["y_then"], name="then_mm"),
    ], "then_branch", [], [h.make_tensor_value_info("y_then", T.FLOAT, None)])
    else_g = h.make_graph([
        h.make_node("Reshape", ["x", "fixed"], ["r_else"], name="else_reshape"),
        h.make_node("MatMul", ["r_else", "W"], ["y_else"], name="else_mm"),
    ], "else_branch", [], [h.make_tensor_value_info("y_else", T.FLOAT, None)])
    inits = [init("zero", np.int64(0)), init("axes0", np.array([0], np.int64)),
             init("tail", np.array([-1, 64], np.int64)),
             init("pads", np.array([0, 1, 0, 0, 1, 0], np.int64)),
             init("W", np.zeros((64, 32), np.float32)),
             init("fixed", np.array([1, 8, 64], np.int64)), init("k16", np.int64(16000))]
    nodes = [h.make_node("Equal", ["sr", "k16"], ["c"], name="is_16k"),
             h.make_node("If", ["c"], ["y"], then_branch=then_g, else_branch=else_g, name="if")]
    g = h.make_graph(nodes, "if_outer_scope",
                     [h.make_tensor_value_info("x", T.FLOAT, [1, 512]),
                      h.make_tensor_value_info("sr", T.INT64, [])],
                     [h.make_tensor_value_info("y", T.FLOAT, None)], inits)
    return h.make_model(g, opset_imports=[h.make_opsetid("", 13)])


def if_downstream():
    model = if_outer_scope()
    g = model.graph
    g.node.append(h.make_node("MatMul", ["y", "W2"], ["z"], name="after_if"))
    g.initializer.append(init("W2", np.zeros((32, 16), np.float32)))
    del g.output[:]
    g.output.append(h.make_tensor_value_info("z", T.FLOAT, None))
    g.name = "if_downstream"
    return model


def loop_downstream():
    model = loop_state()
    g = model.graph
    body = g.node[0].attribute[0].g
    body.node.append(h.make_node("Identity", ["h_out"], ["h_scan"], name="emit"))
    body.output.append(h.make_tensor_value_info("h_scan", T.FLOAT, None))
    del g.node[0].output[:]
    g.node[0].output.extend(["h_final", "h_all"])
    g.node.append(h.make_node("MatMul", ["h_final", "W2"], ["z"], name="after_loop"))
    g.node.append(h.make_node("ReduceSum", ["h_all", "axis0"], ["total"], keepdims=0,
                              name="sum_trips"))
    g.initializer.extend([init("W2", np.zeros((16, 8), np.float32)),
                          init("axis0", np.array([0], np.int64))])
    del g.output[:]
    g.output.extend([h.make_tensor_value_info("z", T.FLOAT, None),
                     h.make_tensor_value_info("total", T.FLOAT, None)])
    g.name = "loop_downstream"
    return model


def loop_early_exit():
    body = h.make_graph([
        h.make_node("Less", ["i", "three"], ["cond_out"], name="keep_going"),
        h.make_node("MatMul", ["h", "W"], ["h_out"], name="body_mm"),
    ], "body",
        [h.make_tensor_value_info("i", T.INT64, []), h.make_tensor_value_info("cond_in", T.BOOL, []),
         h.make_tensor_value_info("h", T.FLOAT, [4, 16])],
        [h.make_tensor_value_info("cond_out", T.BOOL, []),
         h.make_tensor_value_info("h_out", T.FLOAT, [4, 16])])
    inits = [init("M", np.int64(10)), init("true", np.bool_(True)), init("three", np.int64(3)),
             init("W", np.zeros((16, 16), np.float32))]
    g = h.make_graph([h.make_node("Loop", ["M", "true", "x"], ["y"], body=body, name="loop")],
                     "loop_early_exit", [h.make_tensor_value_info("x", T.FLOAT, [4, 16])],
                     [h.make_tensor_value_info("y", T.FLOAT, None)], inits)
    return h.make_model(g, opset_imports=[h.make_opsetid("", 13)])


def greedy_search():
    decoder = h.make_graph([
        h.make_node("Gather", ["E", "input_ids"], ["h"], name="embed"),
        h.make_node("Concat", ["past_0", "h"], ["present_0"], axis=1, name="cache"),
        h.make_node("Transpose", ["present_0"], ["keys"], perm=[0, 2, 1], name="keys_t"),
        h.make_node("MatMul", ["h", "keys"], ["scores"], name="scores"),
        h.make_node("MatMul", ["h", "W"], ["logits"], name="lm_head"),
    ], "decoder",
        [h.make_tensor_value_info("input_ids", T.INT32, ["batch_size", "seq_len"]),
         h.make_tensor_value_info("past_0", T.FLOAT, ["batch_size", "past_seq_len", 8])],
        [h.make_tensor_value_info("logits", T.FLOAT, ["batch_size", "seq_len", 20]),
         h.make_tensor_value_info("present_0", T.FLOAT, ["batch_size", "total_seq_len", 8])],
        [init("E", np.zeros((20, 8), np.float32)), init("W", np.zeros((8, 20), np.float32))])
    inits = [init("max_length", np.array([6], np.int32)), init("min_length", np.array([1], np.int32)),
             init("repetition_penalty", np.array([1.0], np.float32))]
    node = h.make_node("GreedySearch", ["input_ids", "max_length", "min_length", "repetition_penalty"],
                       ["sequences"], domain="com.microsoft", decoder=decoder, model_type=0,
                       eos_token_id=1, pad_token_id=1, name="generate")
    g = h.make_graph([node], "greedy_search",
                     [h.make_tensor_value_info("input_ids", T.INT32, [2, 3])],
                     [h.make_tensor_value_info("sequences", T.INT32, [2, 6])], inits)
    return h.make_model(g, opset_imports=[h.make_opsetid("", 13),
                                          h.make_opsetid("com.microsoft", 1)])


def greedy_search_open():
    """greedy_search with max_length a graph input: --max-length N gives it."""
    model = greedy_search()
    g = model.graph
    del g.initializer[0]
    g.input.append(h.make_tensor_value_info("max_length", T.INT32, [1]))
    g.name = "greedy_search_open"
    return model


def loop_state():
    body = h.make_graph([
        h.make_node("Identity", ["cond_in"], ["cond_out"], name="keep_going"),
        h.make_node("Shape", ["h"], ["hs"], name="shape"),
        h.make_node("Reshape", ["h", "hs"], ["h2"], name="reshape"),
        h.make_node("MatMul", ["h2", "W"], ["h_out"], name="body_mm"),
    ], "body",
        [h.make_tensor_value_info("i", T.INT64, []), h.make_tensor_value_info("cond_in", T.BOOL, []),
         h.make_tensor_value_info("h", T.FLOAT, [None, None])],
        [h.make_tensor_value_info("cond_out", T.BOOL, []),
         h.make_tensor_value_info("h_out", T.FLOAT, None)])
    inits = [init("M", np.int64(3)), init("true", np.bool_(True)),
             init("W", np.zeros((16, 16), np.float32))]
    g = h.make_graph([h.make_node("Loop", ["M", "true", "x"], ["y"], body=body, name="loop")],
                     "loop_state", [h.make_tensor_value_info("x", T.FLOAT, [4, 16])],
                     [h.make_tensor_value_info("y", T.FLOAT, None)], inits)
    return h.make_model(g, opset_imports=[h.make_opsetid("", 13)])


def scan_slices():
    body = h.make_graph([
        h.make_node("MatMul", ["x_t", "W"], ["xw"], name="body_mm"),
        h.make_node("Add", ["s", "xw"], ["s_out"], name="body_add"),
        h.make_node("Identity", ["s_out"], ["y_t"], name="emit"),
    ], "body", [h.make_tensor_value_info("s", T.FLOAT, [None, None]),
                h.make_tensor_value_info("x_t", T.FLOAT, [None, None])],
        [h.make_tensor_value_info("s_out", T.FLOAT, None),
         h.make_tensor_value_info("y_t", T.FLOAT, None)])
    inits = [init("W", np.zeros((8, 8), np.float32)), init("s0", np.zeros((2, 8), np.float32))]
    g = h.make_graph([h.make_node("Scan", ["s0", "xs"], ["s_final", "ys"], body=body,
                                  num_scan_inputs=1, name="scan")],
                     "scan_slices", [h.make_tensor_value_info("xs", T.FLOAT, [5, 2, 8])],
                     [h.make_tensor_value_info("s_final", T.FLOAT, None),
                      h.make_tensor_value_info("ys", T.FLOAT, None)], inits)
    return h.make_model(g, opset_imports=[h.make_opsetid("", 13)])


def main():
    for name, make in [("subgraph_if_outer_scope", if_outer_scope),
                       ("subgraph_loop_state", loop_state), ("subgraph_scan_slices", scan_slices),
                       ("subgraph_if_downstream", if_downstream),
                       ("subgraph_loop_downstream", loop_downstream),
                       ("subgraph_loop_early_exit", loop_early_exit),
                       ("subgraph_greedy_search", greedy_search),
                       ("subgraph_greedy_search_open", greedy_search_open)]:
        model = make()
        path = os.path.join(ROOT, "testdata", name + ".onnx")
        onnx.save(model, path)
        print(path)


if __name__ == "__main__":
    main()
