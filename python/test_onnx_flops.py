"""Tests of the Python module onnx_flops against the command line and hand counts.

Run by ctest (python/CMakeLists.txt), which sets PYTHONPATH to the build's
python directory, ONNX_FLOPS_BINARY to the built onnx-flops and
ONNX_FLOPS_TESTDATA to testdata/.
"""

import concurrent.futures
import io
import json
import os
import pathlib
import shlex
import subprocess
import sys
import tempfile
import unittest

import onnx_flops

BINARY = os.environ["ONNX_FLOPS_BINARY"]
TESTDATA = os.environ["ONNX_FLOPS_TESTDATA"]
RESNET18 = os.path.join(TESTDATA, "torchvision", "resnet18.onnx")
TINY_MLP = os.path.join(TESTDATA, "tiny_mlp.onnx")
LOOP_DYNAMIC = os.path.join(TESTDATA, "loop_dynamic.onnx")
IF_OUTER_SCOPE = os.path.join(TESTDATA, "subgraph_if_outer_scope.onnx")

# tiny_mlp, x[batch,784] -> Gemm(784->256, transB) -> Relu -> Gemm(256->10) -> Softmax,
# per example (tools/make_testdata.py): every term is linear in the batch.
FC1 = 2 * 784 * 256 + 256        # matmul + bias
RELU = 256
FC2 = 2 * 256 * 10 + 10
SOFTMAX = 5 * 10
TINY_MLP_FLOPS = FC1 + RELU + FC2 + SOFTMAX   # 407100
TINY_MLP_PARAMS = 784 * 256 + 256 + 256 * 10 + 10   # 203530


def cli(*args):
    """The command line's exit status, stdout and stderr."""
    run = subprocess.run([BINARY, *args], capture_output=True, text=True, check=False)
    return run.returncode, run.stdout, run.stderr


def cli_report(*args):
    """The command line's JSON report as a dict, without command_line."""
    status, out, err = cli(*args, "--format", "json")
    if status not in (0, 1):
        raise AssertionError(f"onnx-flops {' '.join(args)} exited {status}: {err}")
    report = json.loads(out)
    del report["command_line"]
    return report


def without_command_line(report):
    report = dict(report)
    del report["command_line"]
    return report


def in_memory(report, name):
    """The CLI's report as analyze gives it for a model held in memory."""
    report = json.loads(json.dumps(report))
    report["model"]["path"] = name
    return report


class Renderings(unittest.TestCase):

    def test_statement_is_the_cli_statement(self):
        for style in ("markdown", "latex"):
            got = onnx_flops.statement(TINY_MLP, style=style, examples=1000, epochs=3)
            status, out, err = cli(TINY_MLP, "--examples", "1000", "--epochs", "3",
                                   "--format", "statement", "--statement-style", style)
            self.assertEqual(status, 0, err)
            # Only the command differs: the module's is its own equivalent one.
            self.assertEqual(got.split("command")[0], out.split("command")[0])
        # 407,100 x 3 x 3,000 = 3.66e9 FLOP.
        self.assertIn("**3.66 × 10⁹ FLOP**", onnx_flops.statement(TINY_MLP, examples=1000, epochs=3))
        with self.assertRaises(ValueError):
            onnx_flops.statement(TINY_MLP, style="word")

    def test_html_is_one_page_with_the_nodes(self):
        page = onnx_flops.html(TINY_MLP)
        self.assertTrue(page.startswith("<!doctype html>") or page.startswith("<!DOCTYPE html>"))
        self.assertIn("407,100", page)
        self.assertIn("fc1", page)   # the node table's data


