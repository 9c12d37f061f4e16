"""onnx_flops: the FLOP count and training compute of an ONNX model, from Python.

    import onnx_flops
    report = onnx_flops.analyze("model.onnx", dims={"batch": 8}, examples=1281167, epochs=90)
    report["forward"]["flops"], report["training"]["flops"]

The report is the command line's JSON (`onnx-flops MODEL --format json`) as a
dict, field for field, so its documentation is proto/report.proto and
docs/json.md. Keywords are the command line's flags: `examples=1.28e6` is
`--examples 1.28e6`, `per_node=True` is `--per-node`, `frozen=["emb*"]` is
`--frozen emb*`, repeated once per item of a list; `values={"sr": 16000}` is
`--value sr=16000` (a list gives several values). They are parsed
by the same C++ parser as the flags, so the values, defaults and error
messages are the same.
"""

import json
import os

from . import _onnx_flops

__all__ = ["analyze", "analyze_json", "statement", "html", "__version__"]
__version__ = _onnx_flops.__version__

# Flags that choose what the command line prints or which files it reads, not
# what the report holds: a dict has no format, and analyze takes one model.
_NOT_FOR_ONE_REPORT = frozenset({
    "format", "statement_style", "batch", "jobs", "j", "shard", "files_from",
    "no_progress", "list_rules", "list_hardware", "help", "h", "version",
})


def _flag(keyword):
    if not keyword.isidentifier():
        raise ValueError(f"'{keyword}' is not an option name")
    if keyword in _NOT_FOR_ONE_REPORT:
        raise ValueError(
            f"--{keyword.replace('_', '-')} is for the command line: onnx_flops.analyze "
            "returns one model's report as a dict (analyze_json returns it as JSON text)")
    return "--" + keyword.replace("_", "-")


def _pairs(keyword, mapping):
    try:
        return list(mapping.items())
    except AttributeError:
        raise TypeError(f"{keyword} must be a dict, got {type(mapping).__name__}") from None


def _shape(dims):
    if isinstance(dims, str):
        return dims
    return "x".join(str(d) for d in dims)


def _argv(dims, inputs, loop_trips, options):
    # "--flag=value" keeps a value that starts with "--" from reading as a flag.
    argv = ["onnx-flops"]
    for name, value in _pairs("dims", dims or {}):
        argv.append(f"--dim={name}={value}")
    for name, shape in _pairs("inputs", inputs or {}):
        argv.append(f"--input={name}={_shape(shape)}")
    for node, trips in _pairs("loop_trips", loop_trips or {}):
        argv.append(f"--loop-trips={node}={trips}")
    # values={"sr": 16000} or {"ids": [1, 2]}: --value NAME=V[,V...].
    options = dict(options)
    for name, value in _pairs("values", options.pop("values", None) or {}):
        items = value if isinstance(value, (list, tuple)) else [value]
        argv.append(f"--value={name}={','.join(str(v) for v in items)}")
    for keyword, value in options.items():
        flag = _flag(keyword)
        if value is None or value is False:
            continue
        if value is True:
            argv.append(flag)
        elif isinstance(value, (list, tuple)):
            argv.extend(f"{flag}={v}" for v in value)
        else:
            argv.append(f"{flag}={value}")
    return argv


def _model(model):
    """(path or name, serialized bytes or None)."""
    if isinstance(model, (str, os.PathLike)):
        path = os.fspath(model)
        if isinstance(path, bytes):
            path = os.fsdecode(path)
        if os.path.isdir(path):
            raise IsADirectoryError(
                f"{path}: is a directory (analyze takes one model; the command line's batch "
                "mode takes directories)")
        return path, None
    if isinstance(model, bytes):
        return "<bytes>", model
    if isinstance(model, (bytearray, memoryview)):
        # A copy: the analysis runs without the GIL, and bytes cannot change under it.
        return "<bytes>", bytes(model)
    if hasattr(model, "SerializeToString"):
        return "<ModelProto>", model.SerializeToString()
    raise TypeError("model must be a path, bytes, or an onnx.ModelProto, got "
                    f"{type(model).__name__}")


def analyze_json(model, dims=None, inputs=None, loop_trips=None, **options):
    """The report as the command line's JSON text (`--format json`), pretty-printed.

    Takes the same arguments as analyze(). The text is what the command line
    prints for the same model and flags. Its command_line is the equivalent
    command (empty for a model given in memory, whose model.path is "<bytes>"
    or "<ModelProto>").
    """
    path, data = _model(model)
    argv = _argv(dims, inputs, loop_trips, options) + ["--", path]
    return _onnx_flops.analyze_json(argv, data, True)


def analyze(model, dims=None, inputs=None, loop_trips=None, **options):
    """Counts the FLOPs of one forward pass and estimates training compute.

    model: a path (str or os.PathLike), the serialized model (bytes,
        bytearray, memoryview) or an onnx.ModelProto (anything with
        SerializeToString).
    dims: symbolic dims to bind, {"batch": 8} (--dim batch=8).
    inputs: whole input shapes, {"x": [1, 3, 224, 224]} (--input x=1x3x224x224).
    loop_trips: trip counts of Loops, {"node": 10} (--loop-trips node=10).
    options: any other flag of the command line, with underscores for dashes:
        examples=1281167, epochs=90, backward="per-op", frozen=["emb*"],
        hardware="A100", chips=8, hours=24, per_node=True, sha256=True,
        max_flops="4.1G", baseline="old.json", max_increase="5%", ...
        True gives a bare flag, False or None leaves it out, a list repeats it.

    Returns the report as a dict with the fields of the command line's JSON.
    Gates (max_flops, max_training_flops, max_params, fail_on_uncounted,
    baseline) are applied and their results are in report["gates"] and
    report["baseline"]; a failed gate does not raise.

    Raises ValueError for a bad option or a model that cannot be read as ONNX,
    FileNotFoundError for a missing file, TypeError for a model of another
    type, RuntimeError for anything else. Messages are the command line's
    one-line messages.
    """
    path, data = _model(model)
    argv = _argv(dims, inputs, loop_trips, options) + ["--", path]
    return json.loads(_onnx_flops.analyze_json(argv, data, False))


def statement(model, style="markdown", dims=None, inputs=None, loop_trips=None, **options):
    """The compute statement (`--format statement`) as text, for a paper or a
    model card: style "markdown" or "latex". Takes analyze()'s arguments; the
    model file's SHA-256 is always included (for a model in memory, of its
    bytes)."""
    if style not in ("markdown", "latex"):
        raise ValueError(f"style {style!r}: 'markdown' or 'latex'")
    path, data = _model(model)
    argv = _argv(dims, inputs, loop_trips, options)
    argv += ["--format=statement", f"--statement-style={style}", "--", path]
    return _onnx_flops.analyze_json(argv, data, False)


def html(model, dims=None, inputs=None, loop_trips=None, **options):
    """The self-contained HTML report (`--format html`) as text: write it to a
    file, or show it in a notebook with IPython.display.HTML."""
    path, data = _model(model)
    argv = _argv(dims, inputs, loop_trips, options) + ["--format=html", "--", path]
    return _onnx_flops.analyze_json(argv, data, False)
