#!/usr/bin/python3
"""Generates structurally malformed but protobuf-valid ONNX models in
testdata/malformed/: the attacks that byte-level fuzzing (fuzz/model_fuzzer)
rarely reaches because each needs a whole consistent model around one bad value.

Run with Debian's python3 (python3-onnx 1.12):

    /usr/bin/python3 tools/make_malformed_testdata.py            # rewrites testdata/malformed/
    /usr/bin/python3 tools/make_malformed_testdata.py --out DIR  # somewhere else

The output is deterministic; stale *.onnx files in the output directory are
removed so the directory is exactly what this script makes. Each file is named
<category>_<what it tests>.onnx; analyzer/malformed_test.cc runs every one
through load + analyze + every renderer and requires either a report whose
numbers are finite and non-negative, or a one-line error naming the file.
tools/malformed_cli_test.cc runs a sample through the binary (exit 0 or 2).

Categories (the file-name prefix):
  nesting_   If/Loop/Scan bodies and TypeProtos nested 63, 64, 65, 200, 1000 deep
  trips_     Loop trip counts near and past int64, nested Loops whose trip product
             overflows int64 and double (2^40 per level), Scan over huge axes
  dims_      0, -1, -7, 2^40, 2^40+1, 2^62, INT64_MAX as dims or shape values at
             every place a dim can come from
  graph_     aliasing, two writers, empty names, outputs nothing produces, cycles
  missing_   required attributes or inputs absent, ranks wrong
  attr_      nonsense attribute values, per op family x bad value
  domain_    unknown domains, domains without an opset import
  opset_     opset_import versions 0, -1, 2^31-1, INT64_MAX, none, duplicates
  ir_        ir_version 0, -1, huge
  empty_     empty graph, no graph, no inputs, no outputs
  type_      type fields missing, unknown element types, non-tensor types
  sparse_    sparse initializers with bad indices or dims
  payload_   tensors whose payload disagrees with their dims or type
  names_     names that are not UTF-8 or hold newlines
  training_  training metadata_props with values that are not numbers
"""
import argparse
import math
import os

import onnx
from onnx import TensorProto, helper

F = TensorProto.FLOAT
I64 = TensorProto.INT64
BOOL = TensorProto.BOOL
INT64_MAX = 2**63 - 1
INT64_MIN = -(2**63)

# The bad dims of the brief, named for file names.
BAD_DIMS = [
    ("0", 0),
    ("neg1", -1),
    ("neg7", -7),
    ("2p40", 2**40),
    ("2p40p1", 2**40 + 1),
    ("2p62", 2**62),
    ("int64max", INT64_MAX),
]

MODELS = {}  # file name (without .onnx) -> ModelProto or bytes


def vi(name, shape, elem=F):
    return helper.make_tensor_value_info(name, elem, shape)


def ints(name, values, dims=None):
    return helper.make_tensor(name, I64, [len(values)] if dims is None else dims, values)


def floats(name, values, dims=None):
    return helper.make_tensor(name, F, [len(values)] if dims is None else dims, values)


def empty_tensor(name, dims, elem=F):
    """An initializer with dims and no payload: a weight whose data was stripped."""
    t = TensorProto()
    t.name = name
    t.data_type = elem
    t.dims.extend(dims)
    return t


def node(op, inputs, outputs, domain=None, name=None, **attrs):
    n = helper.make_node(op, inputs, outputs, name=name, domain=domain, **attrs)
    return n


def model(nodes, inputs, outputs, inits=(), opset=13, ir=8, extra_opsets=(), value_info=(),
          sparse=(), metadata=None):
    g = helper.make_graph(nodes, "g", inputs, outputs, initializer=list(inits),
                          value_info=list(value_info), sparse_initializer=list(sparse))
    opsets = [helper.make_opsetid("", opset)] if opset is not None else []
    opsets += [helper.make_opsetid(d, v) for d, v in extra_opsets]
    m = helper.make_model(g, opset_imports=opsets, producer_name="make_malformed_testdata")
    m.ir_version = ir
    if metadata:
        helper.set_model_props(m, metadata)
    return m


def add(name, m):
    assert name not in MODELS, name
    MODELS[name] = m


# ---------------------------------------------------------------- nesting_
def nested_if(depth):
    """If inside If `depth` deep, each then_branch holding the next; the leaf reads x."""
    g = helper.make_graph([node("Relu", ["x"], [f"y{depth}"])], "b", [], [vi(f"y{depth}", None)])
    for k in reversed(range(1, depth)):
        other = helper.make_graph([node("Relu", ["x"], [f"e{k}"])], "e", [], [vi(f"e{k}", None)])
        g = helper.make_graph([node("If", ["c"], [f"y{k}"], then_branch=g, else_branch=other)],
                              "b", [], [vi(f"y{k}", None)])
    other = helper.make_graph([node("Relu", ["x"], ["e0"])], "e", [], [vi("e0", None)])
    top = node("If", ["c"], ["y"], then_branch=g, else_branch=other)
    return model([top], [vi("x", [1, 4]), vi("c", [], BOOL)], [vi("y", None)])


def loop_body(k, inner_nodes, extra_outputs=()):
    return helper.make_graph(
        [node("Identity", [f"c{k}"], [f"co{k}"]), *inner_nodes], "b",
        [vi(f"i{k}", [], I64), vi(f"c{k}", [], BOOL)],
        [vi(f"co{k}", [], BOOL), *extra_outputs])


def nested_loops(depth, trips_value, leaf_matmul=True):
    """Loop inside Loop `depth` deep, each with trip count M (an initializer of
    the main graph); the innermost body does a 1x4x4 MatMul (32 FLOP)."""
    leaf = [node("MatMul", ["x", "w"], ["z"])] if leaf_matmul else [node("Relu", ["x"], ["z"])]
    body = loop_body(depth, leaf, [vi("z", None)])
    inner_out = ["s"]
    for k in reversed(range(1, depth)):
        body = loop_body(k, [node("Loop", ["M", ""], inner_out, body=body)],
                         [vi(inner_out[0], None)])
        inner_out = [f"s{k}"]
    top = node("Loop", ["M", ""], ["out"], body=body)
    inits = [ints("M", [trips_value], dims=[]), floats("w", [0.5] * 16, dims=[4, 4])]
    return model([top], [vi("x", [1, 4])], [vi("out", None)], inits=inits)


def nested_scans(depth):
    body = helper.make_graph([node("Relu", ["xs"], ["ys"])], "b", [vi("xs", [4])],
                             [vi("ys", [4])])
    for _ in range(depth - 1):
        body = helper.make_graph(
            [node("Scan", ["xs"], ["ys"], body=body, num_scan_inputs=1)], "b",
            [vi("xs", [4])], [vi("ys", None)])
    top = node("Scan", ["x"], ["y"], body=body, num_scan_inputs=1)
    return model([top], [vi("x", [2, 4])], [vi("y", None)])


def nested_sequence_type(depth):
    t = helper.make_tensor_type_proto(F, [1, 4])
    for _ in range(depth):
        t = helper.make_sequence_type_proto(t)
    x = helper.make_value_info("x", t)
    return model([node("SequenceLength", ["x"], ["n"])], [x], [vi("n", [], I64)])


def make_nesting():
    for depth in (2, 21, 22, 63, 64, 65, 200, 1000):
        add(f"nesting_if_depth_{depth}", nested_if(depth))
    for depth in (21, 22, 63, 64, 65, 200, 1000):
        add(f"nesting_loop_depth_{depth}", nested_loops(depth, 2, leaf_matmul=False))
    for depth in (63, 64, 65, 200):
        add(f"nesting_scan_depth_{depth}", nested_scans(depth))
    for depth in (30, 99, 100, 101, 1000):
        add(f"nesting_sequence_type_depth_{depth}", nested_sequence_type(depth))


# ---------------------------------------------------------------- trips_
def make_trips():
    for label, m in [("int64max", INT64_MAX), ("2p62", 2**62), ("2p53p1", 2**53 + 1),
                     ("2p31", 2**31), ("0", 0), ("neg1", -1), ("int64min", INT64_MIN)]:
        add(f"trips_loop_m_{label}", nested_loops(1, m))
    # 2 levels overflow int64 (2^124), 17 levels of 2^62 pass double's 2^1024.
    for depth in (2, 3, 17, 20):
        add(f"trips_nested_{depth}_loops_m_2p62", nested_loops(depth, 2**62))
        add(f"trips_nested_{depth}_loops_m_int64max", nested_loops(depth, INT64_MAX))
    # 2^40 is the largest M counted as a count (past it M is the run-until-false
    # sentinel): nested, the runs pass 2^63 at depth 2 and double's range at 26.
    for depth in (2, 8, 26, 30):
        add(f"trips_nested_{depth}_loops_m_2p40", nested_loops(depth, 2**40))
    # M as a float holding what no integer can.
    for label, v in [("nan", math.nan), ("inf", math.inf), ("1e30", 1e30), ("neg_inf", -math.inf)]:
        m = nested_loops(1, 1)
        m.graph.initializer[0].CopyFrom(floats("M", [v], dims=[]))
        add(f"trips_loop_m_float_{label}", m)
    # M of shape [3] (not a scalar), and M present but with no payload.
    m = nested_loops(1, 1)
    m.graph.initializer[0].CopyFrom(ints("M", [5, 6, 7]))
    add("trips_loop_m_vector", m)
    m = nested_loops(1, 1)
    m.graph.initializer[0].CopyFrom(empty_tensor("M", [], I64))
    add("trips_loop_m_no_payload", m)
    # Scan over an axis of 2^62 / INT64_MAX, and Scan inside a Loop of INT64_MAX.
    for label, d in [("2p62", 2**62), ("int64max", INT64_MAX), ("neg1", -1)]:
        body = helper.make_graph([node("MatMul", ["xs", "w"], ["ys"])], "b", [vi("xs", [1, 4])],
                                 [vi("ys", [1, 4])])
        add(f"trips_scan_axis_{label}",
            model([node("Scan", ["x"], ["y"], body=body, num_scan_inputs=1)],
                  [vi("x", [d, 1, 4])], [vi("y", None)],
                  inits=[floats("w", [0.5] * 16, dims=[4, 4])]))
    # Scan with num_scan_inputs larger than its inputs, 0, and negative.
    for label, n in [("99", 99), ("0", 0), ("neg1", -1)]:
        body = helper.make_graph([node("Relu", ["xs"], ["ys"])], "b", [vi("xs", [4])],
                                 [vi("ys", [4])])
        add(f"trips_scan_num_scan_inputs_{label}",
            model([node("Scan", ["x"], ["y"], body=body, num_scan_inputs=n)],
                  [vi("x", [3, 4])], [vi("y", None)]))
    # scan_input_axes out of range.
    body = helper.make_graph([node("Relu", ["xs"], ["ys"])], "b", [vi("xs", [4])],
                             [vi("ys", [4])])
    for label, ax in [("99", 99), ("neg99", -99), ("int64max", INT64_MAX)]:
        add(f"trips_scan_input_axis_{label}",
            model([node("Scan", ["x"], ["y"], body=body, num_scan_inputs=1,
                        scan_input_axes=[ax])], [vi("x", [3, 4])], [vi("y", None)]))