class SameAsCommandLine(unittest.TestCase):

    def test_path_gives_the_cli_report(self):
        got = onnx_flops.analyze(RESNET18)
        self.assertEqual(without_command_line(got), cli_report(RESNET18))

    def test_command_line_reruns_the_same_analysis(self):
        got = onnx_flops.analyze(TINY_MLP, dims={"batch": 4}, examples="1.2M",
                                 frozen=["fc 1*"])
        args = shlex.split(got["command_line"])
        self.assertEqual(args[0], "onnx-flops")
        # Everything after "--" is a path: the format flag goes before it.
        end = args.index("--")
        status, out, err = cli(*args[1:end], "--format", "json", *args[end:])
        self.assertEqual(status, 0, err)
        self.assertEqual(json.loads(out)["training"], got["training"])
        self.assertEqual(json.loads(out)["forward"], got["forward"])
        # A model in memory has no file to name.
        with open(TINY_MLP, "rb") as f:
            self.assertEqual(onnx_flops.analyze(f.read())["command_line"], "")

    def test_path_like(self):
        got = onnx_flops.analyze(pathlib.Path(RESNET18))
        self.assertEqual(without_command_line(got), cli_report(RESNET18))

    def test_keywords_give_the_flags(self):
        got = onnx_flops.analyze(TINY_MLP, dims={"batch": 8}, examples="1.28M", epochs=90,
                                 hardware="A100", chips=8, hours=24, per_node=True,
                                 sha256=True, backward="per-op", optimizer="adam",
                                 frozen=["fc1.*", "fc2.bias"], strict=True, causal_half=False)
        want = cli_report(TINY_MLP, "--dim", "batch=8", "--examples", "1.28M", "--epochs", "90",
                          "--hardware", "A100", "--chips", "8", "--hours", "24", "--per-node",
                          "--sha256", "--backward", "per-op", "--optimizer", "adam",
                          "--frozen", "fc1.*", "--frozen", "fc2.bias", "--strict")
        self.assertEqual(without_command_line(got), want)

    def test_loop_trips_and_inputs(self):
        # loop_dynamic: the body's MatMul [4,8]x[8,8] = 2*4*8*8 = 512 per trip.
        self.assertEqual(onnx_flops.analyze(LOOP_DYNAMIC)["forward"]["flops"], 512)
        got = onnx_flops.analyze(LOOP_DYNAMIC, loop_trips={"loop": 10})
        self.assertEqual(got["forward"]["flops"], 10 * 512)
        self.assertEqual(without_command_line(got),
                         cli_report(LOOP_DYNAMIC, "--loop-trips", "loop=10"))
        got = onnx_flops.analyze(TINY_MLP, inputs={"x": [4, 784]})
        self.assertEqual(without_command_line(got), cli_report(TINY_MLP, "--input", "x=4x784"))

    def test_routing(self):
        # torch_mixtral_top2 at 128 tokens: router 2*128*64*8 + experts on
        # 128*2 rows (balanced) or 8*128 (worst) of 3 x 2*64*256 (analyzer/moe_test.cc).
        moe = os.path.join(TESTDATA, "moe", "torch_mixtral_top2.onnx")
        balanced = onnx_flops.analyze(moe, dims={"tokens": 128})
        self.assertEqual(balanced["forward"]["matmul_flops"], 2*128*64*8 + 128*2*3*2*64*256)
        self.assertEqual(balanced["model"]["active_parameters"], 64*8 + 2*3*64*256)
        worst = onnx_flops.analyze(moe, dims={"tokens": 128}, routing="worst")
        self.assertEqual(worst["forward"]["matmul_flops"], 2*128*64*8 + 8*128*3*2*64*256)
        self.assertEqual(worst["forward"]["routing"]["assumption"], "worst")

    def test_values(self):
        # subgraph_if_outer_scope: If(sr == 16000); sr = 8000 takes the else
        # branch, 2*8*64*32 = 32,768 + the Equal = 32,769 (analyzer/control_flow_test.cc).
        got = onnx_flops.analyze(IF_OUTER_SCOPE, values={"sr": 8000})
        self.assertEqual(got["forward"]["flops"], 32769)
        self.assertEqual(without_command_line(got),
                         cli_report(IF_OUTER_SCOPE, "--value", "sr=8000"))

    def test_analyze_json_is_the_cli_text(self):
        status, out, _ = cli(RESNET18, "--format", "json")
        self.assertEqual(status, 0)
        drop = lambda text: [l for l in text.splitlines() if '"command_line":' not in l]
        self.assertEqual(drop(onnx_flops.analyze_json(RESNET18)), drop(out))

    def test_bytes(self):
        with open(RESNET18, "rb") as f:
            data = f.read()
        want = in_memory(cli_report(RESNET18), "<bytes>")
        for model in (data, bytearray(data), memoryview(data)):
            with self.subTest(type=type(model).__name__):
                self.assertEqual(without_command_line(onnx_flops.analyze(model)), want)

    def test_bytes_hash_is_the_file_hash(self):
        with open(TINY_MLP, "rb") as f:
            got = onnx_flops.analyze(f.read(), sha256=True)
        self.assertEqual(without_command_line(got),
                         in_memory(cli_report(TINY_MLP, "--sha256"), "<bytes>"))
        self.assertEqual(len(got["model"]["sha256"]), 64)

    def test_model_proto(self):
        try:
            import onnx
        except ImportError:
            self.skipTest("onnx is not installed")
        # resnet18's weights are absent (external data never written).
        proto = onnx.load(RESNET18, load_external_data=False)
        self.assertEqual(without_command_line(onnx_flops.analyze(proto)),
                         in_memory(cli_report(RESNET18), "<ModelProto>"))

    def test_onnx_and_onnx_flops_share_a_process_either_way(self):
        # Both link libonnx_proto and libprotobuf: neither import may break the other.
        load = f"onnx.load({RESNET18!r}, load_external_data=False)"
        for imports in ("import onnx, onnx_flops", "import onnx_flops, onnx"):
            code = (f"{imports}; m = {load}; "
                    "print(onnx_flops.analyze(m)['forward']['flops'])")
            with self.subTest(imports=imports):
                run = subprocess.run([sys.executable, "-c", code], capture_output=True,
                                     text=True, check=False)
                if "No module named 'onnx'" in run.stderr:
                    self.skipTest("onnx is not installed")
                self.assertEqual(run.returncode, 0, run.stderr)
                self.assertEqual(float(run.stdout),
                                 cli_report(RESNET18)["forward"]["flops"])

    def test_version(self):
        status, out, _ = cli("--version")
        self.assertEqual(status, 0)
        self.assertEqual(out.split(), ["onnx-flops", onnx_flops.__version__])

    def test_gates_are_filled_not_raised(self):
        # 407,100 FLOPs per example: over 400k, under 1M.
        failed = onnx_flops.analyze(TINY_MLP, max_flops=400000, max_params="1M")
        self.assertEqual([g["passed"] for g in failed["gates"]], [False, True])
        status, _, _ = cli(TINY_MLP, "--max-flops", "400000", "--max-params", "1M")
        self.assertEqual(status, 1)
        self.assertEqual(without_command_line(failed),
                         cli_report(TINY_MLP, "--max-flops", "400000", "--max-params", "1M"))
        passed = onnx_flops.analyze(TINY_MLP, max_flops="1M")
        self.assertEqual([g["passed"] for g in passed["gates"]], [True])
        self.assertEqual(onnx_flops.analyze(TINY_MLP)["gates"], [])

    def test_baseline(self):
        with tempfile.TemporaryDirectory() as tmp:
            old = os.path.join(tmp, "old.json")
            with open(old, "w") as f:
                f.write(onnx_flops.analyze_json(TINY_MLP))
            # Batch 2 doubles every total: +100%, over a 5% tolerance.
            got = onnx_flops.analyze(TINY_MLP, dims={"batch": 2}, baseline=old,
                                     max_increase="5%")
            self.assertFalse(got["baseline"]["passed"])
            self.assertEqual(without_command_line(got),
                             cli_report(TINY_MLP, "--dim", "batch=2", "--baseline", old,
                                        "--max-increase", "5%"))

    def test_threads_give_the_same_report(self):
        want = onnx_flops.analyze(RESNET18)
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            got = list(pool.map(lambda _: onnx_flops.analyze(RESNET18), range(8)))
        self.assertTrue(all(r == want for r in got))


    def test_onnx_inference_crash_is_a_warning_not_a_dead_interpreter(self):
        # libonnx segfaults on this model (testdata/onnx_crash); the module
        # runs it in the onnx-flops helper ($ONNX_FLOPS_HELPER here), so the
        # interpreter lives and the report says what happened.
        model = os.path.join(TESTDATA, "onnx_crash", "two_node_unknown_op_shape.onnx")
        got = onnx_flops.analyze(model)
        self.assertIn("ONNX shape inference crashed on this model (SIGSEGV); "
                      "shapes from onnx-flops's own propagation only", got["warnings"])
        self.assertEqual(without_command_line(got), cli_report(model))

    def test_threads_share_the_onnx_helper(self):
        # if_const's If needs ONNX's inference: eight threads, helpers started
        # as needed, the same report each time.
        model = os.path.join(TESTDATA, "if_const.onnx")
        want = onnx_flops.analyze(model)
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            got = list(pool.map(lambda _: onnx_flops.analyze(model), range(8)))
        self.assertTrue(all(r == want for r in got))
        self.assertEqual(want["forward"]["flops"], 512)