# ---------------------------------------------------------------- dims_
def dims_site_models(d):
    """One model per place a dim can come from, with `d` there."""
    w44 = floats("w", [0.5] * 16, dims=[4, 4])
    conv_w = empty_tensor("w", [4, 3, 3, 3])
    out = {
        "input_matmul": model([node("MatMul", ["x", "w"], ["y"])], [vi("x", [d, 4])],
                              [vi("y", None)], inits=[w44]),
        "input_conv": model([node("Conv", ["x", "w"], ["y"])], [vi("x", [1, 3, d, 8])],
                            [vi("y", None)], inits=[conv_w]),
        "input_relu": model([node("Relu", ["x"], ["y"])], [vi("x", [d, d, d])], [vi("y", None)]),
        "init_matmul": model([node("MatMul", ["x", "w"], ["y"])], [vi("x", [1, 4])],
                             [vi("y", None)], inits=[empty_tensor("w", [4, d])]),
        "init_unused_20d": model([node("Relu", ["x"], ["y"])], [vi("x", [1, 4])],
                                 [vi("y", None)], inits=[empty_tensor("p", [d] * 20)]),
        "reshape": model([node("Reshape", ["x", "s"], ["r"]), node("Relu", ["r"], ["y"])],
                         [vi("x", [2, 3])], [vi("y", None)], inits=[ints("s", [d, 3])]),
        "reshape_two_minus1": model(
            [node("Reshape", ["x", "s"], ["r"]), node("Relu", ["r"], ["y"])],
            [vi("x", [2, 3])], [vi("y", None)], inits=[ints("s", [d, -1, -1])]),
        "constant_of_shape": model(
            [node("ConstantOfShape", ["s"], ["c"]), node("Relu", ["c"], ["y"])],
            [], [vi("y", None)], inits=[ints("s", [d, 4])]),
        "expand": model([node("Expand", ["x", "s"], ["e"]), node("Relu", ["e"], ["y"])],
                        [vi("x", [1, 4])], [vi("y", None)], inits=[ints("s", [d, 4])]),
        "tile": model([node("Tile", ["x", "s"], ["e"]), node("Relu", ["e"], ["y"])],
                      [vi("x", [2, 4])], [vi("y", None)], inits=[ints("s", [d, d])]),
        "range_limit": model(
            [node("Range", ["a", "b", "c"], ["r"]), node("Relu", ["r"], ["y"])], [],
            [vi("y", None)], inits=[ints("a", [0], []), ints("b", [d], []), ints("c", [1], [])]),
        "range_delta": model(
            [node("Range", ["a", "b", "c"], ["r"]), node("Relu", ["r"], ["y"])], [],
            [vi("y", None)], inits=[ints("a", [0], []), ints("b", [10], []), ints("c", [d], [])]),
        "slice_end": model(
            [node("Slice", ["x", "s", "e"], ["r"]), node("Relu", ["r"], ["y"])],
            [vi("x", [4, 4])], [vi("y", None)], inits=[ints("s", [0]), ints("e", [d])]),
        "slice_start_step": model(
            [node("Slice", ["x", "s", "e", "a", "p"], ["r"]), node("Relu", ["r"], ["y"])],
            [vi("x", [4, 4])], [vi("y", None)],
            inits=[ints("s", [d]), ints("e", [INT64_MAX]), ints("a", [0]), ints("p", [d])]),
        "pad": model([node("Pad", ["x", "p"], ["r"]), node("Relu", ["r"], ["y"])],
                     [vi("x", [2, 4])], [vi("y", None)], inits=[ints("p", [0, d, 0, d])]),
        "resize_sizes": model(
            [node("Resize", ["x", "", "", "s"], ["r"]), node("Relu", ["r"], ["y"])],
            [vi("x", [1, 1, 4, 4])], [vi("y", None)], inits=[ints("s", [1, 1, d, d])]),
        "topk_k": model([node("TopK", ["x", "k"], ["v", "i"])], [vi("x", [2, 8])],
                        [vi("v", None), vi("i", None)], inits=[ints("k", [d])]),
        "onehot_depth": model(
            [node("OneHot", ["i", "d", "v"], ["r"]), node("Relu", ["r"], ["y"])],
            [vi("i", [3], I64)], [vi("y", None)],
            inits=[ints("d", [d], []), floats("v", [0, 1])]),
        "value_info": model(
            [node("Relu", ["x"], ["h"]), node("MatMul", ["h", "w"], ["y"])], [vi("x", [1, 4])],
            [vi("y", None)], inits=[w44], value_info=[vi("h", [d, 4])]),
        "output_declared": model([node("Relu", ["x"], ["y"])], [vi("x", [1, 4])],
                                 [vi("y", [d, d])]),
        "constant_node": model(
            [node("Constant", [], ["c"], value=empty_tensor("v", [d, 2])),
             node("Relu", ["c"], ["y"])], [], [vi("y", None)]),
        "unsqueeze_axes": model(
            [node("Unsqueeze", ["x", "a"], ["u"]), node("Relu", ["u"], ["y"])],
            [vi("x", [2, 4])], [vi("y", None)], inits=[ints("a", [d])]),
        "gather_indices": model(
            [node("Gather", ["x", "i"], ["g"]), node("Relu", ["g"], ["y"])],
            [vi("x", [5, 4])], [vi("y", None)], inits=[ints("i", [d, 0])]),
        "lstm_seq": model(
            [node("LSTM", ["x", "w", "r"], ["y"], hidden_size=4)], [vi("x", [d, 1, 4])],
            [vi("y", None)], inits=[empty_tensor("w", [1, 16, 4]), empty_tensor("r", [1, 16, 4])]),
        "einsum": model([node("Einsum", ["x", "w"], ["y"], equation="ij,jk->ik")],
                        [vi("x", [d, 4])], [vi("y", None)], inits=[w44]),
        "softmax": model([node("Softmax", ["x"], ["y"], axis=-1)], [vi("x", [2, d])],
                         [vi("y", None)]),
        "attention_ms": model(
            [node("Attention", ["x", "w", "b"], ["y"], domain="com.microsoft", num_heads=2)],
            [vi("x", [1, d, 8])], [vi("y", None)],
            inits=[empty_tensor("w", [8, 24]), empty_tensor("b", [24])],
            extra_opsets=[("com.microsoft", 1)]),
        "shape_of_bad_input": model(
            [node("Shape", ["x"], ["s"]), node("ConstantOfShape", ["s"], ["c"]),
             node("Relu", ["c"], ["y"])], [vi("x", [d, 4])], [vi("y", None)]),
        "split_sizes": model(
            [node("Split", ["x", "s"], ["a", "b"], axis=1)], [vi("x", [2, 8])],
            [vi("a", None), vi("b", None)], inits=[ints("s", [d, 8])]),
    }
    return out


def make_dims():
    for label, d in BAD_DIMS:
        for site, m in dims_site_models(d).items():
            add(f"dims_{site}_{label}", m)