class HandCounts(unittest.TestCase):

    def test_dims_scale_the_forward_count(self):
        one = onnx_flops.analyze(TINY_MLP, dims={"batch": 1})
        eight = onnx_flops.analyze(TINY_MLP, dims={"batch": 8})
        self.assertEqual(one["forward"]["flops"], 407100)
        self.assertEqual(one["forward"]["flops"], TINY_MLP_FLOPS)
        self.assertEqual(eight["forward"]["flops"], 8 * TINY_MLP_FLOPS)
        self.assertEqual(eight["forward"]["flops_per_example"], TINY_MLP_FLOPS)
        self.assertEqual(eight["forward"]["matmul_flops"], 8 * 2 * (784 * 256 + 256 * 10))
        self.assertEqual(eight["forward"]["batch_size"], "8")   # int64: a string in JSON
        self.assertEqual(eight["model"]["parameters"], TINY_MLP_PARAMS)
        self.assertEqual(eight["model"]["inputs"][0]["shape"], "8x784")

    def test_training_is_three_forwards_per_example(self):
        got = onnx_flops.analyze(TINY_MLP, examples=1281167, epochs=90)
        self.assertEqual(got["training"]["flops"], 3 * TINY_MLP_FLOPS * 1281167 * 90)
        self.assertEqual(got["training"]["examples"], 1281167)
        self.assertEqual(got["training"]["epochs"], 90)
        # The same formula on a model whose count is the CLI's, not ours.
        resnet = onnx_flops.analyze(RESNET18, examples=1281167, epochs=90)
        per_example = resnet["forward"]["flops_per_example"]
        self.assertGreater(per_example, 3e9)
        self.assertAlmostEqual(resnet["training"]["flops"] / (3 * per_example * 1281167 * 90),
                               1.0, places=12)

    def test_per_node(self):
        self.assertEqual(onnx_flops.analyze(TINY_MLP)["forward"]["nodes"], [])
        nodes = onnx_flops.analyze(TINY_MLP, per_node=True)["forward"]["nodes"]
        self.assertEqual({n["node"]: n["flops"] for n in nodes},
                         {"fc1": FC1, "relu": RELU, "fc2": FC2, "softmax": SOFTMAX})

    def test_torch_export(self):
        try:
            import torch
        except ImportError:
            self.skipTest("torch is not installed")
        # 16 -> 32 -> ReLU -> 4 at batch 1: 2*16*32 + 32 + 32 + 2*32*4 + 4 = 1,348.
        net = torch.nn.Sequential(torch.nn.Linear(16, 32), torch.nn.ReLU(), torch.nn.Linear(32, 4))
        buf = io.BytesIO()
        torch.onnx.export(net, torch.randn(1, 16), buf)
        got = onnx_flops.analyze(buf.getvalue(), examples=1000)
        self.assertEqual(got["forward"]["flops"], 1348)
        self.assertEqual(got["training"]["flops"], 3 * 1348 * 1000)