# ---------------------------------------------------------------- graph_
def make_graph_structure():
    x = vi("x", [1, 4])
    add("graph_alias_relu_self", model([node("Relu", ["y"], ["y"])], [x], [vi("y", None)]))
    add("graph_alias_input_overwritten", model([node("Relu", ["x"], ["x"])], [x], [vi("x", None)]))
    add("graph_two_writers",
        model([node("Relu", ["x"], ["y"]), node("Sigmoid", ["x"], ["y"])], [x], [vi("y", None)]))
    add("graph_two_writers_different_shapes",
        model([node("Relu", ["x"], ["y"]), node("Concat", ["x", "x"], ["y"], axis=0),
               node("MatMul", ["y", "w"], ["z"])], [x], [vi("z", None)],
              inits=[floats("w", [1] * 16, dims=[4, 4])]))
    add("graph_empty_node_and_value_names",
        model([node("Relu", ["x"], [""]), node("Relu", [""], ["y"])], [x], [vi("y", None)]))
    add("graph_empty_required_input",
        model([node("MatMul", ["", "x"], ["y"])], [x], [vi("y", None)]))
    add("graph_output_nothing_produces",
        model([node("Relu", ["x"], ["y"])], [x], [vi("y", None), vi("nowhere", [3])]))
    add("graph_output_empty_name", model([node("Relu", ["x"], ["y"])], [x], [vi("", [1, 4])]))
    add("graph_output_listed_twice",
        model([node("Relu", ["x"], ["y"])], [x], [vi("y", None), vi("y", [9])]))
    add("graph_cycle_two_nodes",
        model([node("Relu", ["b"], ["a"]), node("Relu", ["a"], ["b"])], [x], [vi("a", None)]))
    add("graph_cycle_through_if",
        model([node("If", ["c"], ["a"],
                    then_branch=helper.make_graph([node("Relu", ["b"], ["t"])], "t", [],
                                                  [vi("t", None)]),
                    else_branch=helper.make_graph([node("Relu", ["x"], ["e"])], "e", [],
                                                  [vi("e", None)])),
               node("Relu", ["a"], ["b"])], [x, vi("c", [], BOOL)], [vi("b", None)]))
    add("graph_undefined_input", model([node("Relu", ["ghost"], ["y"])], [x], [vi("y", None)]))
    add("graph_subgraph_undefined_outer_name",
        model([node("If", ["c"], ["y"],
                    then_branch=helper.make_graph([node("Relu", ["ghost"], ["t"])], "t", [],
                                                  [vi("t", None)]),
                    else_branch=helper.make_graph([node("Relu", ["x"], ["e"])], "e", [],
                                                  [vi("e", None)]))],
              [x, vi("c", [], BOOL)], [vi("y", None)]))
    add("graph_duplicate_input_names",
        model([node("MatMul", ["x", "x"], ["y"])], [vi("x", [1, 4]), vi("x", [4, 9])],
              [vi("y", None)]))
    add("graph_initializer_shadows_input_other_shape",
        model([node("MatMul", ["x", "w"], ["y"])], [x, vi("w", [4, 4])], [vi("y", None)],
              inits=[empty_tensor("w", [7, 7, 7])]))
    add("graph_two_initializers_same_name",
        model([node("MatMul", ["x", "w"], ["y"])], [x], [vi("y", None)],
              inits=[empty_tensor("w", [4, 4]), empty_tensor("w", [9, 9])]))
    add("graph_initializer_empty_name",
        model([node("Relu", ["x"], ["y"])], [x], [vi("y", None)], inits=[empty_tensor("", [4])]))
    add("graph_value_info_conflicts",
        model([node("Relu", ["x"], ["h"]), node("MatMul", ["h", "w"], ["y"])], [x],
              [vi("y", None)], inits=[floats("w", [1] * 16, dims=[4, 4])],
              value_info=[vi("h", [9, 9, 9]), vi("h", [3])]))
    add("graph_node_without_inputs_or_outputs",
        model([node("Relu", [], []), node("MatMul", [], []), node("Conv", [], []),
               node("Loop", [], []), node("If", [], [])], [x], [vi("x", None)]))
    add("graph_empty_op_type", model([node("", ["x"], ["y"])], [x], [vi("y", None)]))
    add("graph_duplicate_node_names",
        model([node("Relu", ["x"], ["a"], name="n"), node("Relu", ["a"], ["y"], name="n")], [x],
              [vi("y", None)]))
    add("graph_sum_1000_inputs", model([node("Sum", ["x"] * 1000, ["y"])], [x], [vi("y", None)]))
    add("graph_split_300_outputs",
        model([node("Split", ["x"], [f"o{i}" for i in range(300)], axis=1)], [x],
              [vi("o0", None)]))
    chain = [node("Relu", ["x" if i == 0 else f"a{i - 1}"], [f"a{i}"]) for i in range(3000)]
    add("graph_chain_3000_unsorted",
        model(list(reversed(chain)), [x], [vi("a2999", None)]))
    # A chain whose shape is lost at the start: the walker's search for where
    # the shape was lost must stop.
    lost = [node("Reshape", ["x", "s"], ["a0"])]
    lost += [node("Relu", [f"a{i - 1}"], [f"a{i}"]) for i in range(1, 600)]
    lost += [node("MatMul", ["a599", "x"], ["y"])]
    add("graph_shape_lost_600_nodes_upstream",
        model(lost, [x, vi("s", [2], I64)], [vi("y", None)]))
    # Control-flow nodes whose graph attributes are missing or of the wrong kind.
    g1 = helper.make_graph([node("Relu", ["x"], ["t"])], "t", [], [vi("t", None)])
    add("graph_if_without_branches", model([node("If", ["c"], ["y"])],
                                           [x, vi("c", [], BOOL)], [vi("y", None)]))
    add("graph_if_only_then", model([node("If", ["c"], ["y"], then_branch=g1)],
                                    [x, vi("c", [], BOOL)], [vi("y", None)]))
    bad_attr = node("If", ["c"], ["y"])
    a = bad_attr.attribute.add()
    a.name = "then_branch"
    a.type = onnx.AttributeProto.INT
    a.i = 3
    a.g.CopyFrom(g1)  # a graph on an INT attribute
    add("graph_if_branch_attribute_type_int", model([bad_attr], [x, vi("c", [], BOOL)],
                                                    [vi("y", None)]))
    graphs_attr = node("Loop", ["", ""], ["y"])
    a = graphs_attr.attribute.add()
    a.name = "body"
    a.type = onnx.AttributeProto.GRAPHS
    a.graphs.extend([g1, g1])
    add("graph_loop_body_as_graphs_list", model([graphs_attr], [x], [vi("y", None)]))
    add("graph_loop_without_body", model([node("Loop", ["", ""], ["y"])], [x], [vi("y", None)]))
    body_no_inputs = helper.make_graph([node("MatMul", ["x", "x"], ["z"])], "b", [],
                                       [vi("z", None)])
    add("graph_loop_body_without_inputs",
        model([node("Loop", ["M", ""], ["y"], body=body_no_inputs)], [x], [vi("y", None)],
              inits=[ints("M", [3], [])]))
    # The Loop's inputs carry more state than its body declares.
    add("graph_loop_more_state_than_body",
        model([node("Loop", ["M", "", "x", "x", "x"], ["y"], body=loop_body(1, []))], [x],
              [vi("y", None)], inits=[ints("M", [3], [])]))


# ---------------------------------------------------------------- missing_
def make_missing():
    x4 = vi("x", [1, 3, 8, 8])
    add("missing_conv_kernel_weight_symbolic",
        model([node("Conv", ["x", "w"], ["y"])], [x4, vi("w", ["a", "b", "c", "d"])],
              [vi("y", None)]))
    add("missing_conv_weight", model([node("Conv", ["x"], ["y"])], [x4], [vi("y", None)]))
    for label, wd in [("rank1", [3]), ("scalar", []), ("rank2", [4, 3])]:
        add(f"missing_conv_weight_{label}",
            model([node("Conv", ["x", "w"], ["y"])], [x4], [vi("y", None)],
                  inits=[empty_tensor("w", wd)]))
    for label, xd in [("rank1", [3]), ("rank2", [1, 3]), ("scalar", [])]:
        add(f"missing_conv_input_{label}",
            model([node("Conv", ["x", "w"], ["y"])], [vi("x", xd)], [vi("y", None)],
                  inits=[empty_tensor("w", [4, 3, 3, 3])]))
    for label, ad, bd in [("rank1", [4], [4]), ("rank0", [], []), ("rank3", [2, 3, 4], [4, 5]),
                          ("k_mismatch", [2, 3], [4, 5]), ("rank1_transposed", [4], [5, 4])]:
        add(f"missing_gemm_{label}",
            model([node("Gemm", ["a", "b"], ["y"], transB=1 if "transposed" in label else 0)],
                  [vi("a", ad), vi("b", bd)], [vi("y", None)]))
        add(f"missing_matmul_{label}",
            model([node("MatMul", ["a", "b"], ["y"])], [vi("a", ad), vi("b", bd)],
                  [vi("y", None)]))
    add("missing_gemm_c_unbroadcastable",
        model([node("Gemm", ["a", "b", "c"], ["y"])], [vi("a", [2, 3]), vi("b", [3, 4])],
              [vi("y", None)], inits=[empty_tensor("c", [7, 9])]))
    for label, perm in [("short", [0]), ("long", [0, 1, 2, 3]), ("duplicate", [0, 0]),
                        ("out_of_range", [0, 5]), ("negative", [-1, 0]),
                        ("int64max", [INT64_MAX, 0])]:
        add(f"missing_transpose_perm_{label}",
            model([node("Transpose", ["x"], ["t"], perm=perm), node("Relu", ["t"], ["y"])],
                  [vi("x", [2, 3])], [vi("y", None)]))
    for label, split in [("sum_short", [1, 2]), ("sum_long", [5, 9]), ("negative", [-3, 11]),
                         ("zero_and_all", [0, 8]), ("int64max", [INT64_MAX, 1])]:
        add(f"missing_split_attr_{label}",
            model([node("Split", ["x"], ["a", "b"], axis=1, split=split)], [vi("x", [2, 8])],
                  [vi("a", None), vi("b", None)], opset=11))
        add(f"missing_split_input_{label}",
            model([node("Split", ["x", "s"], ["a", "b"], axis=1)], [vi("x", [2, 8])],
                  [vi("a", None), vi("b", None)], inits=[ints("s", split)]))
    add("missing_split_more_outputs_than_elements",
        model([node("Split", ["x"], [f"o{i}" for i in range(9)], axis=1)], [vi("x", [2, 3])],
              [vi("o0", None)]))
    for label, axis in [("99", 99), ("neg99", -99), ("int64max", INT64_MAX),
                        ("int64min", INT64_MIN)]:
        add(f"missing_gather_axis_{label}",
            model([node("Gather", ["x", "i"], ["g"], axis=axis), node("Relu", ["g"], ["y"])],
                  [vi("x", [5, 4])], [vi("y", None)], inits=[ints("i", [0, 1])]))
    add("missing_concat_axis", model([node("Concat", ["x", "x"], ["y"])], [vi("x", [2, 3])],
                                     [vi("y", None)]))
    add("missing_concat_rank_mismatch",
        model([node("Concat", ["a", "b"], ["y"], axis=0)], [vi("a", [2, 3]), vi("b", [2, 3, 4])],
              [vi("y", None)]))
    add("missing_concat_no_inputs", model([node("Concat", [], ["y"], axis=0)], [],
                                          [vi("y", None)]))
    add("missing_lstm_hidden_size",
        model([node("LSTM", ["x", "w", "r"], ["y"])], [vi("x", [5, 1, 4])], [vi("y", None)],
              inits=[empty_tensor("w", [1, 16, 4]), empty_tensor("r", [1, 16, 4])]))
    add("missing_lstm_weights_rank1",
        model([node("LSTM", ["x", "w", "r"], ["y"], hidden_size=4)], [vi("x", [5, 1, 4])],
              [vi("y", None)], inits=[empty_tensor("w", [16]), empty_tensor("r", [16])]))
    add("missing_lstm_input_rank2",
        model([node("LSTM", ["x", "w", "r"], ["y"], hidden_size=4)], [vi("x", [5, 4])],
              [vi("y", None)], inits=[empty_tensor("w", [1, 16, 4]), empty_tensor("r", [1, 16, 4])]))
    add("missing_reshape_shape", model([node("Reshape", ["x"], ["y"])], [vi("x", [2, 3])],
                                       [vi("y", None)]))
    add("missing_einsum_equation",
        model([node("Einsum", ["a", "b"], ["y"])], [vi("a", [2, 3]), vi("b", [3, 4])],
              [vi("y", None)]))
    add("missing_resize_scales_and_sizes",
        model([node("Resize", ["x"], ["y"])], [vi("x", [1, 1, 4, 4])], [vi("y", None)]))
    add("missing_softmax_scalar_input",
        model([node("Softmax", ["x"], ["y"])], [vi("x", [])], [vi("y", None)]))
    add("missing_batchnorm_inputs",
        model([node("BatchNormalization", ["x"], ["y"])], [x4], [vi("y", None)]))
    add("missing_layernorm_scalar_input",
        model([node("LayerNormalization", ["x", "s"], ["y"])], [vi("x", [])], [vi("y", None)],
              inits=[floats("s", [1])], opset=17))
    add("missing_ms_attention_num_heads",
        model([node("Attention", ["x", "w", "b"], ["y"], domain="com.microsoft")],
              [vi("x", [1, 4, 8])], [vi("y", None)],
              inits=[empty_tensor("w", [8, 24]), empty_tensor("b", [24])],
              extra_opsets=[("com.microsoft", 1)]))
    add("missing_maxpool_kernel_shape",
        model([node("MaxPool", ["x"], ["y"])], [x4], [vi("y", None)]))
    add("missing_if_condition", model(
        [node("If", [], ["y"],
              then_branch=helper.make_graph([node("Relu", ["x"], ["t"])], "t", [], [vi("t", None)]),
              else_branch=helper.make_graph([node("Relu", ["x"], ["e"])], "e", [], [vi("e", None)]))],
        [x4], [vi("y", None)]))
    # Every op whose schema has required attributes, with none of them: ONNX's
    # inference functions read some through a null pointer (Scan's
    # num_scan_inputs). Inputs at the schema's minimum, all float [2,3,4,5].
    import onnx.defs
    latest = {}
    for sch in onnx.defs.get_all_schemas_with_history():
        if sch.domain in ("", "ai.onnx.ml") and sch.since_version <= 17 and (
                sch.name not in latest or latest[sch.name].since_version < sch.since_version):
            latest[sch.name] = sch
    for name, sch in sorted(latest.items()):
        if not any(a.required for a in sch.attributes.values()):
            continue
        ins = [f"i{k}" for k in range(sch.min_input)]
        outs = [f"o{k}" for k in range(max(1, sch.min_output))]
        extra = [("ai.onnx.ml", 3)] if sch.domain == "ai.onnx.ml" else []
        add(f"missing_required_attrs_{name.lower()}", model(
            [node(name, ins, outs, domain=sch.domain or None)], [vi(i, [2, 3, 4, 5]) for i in ins],
            [vi(o, None) for o in outs], opset=17, extra_opsets=extra))
    add("missing_loop_inputs", model([node("Loop", [], ["y"], body=loop_body(1, []))], [x4],
                                     [vi("y", None)]))