class Errors(unittest.TestCase):

    def assertOneLine(self, error):
        self.assertNotIn("\n", str(error))
        self.assertTrue(str(error))

    def test_missing_file(self):
        missing = os.path.join(TESTDATA, "no_such_model.onnx")
        with self.assertRaises(FileNotFoundError) as caught:
            onnx_flops.analyze(missing)
        self.assertIn("no_such_model.onnx", str(caught.exception))
        self.assertOneLine(caught.exception)

    def test_garbage_bytes(self):
        with self.assertRaises(ValueError) as caught:
            onnx_flops.analyze(b"\xff\xfe this is not an ONNX model \n\x00\x01")
        self.assertIn("<bytes>", str(caught.exception))
        self.assertOneLine(caught.exception)

    def test_garbage_file_is_a_value_error_with_the_cli_message(self):
        with tempfile.NamedTemporaryFile(suffix=".onnx") as f:
            f.write(b"\x0a\xff\xff\xff\xff\x0f")
            f.flush()
            status, _, err = cli(f.name)
            self.assertEqual(status, 2)
            with self.assertRaises(ValueError) as caught:
                onnx_flops.analyze(f.name)
        self.assertEqual("onnx-flops: " + str(caught.exception), err.strip())

    def test_unknown_keyword_names_the_flag(self):
        with self.assertRaises(ValueError) as caught:
            onnx_flops.analyze(TINY_MLP, exampels=10)
        self.assertIn("--exampels", str(caught.exception))
        self.assertOneLine(caught.exception)

    def test_bad_value_has_the_cli_message(self):
        status, _, err = cli(TINY_MLP, "--examples", "-1")
        self.assertEqual(status, 2)
        with self.assertRaises(ValueError) as caught:
            onnx_flops.analyze(TINY_MLP, examples=-1)
        self.assertEqual("onnx-flops: " + str(caught.exception), err.strip())
        with self.assertRaises(ValueError):
            onnx_flops.analyze(TINY_MLP, dims={"batch": 0})
        with self.assertRaises(ValueError):
            onnx_flops.analyze(TINY_MLP, epochs=3)   # needs examples, as on the command line

    def test_output_options_are_refused(self):
        for keyword, value in (("format", "json"), ("batch", True), ("jobs", 2),
                               ("shard", "0/2"), ("list_rules", True), ("help", True)):
            with self.subTest(keyword=keyword):
                with self.assertRaises(ValueError) as caught:
                    onnx_flops.analyze(TINY_MLP, **{keyword: value})
                self.assertIn("--" + keyword.replace("_", "-"), str(caught.exception))

    def test_other_types(self):
        with self.assertRaises(TypeError):
            onnx_flops.analyze(42)
        with self.assertRaises(TypeError):
            onnx_flops.analyze(TINY_MLP, dims=["batch", 8])
        with self.assertRaises(IsADirectoryError):
            onnx_flops.analyze(TESTDATA)


if __name__ == "__main__":
    unittest.main()