# ---------------------------------------------------------------- attr_
def conv_model(op="Conv", x_shape=(1, 3, 8, 8), w_shape=(4, 3, 3, 3), **attrs):
    return model([node(op, ["x", "w"], ["y"], **attrs)], [vi("x", list(x_shape))],
                 [vi("y", None)], inits=[empty_tensor("w", list(w_shape))])


def pool_model(op, **attrs):
    return model([node(op, ["x"], ["y"], **attrs)], [vi("x", [1, 3, 8, 8])], [vi("y", None)])


def make_attrs():
    bad_ints = [("0", 0), ("neg1", -1), ("2p40", 2**40), ("int64max", INT64_MAX),
                ("int64min", INT64_MIN)]
    for op in ("Conv", "ConvTranspose"):
        w = (4, 3, 3, 3) if op == "Conv" else (3, 4, 3, 3)
        low = op.lower()
        for label, v in bad_ints:
            add(f"attr_{low}_stride_{label}", conv_model(op, w_shape=w, strides=[v, v]))
            add(f"attr_{low}_dilation_{label}", conv_model(op, w_shape=w, dilations=[v, v]))
            add(f"attr_{low}_group_{label}", conv_model(op, w_shape=w, group=v))
            add(f"attr_{low}_pads_{label}", conv_model(op, w_shape=w, pads=[v, v, v, v]))
            add(f"attr_{low}_kernel_{label}", conv_model(op, w_shape=w, kernel_shape=[v, v]))
        add(f"attr_{low}_group_larger_than_channels", conv_model(op, w_shape=w, group=1000))
        add(f"attr_{low}_group_not_dividing", conv_model(op, w_shape=w, group=2))
        add(f"attr_{low}_pads_negative_large", conv_model(op, w_shape=w, pads=[-5, -5, -5, -5]))
        add(f"attr_{low}_pads_wrong_length", conv_model(op, w_shape=w, pads=[1, 1, 1]))
        add(f"attr_{low}_strides_wrong_length", conv_model(op, w_shape=w, strides=[1, 1, 1, 1, 1]))
        add(f"attr_{low}_kernel_larger_than_input", conv_model(
            op, w_shape=(w[0], w[1], 100, 100), kernel_shape=[100, 100]))
        add(f"attr_{low}_kernel_disagrees_with_weight", conv_model(op, w_shape=w,
                                                                   kernel_shape=[7, 1]))
        add(f"attr_{low}_auto_pad_garbage", conv_model(op, w_shape=w, auto_pad="SIDEWAYS"))
        add(f"attr_{low}_auto_pad_same_stride_0", conv_model(op, w_shape=w, auto_pad="SAME_UPPER",
                                                             strides=[0, 0]))
        add(f"attr_{low}_weight_dims_huge",
            conv_model(op, w_shape=(INT64_MAX, INT64_MAX, INT64_MAX, INT64_MAX)))
        add(f"attr_{low}_weight_dims_zero", conv_model(op, w_shape=(0, 0, 0, 0)))
        add(f"attr_{low}_weight_dims_negative", conv_model(op, w_shape=(-4, -3, -3, -3)))
    # A 2^62 dim made by Reshape (inference carries it: no input declares it)
    # into a strided Conv with auto_pad and no pads: ONNX 1.12 subtracts the
    # stride from the dim in a loop, 2^61 times.
    for pad in ("SAME_UPPER", "NOTSET"):
        add(f"attr_conv_auto_pad_{pad.lower()}_stride_2_on_reshaped_2p62", model(
            [node("Reshape", ["x", "s"], ["r"]),
             node("Conv", ["r", "w"], ["y"], auto_pad=pad, strides=[2, 2], kernel_shape=[3, 3])],
            [vi("x", [1, 3, 8, 8])], [vi("y", None)],
            inits=[ints("s", [1, 3, 2**62, 8]), empty_tensor("w", [4, 3, 3, 3])]))
    for label, v in bad_ints:
        add(f"attr_convtranspose_output_padding_{label}",
            conv_model("ConvTranspose", w_shape=(3, 4, 3, 3), output_padding=[v, v]))
        add(f"attr_convtranspose_output_shape_{label}",
            conv_model("ConvTranspose", w_shape=(3, 4, 3, 3), output_shape=[v, v]))
        add(f"attr_qlinearconv_group_{label}", model(
            [node("QLinearConv", ["x", "xs", "xz", "w", "ws", "wz", "ys", "yz"], ["y"], group=v)],
            [vi("x", [1, 3, 8, 8], TensorProto.UINT8)], [vi("y", None)],
            inits=[floats("xs", [1], []), empty_tensor("xz", [], TensorProto.UINT8),
                   empty_tensor("w", [4, 3, 3, 3], TensorProto.UINT8), floats("ws", [1], []),
                   empty_tensor("wz", [], TensorProto.UINT8), floats("ys", [1], []),
                   empty_tensor("yz", [], TensorProto.UINT8)]))
    for op in ("MaxPool", "AveragePool", "LpPool"):
        low = op.lower()
        for label, v in bad_ints:
            add(f"attr_{low}_kernel_{label}", pool_model(op, kernel_shape=[v, v]))
            add(f"attr_{low}_stride_{label}", pool_model(op, kernel_shape=[2, 2], strides=[v, v]))
            add(f"attr_{low}_pads_{label}", pool_model(op, kernel_shape=[2, 2], pads=[v, v, v, v]))
        add(f"attr_{low}_kernel_larger_than_input", pool_model(op, kernel_shape=[100, 100]))
        add(f"attr_{low}_kernel_rank_mismatch", pool_model(op, kernel_shape=[2, 2, 2, 2]))
        add(f"attr_{low}_ceil_mode_stride_0", pool_model(op, kernel_shape=[2, 2], strides=[0, 0],
                                                         ceil_mode=1))
    for label, v in bad_ints:
        add(f"attr_maxpool_dilation_{label}", pool_model("MaxPool", kernel_shape=[2, 2],
                                                         dilations=[v, v]))
        add(f"attr_maxroipool_pooled_shape_{label}", model(
            [node("MaxRoiPool", ["x", "r"], ["y"], pooled_shape=[v, v])],
            [vi("x", [1, 3, 8, 8]), vi("r", [2, 5])], [vi("y", None)]))
        add(f"attr_roialign_output_{label}", model(
            [node("RoiAlign", ["x", "r", "b"], ["y"], output_height=v, output_width=v,
                  sampling_ratio=v)],
            [vi("x", [1, 3, 8, 8]), vi("r", [2, 4]), vi("b", [2], I64)], [vi("y", None)]))
        add(f"attr_lrn_size_{label}", pool_model("LRN", size=v))
    bad_floats = [("0", 0.0), ("neg1", -1.0), ("nan", math.nan), ("inf", math.inf),
                  ("neg_inf", -math.inf), ("1e30", 1e30), ("1e-30", 1e-30)]
    for label, s in bad_floats:
        add(f"attr_resize_scale_{label}", model(
            [node("Resize", ["x", "", "s"], ["r"]), node("Relu", ["r"], ["y"])],
            [vi("x", [1, 1, 4, 4])], [vi("y", None)], inits=[floats("s", [1, 1, s, s])]))
        add(f"attr_upsample_scale_{label}", model(
            [node("Upsample", ["x", "s"], ["r"]), node("Relu", ["r"], ["y"])],
            [vi("x", [1, 1, 4, 4])], [vi("y", None)], inits=[floats("s", [1, 1, s, s])],
            opset=9))
        add(f"attr_range_delta_float_{label}", model(
            [node("Range", ["a", "b", "c"], ["r"]), node("Relu", ["r"], ["y"])], [],
            [vi("y", None)], inits=[floats("a", [0], []), floats("b", [10], []),
                                    floats("c", [s], [])]))
        add(f"attr_clip_bounds_{label}", model(
            [node("Clip", ["x", "lo", "hi"], ["y"])], [vi("x", [2, 4])], [vi("y", None)],
            inits=[floats("lo", [s], []), floats("hi", [-s], [])]))
        add(f"attr_leakyrelu_alpha_{label}", model([node("LeakyRelu", ["x"], ["y"], alpha=s)],
                                                   [vi("x", [2, 4])], [vi("y", None)]))
        add(f"attr_gemm_alpha_{label}", model(
            [node("Gemm", ["a", "b", "c"], ["y"], alpha=s, beta=s)],
            [vi("a", [2, 3]), vi("b", [3, 4])], [vi("y", None)], inits=[floats("c", [0] * 4)]))
    for mode in ("garbage", ""):
        add(f"attr_resize_mode_{mode or 'empty'}", model(
            [node("Resize", ["x", "", "s"], ["y"], mode=mode, coordinate_transformation_mode=mode)],
            [vi("x", [1, 1, 4, 4])], [vi("y", None)], inits=[floats("s", [1, 1, 2, 2])]))
    add("attr_resize_scales_wrong_length", model(
        [node("Resize", ["x", "", "s"], ["y"])], [vi("x", [1, 1, 4, 4])], [vi("y", None)],
        inits=[floats("s", [2])]))
    axes = [("99", 99), ("neg99", -99), ("int64max", INT64_MAX), ("int64min", INT64_MIN)]
    for label, a in axes:
        for op in ("Softmax", "LogSoftmax", "Hardmax", "Flatten", "CumSum_", "ArgMax", "ArgMin",
                   "LayerNormalization", "Concat", "GatherElements", "TopK", "Compress",
                   "DepthToSpace_", "LpNormalization", "Gather", "ScatterElements"):
            low = op.lower().rstrip("_")
            if op == "Concat":
                m = model([node("Concat", ["x", "x"], ["y"], axis=a)], [vi("x", [2, 3])],
                          [vi("y", None)])
            elif op == "CumSum_":
                m = model([node("CumSum", ["x", "a"], ["y"])], [vi("x", [2, 3])],
                          [vi("y", None)], inits=[ints("a", [a], [])])
            elif op == "GatherElements":
                m = model([node(op, ["x", "i"], ["y"], axis=a)], [vi("x", [2, 3]),
                                                                  vi("i", [2, 3], I64)],
                          [vi("y", None)])
            elif op == "ScatterElements":
                m = model([node(op, ["x", "i", "u"], ["y"], axis=a)],
                          [vi("x", [2, 3]), vi("i", [2, 3], I64), vi("u", [2, 3])],
                          [vi("y", None)])
            elif op == "TopK":
                m = model([node(op, ["x", "k"], ["v", "i"], axis=a)], [vi("x", [2, 3])],
                          [vi("v", None), vi("i", None)], inits=[ints("k", [1])])
            elif op == "Compress":
                m = model([node(op, ["x", "c"], ["y"], axis=a)], [vi("x", [2, 3]),
                                                                  vi("c", [3], BOOL)],
                          [vi("y", None)])
            elif op == "DepthToSpace_":
                m = model([node("DepthToSpace", ["x"], ["y"], blocksize=a)],
                          [vi("x", [1, 4, 2, 2])], [vi("y", None)])
            elif op == "Gather":
                m = model([node(op, ["x", "i"], ["y"], axis=a)], [vi("x", [2, 3])],
                          [vi("y", None)], inits=[ints("i", [0])])
            elif op == "LayerNormalization":
                m = model([node(op, ["x", "s"], ["y"], axis=a)], [vi("x", [2, 3])],
                          [vi("y", None)], inits=[floats("s", [1, 1, 1])], opset=17)
            else:
                m = model([node(op, ["x"], ["y"], axis=a)], [vi("x", [2, 3])], [vi("y", None)])
            add(f"attr_{low}_axis_{label}", m)
        for op in ("ReduceSum", "ReduceMean", "ReduceMax", "ReduceL2", "ReduceLogSumExp"):
            if op == "ReduceSum":
                m = model([node(op, ["x", "a"], ["y"])], [vi("x", [2, 3])], [vi("y", None)],
                          inits=[ints("a", [a])])
            else:
                m = model([node(op, ["x"], ["y"], axes=[a, 0])], [vi("x", [2, 3])],
                          [vi("y", None)])
            add(f"attr_{op.lower()}_axes_{label}", m)
        add(f"attr_squeeze_axes_{label}", model(
            [node("Squeeze", ["x", "a"], ["y"])], [vi("x", [1, 3])], [vi("y", None)],
            inits=[ints("a", [a])]))
        add(f"attr_spacetodepth_blocksize_{label}", model(
            [node("SpaceToDepth", ["x"], ["y"], blocksize=a)], [vi("x", [1, 1, 4, 4])],
            [vi("y", None)]))
    for label, v in [("0", 0), ("neg1", -1), ("2p40", 2**40), ("int64max", INT64_MAX)]:
        for op in ("LSTM", "GRU", "RNN"):
            gates = {"LSTM": 4, "GRU": 3, "RNN": 1}[op]
            add(f"attr_{op.lower()}_hidden_size_{label}", model(
                [node(op, ["x", "w", "r"], ["y"], hidden_size=v)], [vi("x", [5, 1, 4])],
                [vi("y", None)], inits=[empty_tensor("w", [1, gates * 4, 4]),
                                        empty_tensor("r", [1, gates * 4, 4])]))
        add(f"attr_groupnorm_num_groups_{label}", model(
            [node("GroupNormalization", ["x", "s", "b"], ["y"], num_groups=v)],
            [vi("x", [1, 4, 2, 2])], [vi("y", None)],
            inits=[floats("s", [1] * 4), floats("b", [0] * 4)], opset=18))
        add(f"attr_ms_attention_num_heads_{label}", model(
            [node("Attention", ["x", "w", "b"], ["y"], domain="com.microsoft", num_heads=v)],
            [vi("x", [1, 4, 8])], [vi("y", None)],
            inits=[empty_tensor("w", [8, 24]), empty_tensor("b", [24])],
            extra_opsets=[("com.microsoft", 1)]))
        add(f"attr_ms_mha_num_heads_{label}", model(
            [node("MultiHeadAttention", ["q", "k", "v"], ["y"], domain="com.microsoft",
                  num_heads=v)],
            [vi("q", [1, 4, 8]), vi("k", [1, 4, 8]), vi("v", [1, 4, 8])], [vi("y", None)],
            extra_opsets=[("com.microsoft", 1)]))
        add(f"attr_ms_gqa_kv_num_heads_{label}", model(
            [node("GroupQueryAttention", ["q", "k", "v"], ["y"], domain="com.microsoft",
                  num_heads=2, kv_num_heads=v)],
            [vi("q", [1, 4, 8]), vi("k", [1, 4, 8]), vi("v", [1, 4, 8])], [vi("y", None)],
            extra_opsets=[("com.microsoft", 1)]))
        add(f"attr_onnx_attention_q_num_heads_{label}", model(
            [node("Attention", ["q", "k", "v"], ["y"], q_num_heads=v, kv_num_heads=v)],
            [vi("q", [1, 4, 8]), vi("k", [1, 4, 8]), vi("v", [1, 4, 8])], [vi("y", None)],
            opset=23, ir=11))
        add(f"attr_col2im_block_{label}", model(
            [node("Col2Im", ["x", "i", "b"], ["y"])], [vi("x", [1, 12, 9])], [vi("y", None)],
            inits=[ints("i", [5, 5]), ints("b", [v, v])], opset=18))
    add("attr_lstm_direction_sideways", model(
        [node("LSTM", ["x", "w", "r"], ["y"], hidden_size=4, direction="sideways")],
        [vi("x", [5, 1, 4])], [vi("y", None)],
        inits=[empty_tensor("w", [1, 16, 4]), empty_tensor("r", [1, 16, 4])]))
    add("attr_lstm_weights_disagree", model(
        [node("LSTM", ["x", "w", "r"], ["y"], hidden_size=4, direction="bidirectional")],
        [vi("x", [5, 1, 4])], [vi("y", None)],
        inits=[empty_tensor("w", [7, 3, 9]), empty_tensor("r", [1, 1, 1])]))
    equations = [
        ("empty", ""), ("arrow_only", "->"), ("no_output", "ij,jk->"), ("too_many_operands",
                                                                          "ij,jk,kl->il"),
        ("too_few_operands", "ij->ij"), ("rank_mismatch", "ijk,jk->ik"),
        ("ellipsis_twice", "...i...,ij->j"), ("dots_two", "..i,ij->j"),
        ("digits", "12,23->13"), ("output_not_in_inputs", "ij,jk->iz"),
        ("repeated_output", "ij,jk->iik"), ("two_arrows", "ij->jk->ik"),
        ("spaces", " i j , j k -> i k "), ("uppercase", "IJ,JK->IK"), ("comma_end", "ij,jk,"),
        ("unicode", "\u00e9j,jk->\u00e9k"), ("long_4000", "i" * 2000 + ",i->"),
        ("all_letters", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ,a->a"),
        ("diagonal_mismatch", "ii,ij->j"), ("nul", "ij\0,jk->ik"),
    ]
    for label, eq in equations:
        add(f"attr_einsum_equation_{label}", model(
            [node("Einsum", ["a", "b"], ["y"], equation=eq)], [vi("a", [2, 3]), vi("b", [3, 4])],
            [vi("y", None)]))
    for label, eq in [("2p62_dims", "ij,jk->ik")]:
        add(f"attr_einsum_{label}", model(
            [node("Einsum", ["a", "b"], ["y"], equation=eq)],
            [vi("a", [2**62, 2**62]), vi("b", [2**62, 2**62])], [vi("y", None)]))
    add("attr_gelu_approximate_garbage", model(
        [node("Gelu", ["x"], ["y"], approximate="cubic")], [vi("x", [2, 3])], [vi("y", None)],
        opset=20, ir=9))
    for label, pads in [("neg", [-1, -1, -1, -1]), ("int64max", [INT64_MAX] * 4),
                        ("wrong_length", [1, 2, 3])]:
        add(f"attr_pad_pads_{label}", model(
            [node("Pad", ["x", "p"], ["y"], mode="reflect")], [vi("x", [2, 3])],
            [vi("y", None)], inits=[ints("p", pads)]))
    add("attr_pad_mode_garbage", model(
        [node("Pad", ["x", "p"], ["y"], mode="garbage")], [vi("x", [2, 3])], [vi("y", None)],
        inits=[ints("p", [1, 1, 1, 1])]))
    add("attr_batchnorm_epsilon_nan", model(
        [node("BatchNormalization", ["x", "s", "b", "m", "v"], ["y"], epsilon=math.nan)],
        [vi("x", [1, 2, 2, 2])], [vi("y", None)],
        inits=[floats(n, [1, 1]) for n in ("s", "b", "m", "v")]))
    add("attr_batchnorm_channels_disagree", model(
        [node("BatchNormalization", ["x", "s", "b", "m", "v"], ["y"])],
        [vi("x", [1, 2, 2, 2])], [vi("y", None)],
        inits=[empty_tensor(n, [INT64_MAX]) for n in ("s", "b", "m", "v")]))
    add("attr_ints_where_int_expected", model(
        [node("Softmax", ["x"], ["y"], axis=[1, 2, 3])], [vi("x", [2, 3])], [vi("y", None)]))
    add("attr_string_where_int_expected", model(
        [node("Conv", ["x", "w"], ["y"], group="three")], [vi("x", [1, 3, 8, 8])],
        [vi("y", None)], inits=[empty_tensor("w", [4, 3, 3, 3])]))
    add("attr_tensor_where_ints_expected", model(
        [node("Conv", ["x", "w"], ["y"], strides=ints("t", [1, 1]))], [vi("x", [1, 3, 8, 8])],
        [vi("y", None)], inits=[empty_tensor("w", [4, 3, 3, 3])]))
    dup = node("Conv", ["x", "w"], ["y"], group=1)
    a = dup.attribute.add()
    a.CopyFrom(helper.make_attribute("group", 3))
    add("attr_duplicate_attribute", model([dup], [vi("x", [1, 3, 8, 8])], [vi("y", None)],
                                          inits=[empty_tensor("w", [4, 3, 3, 3])]))


# ---------------------------------------------------------------- domain_, opset_, ir_
def simple(opset=13, ir=8, extra_opsets=(), dom=None, op="Relu"):
    return model([node(op, ["x"], ["y"], domain=dom)], [vi("x", [1, 4])], [vi("y", None)],
                 opset=opset, ir=ir, extra_opsets=extra_opsets)


def make_domains_opsets_ir():
    add("domain_unknown_with_import", simple(dom="com.evil", extra_opsets=[("com.evil", 1)]))
    add("domain_unknown_without_import", simple(dom="com.evil"))
    add("domain_ms_without_import", simple(dom="com.microsoft", op="FusedMatMul"))
    add("domain_explicit_ai_onnx", simple(dom="ai.onnx", extra_opsets=[("ai.onnx", 13)]))
    add("domain_ml_op_type_conv", simple(dom="ai.onnx.ml", op="Conv",
                                         extra_opsets=[("ai.onnx.ml", 3)]))
    add("domain_ms_op_type_relu_version_0", simple(dom="com.microsoft",
                                                   extra_opsets=[("com.microsoft", 0)]))
    add("domain_training", simple(dom="ai.onnx.training", op="Gradient",
                                  extra_opsets=[("ai.onnx.training", 1)]))
    add("domain_empty_import_twice", simple(extra_opsets=[("", 7), ("", 99)]))
    add("domain_long_name", simple(dom="d" * 5000, extra_opsets=[("d" * 5000, 1)]))
    versions = [("0", 0), ("neg1", -1), ("1", 1), ("2p31m1", 2**31 - 1), ("2p31", 2**31),
                ("int64max", INT64_MAX), ("int64min", INT64_MIN), ("99", 99)]
    for label, v in versions:
        add(f"opset_default_{label}", simple(opset=v))
        add(f"opset_default_{label}_conv", model(
            [node("Conv", ["x", "w"], ["y"])], [vi("x", [1, 3, 8, 8])], [vi("y", None)],
            inits=[empty_tensor("w", [4, 3, 3, 3])], opset=v))
        add(f"opset_ms_{label}", model(
            [node("FusedMatMul", ["a", "b"], ["y"], domain="com.microsoft")],
            [vi("a", [2, 3]), vi("b", [3, 4])], [vi("y", None)],
            extra_opsets=[("com.microsoft", v)]))
    add("opset_none", simple(opset=None))
    for label, v in [("0", 0), ("neg1", -1), ("1", 1), ("2p31", 2**31), ("2p62", 2**62),
                     ("int64max", INT64_MAX), ("int64min", INT64_MIN)]:
        add(f"ir_version_{label}", simple(ir=v))


# ---------------------------------------------------------------- empty_
def make_empty():
    add("empty_graph", model([], [], []))
    m = onnx.ModelProto()
    m.ir_version = 8
    m.opset_import.extend([helper.make_opsetid("", 13)])
    add("empty_no_graph_field", m)
    m = onnx.ModelProto()
    m.ir_version = 8
    add("empty_no_graph_no_opset", m)
    add("empty_graph_no_inputs", model(
        [node("Constant", [], ["c"], value=floats("v", [1, 2, 3, 4], [2, 2])),
         node("MatMul", ["c", "c"], ["y"])], [], [vi("y", None)]))
    add("empty_graph_no_outputs", model([node("Relu", ["x"], ["y"])], [vi("x", [1, 4])], []))
    add("empty_graph_only_initializers", model([], [], [], inits=[empty_tensor("w", [4, 4])]))
    add("empty_graph_only_inputs", model([], [vi("x", [1, 4])], []))
    add("empty_graph_output_is_input", model([], [vi("x", [1, 4])], [vi("x", [1, 4])]))
    # A model whose only content is metadata asking for a training estimate.
    add("empty_graph_with_training_metadata",
        model([], [], [], metadata={"training.examples": "1000", "training.epochs": "2"}))


# ---------------------------------------------------------------- type_
def make_types():
    mm = [node("MatMul", ["x", "w"], ["y"])]
    w = [floats("w", [1] * 16, dims=[4, 4])]

    def with_input(x):
        return model(mm, [x], [vi("y", None)], inits=w)

    add("type_input_without_type", with_input(onnx.ValueInfoProto(name="x")))
    t = onnx.ValueInfoProto(name="x")
    t.type.SetInParent()
    add("type_empty_type_proto", with_input(t))
    t = onnx.ValueInfoProto(name="x")
    t.type.tensor_type.SetInParent()
    add("type_tensor_without_elem_type_or_shape", with_input(t))
    t = onnx.ValueInfoProto(name="x")
    t.type.tensor_type.shape.dim.add()
    t.type.tensor_type.shape.dim.add()
    add("type_dims_without_value_or_param", with_input(t))
    for label, e in [("0", 0), ("999", 999), ("neg1", -1), ("string", TensorProto.STRING),
                     ("complex128", TensorProto.COMPLEX128), ("bool", BOOL)]:
        add(f"type_elem_type_{label}", with_input(vi("x", [1, 4], e)))
        add(f"type_initializer_elem_type_{label}", model(
            mm, [vi("x", [1, 4])], [vi("y", None)], inits=[empty_tensor("w", [4, 4], e)]))
    add("type_sequence_into_matmul", with_input(helper.make_value_info(
        "x", helper.make_sequence_type_proto(helper.make_tensor_type_proto(F, [1, 4])))))
    add("type_optional_into_matmul", with_input(helper.make_value_info(
        "x", helper.make_optional_type_proto(helper.make_tensor_type_proto(F, [1, 4])))))
    t = onnx.ValueInfoProto(name="x")
    t.type.map_type.key_type = TensorProto.STRING
    t.type.map_type.value_type.tensor_type.elem_type = F
    add("type_map_into_matmul", with_input(t))
    t = onnx.ValueInfoProto(name="x")
    t.type.sparse_tensor_type.elem_type = F
    t.type.sparse_tensor_type.shape.dim.add().dim_value = 1
    t.type.sparse_tensor_type.shape.dim.add().dim_value = 4
    add("type_sparse_tensor_into_matmul", with_input(t))
    add("type_scalar_into_matmul", with_input(vi("x", [])))
    add("type_scalar_into_conv", model([node("Conv", ["x", "w"], ["y"])], [vi("x", [])],
                                       [vi("y", None)], inits=[empty_tensor("w", [4, 3, 3, 3])]))
    # Scalars into ops that index an axis (the fuzzer found a Slice of a scalar
    # reading dims[0] of an empty shape).
    scalar_ops = [
        ("slice", "Slice", ["x", "s", "e"], [ints("s", [0]), ints("e", [1])], {}),
        ("split", "Split", ["x"], [], {"axis": 0}),
        ("gather", "Gather", ["x", "i"], [ints("i", [0])], {"axis": 0}),
        ("concat", "Concat", ["x", "x"], [], {"axis": 0}),
        ("softmax", "Softmax", ["x"], [], {"axis": 0}),
        ("transpose", "Transpose", ["x"], [], {"perm": [0]}),
        ("flatten", "Flatten", ["x"], [], {"axis": 0}),
        ("cumsum", "CumSum", ["x", "a"], [ints("a", [0], [])], {}),
        ("topk", "TopK", ["x", "k"], [ints("k", [1])], {"axis": 0}),
        ("argmax", "ArgMax", ["x"], [], {"axis": 0}),
        ("squeeze", "Squeeze", ["x", "a"], [ints("a", [0])], {}),
        ("pad", "Pad", ["x", "p"], [ints("p", [1, 1])], {}),
        ("layernorm", "LayerNormalization", ["x", "g"], [floats("g", [1], [])], {"axis": 0}),
        ("reducesum", "ReduceSum", ["x", "a"], [ints("a", [0])], {}),
        ("hardmax", "Hardmax", ["x"], [], {"axis": 0}),
        ("gatherelements", "GatherElements", ["x", "x"], [], {"axis": 0}),
        ("depthtospace", "DepthToSpace", ["x"], [], {"blocksize": 2}),
        ("lpnorm", "LpNormalization", ["x"], [], {"axis": 0}),
    ]
    for label, op, ins, inits, attrs in scalar_ops:
        add(f"type_scalar_into_{label}", model(
            [node(op, ins, ["y"], **attrs)], [vi("x", [])], [vi("y", None)], inits=inits,
            opset=17))
    add("type_rank_64_input", model([node("Relu", ["x"], ["y"])], [vi("x", [1] * 64)],
                                    [vi("y", None)]))
    add("type_rank_3000_input", model([node("Relu", ["x"], ["y"])], [vi("x", [2] * 3000)],
                                      [vi("y", None)]))
    add("type_dim_param_empty_and_huge", model(
        [node("MatMul", ["x", "w"], ["y"])], [vi("x", ["", "b" * 3000])], [vi("y", None)],
        inits=w))
    add("type_value_info_without_type", model(
        [node("Relu", ["x"], ["h"]), node("Relu", ["h"], ["y"])], [vi("x", [1, 4])],
        [vi("y", None)], value_info=[onnx.ValueInfoProto(name="h")]))


# ---------------------------------------------------------------- sparse_
def sparse(values, indices, dims, vdims=None, idims=None, name="w"):
    # Built field by field: helper.make_tensor would check dims against the data.
    v = empty_tensor(name, [len(values)] if vdims is None else vdims)
    v.float_data.extend(values)
    i = empty_tensor("", [len(indices)] if idims is None else idims, I64)
    i.int64_data.extend(indices)
    sp = onnx.SparseTensorProto()
    sp.values.CopyFrom(v)
    sp.indices.CopyFrom(i)
    sp.dims.extend(dims)
    return sp


def make_sparse():
    cases = {
        "indices_out_of_range": sparse([1, 2, 3], [0, 5, 100], [4, 4]),
        "indices_negative": sparse([1, 2, 3], [-1, -5, INT64_MIN], [4, 4]),
        "indices_int64max": sparse([1, 2, 3], [INT64_MAX] * 3, [4, 4]),
        "indices_unsorted_duplicate": sparse([1, 2, 3], [7, 7, 2], [4, 4]),
        "indices_2d_wrong_shape": sparse([1, 2, 3], [0, 1, 2, 3, 4, 5, 6, 7, 8], [4, 4],
                                         idims=[3, 3]),
        "indices_fewer_than_values": sparse([1, 2, 3], [0], [4, 4]),
        "values_rank2": sparse([1, 2, 3, 4], [0, 1], [4, 4], vdims=[2, 2]),
        "dims_empty": sparse([1, 2, 3], [0, 1, 2], []),
        "dims_int64max": sparse([1, 2, 3], [0, 1, 2], [INT64_MAX, INT64_MAX]),
        "dims_negative": sparse([1, 2, 3], [0, 1, 2], [-4, 4]),
        "dims_zero": sparse([1, 2, 3], [0, 1, 2], [0, 4]),
        "values_dims_int64max": sparse([], [], [4, 4], vdims=[INT64_MAX]),
        "values_dims_negative": sparse([], [], [4, 4], vdims=[-7]),
    }
    for label, sp in cases.items():
        add(f"sparse_initializer_{label}", model(
            [node("MatMul", ["x", "w"], ["y"])], [vi("x", [1, 4])], [vi("y", None)], sparse=[sp]))
        add(f"sparse_constant_{label}", model(
            [node("Constant", [], ["w"], sparse_value=sp), node("MatMul", ["x", "w"], ["y"])],
            [vi("x", [1, 4])], [vi("y", None)]))
    add("sparse_initializer_name_clash_with_dense", model(
        [node("MatMul", ["x", "w"], ["y"])], [vi("x", [1, 4])], [vi("y", None)],
        inits=[empty_tensor("w", [4, 4])], sparse=[sparse([1], [0], [9, 9])]))
    add("sparse_initializer_no_name", model(
        [node("Relu", ["x"], ["y"])], [vi("x", [1, 4])], [vi("y", None)],
        sparse=[sparse([1], [0], [4], name="")]))


# ---------------------------------------------------------------- payload_
def reshape_with(shape_tensor):
    return model([node("Reshape", ["x", "s"], ["r"]), node("MatMul", ["r", "w"], ["y"])],
                 [vi("x", [2, 8])], [vi("y", None)],
                 inits=[shape_tensor, floats("w", [1] * 16, dims=[4, 4])])


def make_payload():
    def shape(dims, data_type=I64, **fields):
        t = TensorProto()
        t.name = "s"
        t.data_type = data_type
        t.dims.extend(dims)
        for k, v in fields.items():
            if k == "raw_data":
                t.raw_data = v
            elif k == "data_location":
                t.data_location = v
            elif k == "external":
                for key, val in v:
                    e = t.external_data.add()
                    e.key = key
                    e.value = val
            else:
                getattr(t, k).extend(v)
        return t

    cases = {
        "int64_data_shorter_than_dims": shape([4], int64_data=[4, 4]),
        "int64_data_longer_than_dims": shape([2], int64_data=[4, 4, 4, 4, 4]),
        "raw_data_3_bytes": shape([2], raw_data=b"\x04\x00\x00"),
        "raw_data_13_bytes": shape([2], raw_data=b"\x04" * 13),
        "raw_data_and_int64_data": shape([2], raw_data=b"\x04" + b"\x00" * 15,
                                         int64_data=[4, 4]),
        "dims_zero_with_data": shape([0], int64_data=[4, 4]),
        "dims_int64max_with_data": shape([INT64_MAX], int64_data=[4, 4]),
        "dims_negative_with_data": shape([-2], int64_data=[4, 4]),
        "dims_2p32_times_2p32": shape([2**32, 2**32], int64_data=[4, 4]),
        "data_type_0": shape([2], data_type=0, int64_data=[4, 4]),
        "data_type_999": shape([2], data_type=999, raw_data=b"\x04" * 16),
        "data_type_float_in_int64_data": shape([2], data_type=F, int64_data=[4, 4]),
        "data_type_float_nan": shape([2], data_type=F, float_data=[math.nan, math.inf]),
        "data_type_float_1e30": shape([2], data_type=F, float_data=[1e30, -1e30]),
        "data_type_double_huge": shape([2], data_type=TensorProto.DOUBLE,
                                       double_data=[1e300, 4]),
        "data_type_int32": shape([2], data_type=TensorProto.INT32, int32_data=[4, -9]),
        "data_type_string": shape([2], data_type=TensorProto.STRING, string_data=[b"4", b"4"]),
        "data_type_bool_3_bytes": shape([2], data_type=BOOL, raw_data=b"\x01\x01\x01"),
        "data_type_uint64_max": shape([2], data_type=TensorProto.UINT64,
                                      uint64_data=[2**64 - 1, 4]),
        "external_data_bogus_path": shape(
            [2], data_location=TensorProto.EXTERNAL,
            external=[("location", "../../../../etc/passwd"), ("offset", "-5"),
                      ("length", "99999999999999999999")]),
        "external_flag_with_inline_data": shape(
            [2], data_location=TensorProto.EXTERNAL, int64_data=[4, 4]),
        "values_int64max": shape([2], int64_data=[INT64_MAX, INT64_MAX]),
        "values_int64min": shape([2], int64_data=[INT64_MIN, -1]),
    }
    for label, t in cases.items():
        add(f"payload_reshape_shape_{label}", reshape_with(t))
    # The same payload faults on a Constant node's value and value_ints.
    add("payload_constant_value_raw_3_bytes", model(
        [node("Constant", [], ["s"], value=cases["raw_data_3_bytes"]),
         node("Reshape", ["x", "s"], ["y"])], [vi("x", [2, 8])], [vi("y", None)]))
    add("payload_constant_value_ints_int64max", model(
        [node("Constant", [], ["s"], value_ints=[INT64_MAX, INT64_MAX]),
         node("Reshape", ["x", "s"], ["y"])], [vi("x", [2, 8])], [vi("y", None)]))
    add("payload_constant_value_float_nan", model(
        [node("Constant", [], ["s"], value_float=math.nan),
         node("Reshape", ["x", "s"], ["y"])], [vi("x", [2, 8])], [vi("y", None)]))
    add("payload_constant_no_value", model(
        [node("Constant", [], ["s"]), node("Reshape", ["x", "s"], ["y"])], [vi("x", [2, 8])],
        [vi("y", None)]))
    add("payload_constant_two_values", model(
        [node("Constant", [], ["s"], value_ints=[4, 4], value_float=1.0),
         node("Reshape", ["x", "s"], ["y"])], [vi("x", [2, 8])], [vi("y", None)]))
    # A shape constant of 2000 elements: past the loader's keep threshold and
    # the propagator's small-tensor limit.
    add("payload_reshape_shape_2000_values", reshape_with(shape([2000], int64_data=[1] * 2000)))

    # Small tensors with dims and no payload (a stripped weight declares
    # more than a few bytes) in every input ONNX 1.12's shape functions read
    # as values: they index the empty data unchecked. The fuzzer found Range's.
    def no_payload(name, dims, elem=I64):
        return empty_tensor(name, dims, elem)

    x = [vi("x", [2, 8])]
    value_readers = {
        "range_start": ([node("Range", ["a", "b", "c"], ["y"])], [],
                        [no_payload("a", []), ints("b", [8], dims=[]), ints("c", [1], dims=[])]),
        "range_all": ([node("Range", ["a", "b", "c"], ["y"])], [],
                      [no_payload("a", []), no_payload("b", []), no_payload("c", [])]),
        "reshape": ([node("Reshape", ["x", "s"], ["y"])], x, [no_payload("s", [2])]),
        "expand": ([node("Expand", ["x", "s"], ["y"])], x, [no_payload("s", [2])]),
        "tile": ([node("Tile", ["x", "s"], ["y"])], x, [no_payload("s", [2])]),
        "constant_of_shape": ([node("ConstantOfShape", ["s"], ["y"])], [], [no_payload("s", [2])]),
        "slice": ([node("Slice", ["x", "s", "e"], ["y"])], x,
                  [no_payload("s", [1]), no_payload("e", [1])]),
        "unsqueeze": ([node("Unsqueeze", ["x", "s"], ["y"])], x, [no_payload("s", [1])]),
        "squeeze": ([node("Squeeze", ["x", "s"], ["y"])], x, [no_payload("s", [1])]),
        "pad": ([node("Pad", ["x", "s"], ["y"])], x, [no_payload("s", [4])]),
        "topk": ([node("TopK", ["x", "s"], ["y", "i"])], x, [no_payload("s", [1])]),
        "split": ([node("Split", ["x", "s"], ["y", "z"], axis=1)], x, [no_payload("s", [2])]),
        "reduce_sum": ([node("ReduceSum", ["x", "s"], ["y"])], x, [no_payload("s", [1])]),
        "resize_scales": ([node("Resize", ["x", "", "s"], ["y"])], x, [no_payload("s", [2], F)]),
        "constant_value": ([node("Constant", [], ["s"], value=no_payload("v", [2])),
                            node("Reshape", ["x", "s"], ["y"])], x, []),
    }
    for label, (nodes, inputs, inits) in value_readers.items():
        add(f"payload_no_payload_{label}", model(nodes, inputs, [vi("y", None)], inits=inits))


# ---------------------------------------------------------------- names_
def make_names():
    # Python's protobuf insists on UTF-8 for string fields, so the invalid
    # bytes are patched in after serialization (same length, so no length
    # prefix changes).
    marker = "QZQZ"
    bad = b"\xff\xfe\x80Q"

    def patched(m):
        return m.SerializeToString().replace(marker.encode(), bad)

    x = vi("x", [1, 4])
    add("names_non_utf8_node_name", patched(model(
        [node("Relu", ["x"], ["y"], name=marker)], [x], [vi("y", None)])))
    add("names_non_utf8_value_name", patched(model(
        [node("Relu", ["x"], [marker]), node("Relu", [marker], ["y"])], [x], [vi("y", None)])))
    add("names_non_utf8_input_name", patched(model(
        [node("Relu", [marker], ["y"])], [vi(marker, [1, 4])], [vi("y", None)])))
    add("names_non_utf8_op_type", patched(model(
        [node(marker, ["x"], ["y"])], [x], [vi("y", None)])))
    add("names_non_utf8_domain", patched(model(
        [node("Relu", ["x"], ["y"], domain=marker)], [x], [vi("y", None)],
        extra_opsets=[(marker, 1)])))
    add("names_non_utf8_dim_param", patched(model(
        [node("Relu", ["x"], ["y"])], [vi("x", [marker, 4])], [vi("y", None)])))
    m = model([node("Relu", ["x"], ["y"])], [x], [vi("y", None)])
    m.producer_name = marker
    m.graph.name = marker
    add("names_non_utf8_producer_and_graph", patched(m))
    add("names_non_utf8_einsum_equation", patched(model(
        [node("Einsum", ["a", "b"], ["y"], equation="ij,jk->" + marker)],
        [vi("a", [2, 3]), vi("b", [3, 4])], [vi("y", None)])))
    add("names_newline_in_node_name", model(
        [node("Relu", ["ghost"], ["y"], name="line1\nline2\r\nline3")], [x], [vi("y", None)]))
    add("names_newline_in_value_name", model(
        [node("Relu", ["gho\nst"], ["y"])], [x], [vi("y", None)]))
    add("names_newline_in_dim_param", model(
        [node("Relu", ["x"], ["y"])], [vi("x", ["a\nb", 4])], [vi("y", None)]))
    add("names_nul_in_names", model(
        [node("Relu", ["x"], ["y\0z"], name="n\0m"), node("Relu", ["y\0z"], ["y"])], [x],
        [vi("y", None)]))
    add("names_very_long", model(
        [node("Relu", ["x"], ["y"], name="n" * 20000)], [x], [vi("y", None)]))
    add("names_json_and_markdown_metacharacters", model(
        [node("Relu", ["x"], ["y"], name='"},{|`<script>\\u0000\t|')], [x], [vi("y", None)]))


# ---------------------------------------------------------------- training_
def make_training():
    x = vi("x", [1, 4])
    base = ([node("MatMul", ["x", "w"], ["y"])], [x], [vi("y", None)])
    w = [floats("w", [1] * 16, dims=[4, 4])]
    bad_numbers = [("neg1", "-1"), ("0", "0"), ("nan", "nan"), ("inf", "inf"), ("1e400", "1e400"),
                   ("1e308", "1e308"), ("garbage", "garbage"), ("empty", ""),
                   ("si_suffix_huge", "999999999999Y"), ("hex", "0x10")]
    keys = ["examples", "epochs", "tokens", "batch_size", "steps", "backward_ratio", "chips",
            "hours", "utilization", "peak_flops", "price_per_chip_hour"]
    for key in keys:
        for label, v in bad_numbers:
            meta = {"training.examples": "1000", f"training.{key}": v}
            if key in ("chips", "hours", "utilization", "peak_flops", "price_per_chip_hour"):
                meta.update({"training.hardware": "V100", "training.chips": "8",
                             "training.hours": "10"})
                meta[f"training.{key}"] = v
            add(f"training_{key}_{label}", model(*base, inits=w, metadata=meta))
    for key, v in [("backward", "garbage"), ("optimizer", "garbage"), ("frozen", "[,*,"),
                   ("hardware", "no-such-chip"), ("precision", "fp3"), ("unknown_key", "1")]:
        add(f"training_{key}_{v.replace('[,*,', 'pattern').replace('-', '_')}",
            model(*base, inits=w, metadata={"training.examples": "1000", f"training.{key}": v}))
    add("training_per_op_adam_on_2p62_dims", model(
        [node("MatMul", ["x", "w"], ["y"])], [vi("x", [2**62, 2**62])], [vi("y", None)],
        inits=[empty_tensor("w", [2**62, 2**62])],
        metadata={"training.examples": "1e30", "training.epochs": "1e30",
                  "training.backward": "per-op", "training.optimizer": "adam"}))
    add("training_steps_and_batch_1e300", model(
        *base, inits=w, metadata={"training.batch_size": "1e300", "training.steps": "1e300"}))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    here = os.path.dirname(os.path.abspath(__file__))
    parser.add_argument("--out", default=os.path.join(here, "..", "testdata", "malformed"))
    args = parser.parse_args()
    for make in (make_nesting, make_trips, make_dims, make_graph_structure, make_missing,
                 make_attrs, make_domains_opsets_ir, make_empty, make_types, make_sparse,
                 make_payload, make_names, make_training):
        make()
    os.makedirs(args.out, exist_ok=True)
    for old in os.listdir(args.out):
        if old.endswith(".onnx"):
            os.remove(os.path.join(args.out, old))
    total = 0
    counts = {}
    for name, m in sorted(MODELS.items()):
        data = m if isinstance(m, bytes) else m.SerializeToString()
        with open(os.path.join(args.out, name + ".onnx"), "wb") as f:
            f.write(data)
        total += len(data)
        cat = name.split("_")[0]
        counts[cat] = counts.get(cat, 0) + 1
    print(f"{len(MODELS)} files, {total} bytes in {args.out}")
    for cat, n in sorted(counts.items()):
        print(f"  {cat:10s} {n}")


if __name__ == "__main__":
    main()
