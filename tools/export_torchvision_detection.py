#!/usr/bin/python3
"""Exports four torchvision detectors to weightless ONNX files and writes what
PyTorch's own forward runs in them, for tools/detection_cli_test.cc.

Needs Debian's python3-torch 1.13 / python3-torchvision 0.14 / python3-onnx
(/usr/bin/python3); the build and the test suite do not.

    /usr/bin/python3 tools/export_torchvision_detection.py [--out testdata/detection]
                                                           [--models NAME,NAME]

Each model is built with weights=None, weights_backbone=None (num_classes=91
for SSDlite and RetinaNet; the R-CNNs default to 91) after
torch.manual_seed(0), so nothing is downloaded and the random weights are the
same every run. One image, torch.rand(3, 320, 320) drawn next, is the input:

  <name>.onnx  torch.onnx.export, opset 13, input "image" (3x320x320, the
               model's list of images), saved by weightless.save_weightless:
               tensors of >= 1 KB point at a weights file that is deleted.

The same model and image then run in PyTorch with forward hooks on
nn.Conv2d, nn.ConvTranspose2d and nn.Linear (bias not included):

  Conv2d           2 * numel(out) * Cin/groups * kh * kw
  ConvTranspose2d  2 * numel(in) * Cout/groups * kh * kw
  Linear           2 * rows * in * out

and reference.json gets, per model:

  hook_matmul_flops    the sum: what onnx-flops's forward.matmul_flops
                       must print at the graph's own limits
  hook_by_part         the same split by top-level submodule (backbone, rpn,
                       roi_heads, head)
  proposals            boxes the RPN passed to the box head (two-stage
                       models), and rpn_post_nms_top_n, the graph's limit
  detections           boxes the model returned, and detections_per_img
  mask_rows            rows the mask head ran on (Mask R-CNN)
  limits_reached       whether the heads that run once per row ran on as many
                       rows as the graph allows (box head: proposals ==
                       rpn_post_nms_top_n; mask head: rows ==
                       detections_per_img), so that the hook count is the
                       count at the bounds the ONNX graph sets. True for the
                       single-stage models: nothing after their NMS is a
                       matmul, so their detections (0 for the random
                       RetinaNet) do not change it.
  hand_count           the per-row head arithmetic where a head runs once per
                       proposal or detection: rows x (per-row FLOPs) plus the
                       rest (backbone and RPN convs, from the hooks); the
                       script asserts it adds up to hook_matmul_flops.
                       Single-stage models (SSDlite, RetinaNet) have none:
                       their heads are convolutions over every anchor, the
                       same whatever is detected.

Output is deterministic. The resize inside each model (GeneralizedRCNN-
Transform: min_size 320 for the mobile Faster R-CNN, 800 for the ResNet-50
models; SSD: fixed 320) happens in the graph too, so its input stays
3x320x320.
"""

import json
import os
import sys
import tempfile

import onnx
import torch
import torchvision
from torch import nn

import reference_run
from weightless import save_weightless

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OPSET = 13
IMAGE = (3, 320, 320)
MODELS = (
    "fasterrcnn_mobilenet_v3_large_320_fpn",
    "ssdlite320_mobilenet_v3_large",
    "retinanet_resnet50_fpn",
    "maskrcnn_resnet50_fpn",
)


def build(name):
    kwargs = {"weights": None, "weights_backbone": None}
    if name.startswith(("ssd", "retinanet")):
        kwargs["num_classes"] = 91
    torch.manual_seed(0)
    return getattr(torchvision.models.detection, name)(**kwargs).eval()


# ---------------------------------------------------------------- hooks

def conv_flops(mod, inp, out):
    k = 1
    for d in mod.kernel_size:
        k *= d
    if isinstance(mod, nn.ConvTranspose2d):
        return 2 * inp.numel() * (mod.out_channels // mod.groups) * k
    return 2 * out.numel() * (mod.in_channels // mod.groups) * k


def run_with_hooks(model, image):
    """PyTorch's forward once; matmul FLOPs by top-level part, and the row
    counts of the heads that run per proposal or detection."""
    by_part = {}
    rows = {}
    handles = []

    def count(part):
        def hook(mod, inp, out):
            if isinstance(mod, nn.Linear):
                x = inp[0]
                f = 2 * (x.numel() // x.shape[-1]) * mod.in_features * mod.out_features
            else:
                f = conv_flops(mod, inp[0], out)
            by_part[part] = by_part.get(part, 0) + f
        return hook

    for qual, mod in model.named_modules():
        if isinstance(mod, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
            handles.append(mod.register_forward_hook(count(qual.split(".")[0])))

    def rows_of(key):
        def hook(mod, inp, out):
            rows[key] = int(inp[0].shape[0])
        return hook

    roi = getattr(model, "roi_heads", None)
    if roi is not None:
        handles.append(roi.box_head.register_forward_hook(rows_of("proposals")))
        if getattr(roi, "mask_head", None) is not None:
            handles.append(roi.mask_head.register_forward_hook(rows_of("mask_rows")))
    with torch.no_grad():
        out = model([image])
    for h in handles:
        h.remove()
    rows["detections"] = int(out[0]["boxes"].shape[0])
    return dict(sorted(by_part.items())), rows


# ---------------------------------------------------------------- hand counts

BOX_HEAD = ("2x12544x1024 + 2x1024x1024 + 2x1024x91 + 2x1024x364",
            # TwoMLPHead fc6 (256x7x7 -> 1024), fc7 (1024 -> 1024);
            # FastRCNNPredictor cls_score (1024 -> 91), bbox_pred (1024 -> 4x91)
            2 * 12544 * 1024 + 2 * 1024 * 1024 + 2 * 1024 * 91 + 2 * 1024 * 364)
MASK_HEAD = ("4 x 2x14x14x256x256x9 + 2x14x14x256x256x4 + 2x28x28x256x91",
             # MaskRCNNHeads: four 3x3 convs 256 -> 256 on the 14x14 RoIAlign
             # output; MaskRCNNPredictor: ConvTranspose2d 256 -> 256, kernel 2,
             # stride 2 (14x14 in), then a 1x1 conv 256 -> 91 on 28x28
             4 * 2 * 14 * 14 * 256 * 256 * 9 + 2 * 14 * 14 * 256 * 256 * 4
             + 2 * 28 * 28 * 256 * 91)


def hand_count(name, by_part, rows):
    if "rcnn" not in name:
        return {"none": "single-stage: the head is convolutions over every "
                        "anchor of every level, the same whatever is detected",
                "total": sum(by_part.values())}
    total = sum(by_part.values())
    heads = [("box head", "proposals", BOX_HEAD)]
    if "mask_rows" in rows:
        heads.append(("mask head", "mask_rows", MASK_HEAD))
    head_total = sum(rows[key] * per_row for _, key, (_, per_row) in heads)
    rest = total - head_total
    # Everything else is the backbone, the FPN and the RPN: no Linear, and
    # nothing in roi_heads beyond the heads above.
    assert rest == by_part["backbone"] + by_part["rpn"], (name, rest, by_part)
    text = ["%s %s = %d per row" % (label, formula, per_row)
            for label, _, (formula, per_row) in heads]
    sum_text = " + ".join(["%d" % rest] + ["%d x %d" % (rows[key], per_row)
                                           for _, key, (_, per_row) in heads])
    return {
        "per_row": text,
        "backbone_fpn_rpn": rest,
        "heads": {label: {"rows": rows[key], "per_row": per_row,
                          "flops": rows[key] * per_row}
                  for label, key, (_, per_row) in heads},
        "sum": sum_text + " = %d" % total,
        "total": total,
    }


def limits(model):
    out = {}
    if hasattr(model, "rpn"):
        out["rpn_pre_nms_top_n"] = model.rpn._pre_nms_top_n["testing"]
        out["rpn_post_nms_top_n"] = model.rpn._post_nms_top_n["testing"]
        out["detections_per_img"] = model.roi_heads.detections_per_img
    else:
        out["topk_candidates"] = model.topk_candidates
        out["detections_per_img"] = model.detections_per_img
    return out


# ---------------------------------------------------------------- main

def main():
    args, ref_path, reference = reference_run.start(
        __doc__, os.path.join(REPO_ROOT, "testdata", "detection"), MODELS)
    torch.set_num_threads(max(1, min(8, os.cpu_count() or 1)))

    for name in args.models.split(","):
        model = build(name)
        image = torch.rand(*IMAGE)  # the generator goes on from build's seed
        by_part, rows = run_with_hooks(model, image)
        total = sum(by_part.values())
        lim = limits(model)
        # The matmul count depends on the rows the per-row heads run on: the
        # box head's proposals and the mask head's detections. The single-
        # stage heads are dense over the anchors, whatever is detected.
        reached = True
        if "proposals" in rows:
            reached = rows["proposals"] == lim["rpn_post_nms_top_n"]
        if "mask_rows" in rows:
            reached = reached and rows["mask_rows"] == lim["detections_per_img"]
        if not reached:
            # The hooks then count fewer rows than the graph's bounds allow:
            # no longer the figure onnx-flops gives.
            print("WARNING: %s: limits not reached: %s vs %s" % (name, rows, lim),
                  file=sys.stderr)

        fname = name + ".onnx"
        with tempfile.TemporaryDirectory(prefix="onnx-flops-") as tmp:
            full = os.path.join(tmp, fname)
            torch.onnx.export(model, ([image],), full, opset_version=OPSET,
                              input_names=["image"])
            proto = onnx.load(full)
        size = save_weightless(proto, os.path.join(args.out, fname), name + ".weights")

        reference[name] = {
            "file": fname,
            "opset": OPSET,
            "input": "image %s (one image; the graph adds the batch axis)"
                     % "x".join(map(str, IMAGE)),
            "torch_version": torch.__version__,
            "torchvision_version": torchvision.__version__,
            "onnx_version": onnx.__version__,
            "hook_matmul_flops": total,
            "hook_by_part": by_part,
            "limits": lim,
            "proposals": rows.get("proposals"),
            "detections": rows["detections"],
            "mask_rows": rows.get("mask_rows"),
            "limits_reached": reached,
            "hand_count": hand_count(name, by_part, rows),
            "notes": "expected onnx-flops --format json: forward.matmul_flops == "
                     "hook_matmul_flops (data-dependent sizes at the bounds the graph "
                     "sets, which the rows of this random-weight run reached), "
                     "batch_size 1",
        }
        print("%-40s %20d  proposals %s  detections %d  mask rows %s  %d bytes"
              % (name, total, rows.get("proposals"), rows["detections"],
                 rows.get("mask_rows"), size))

    with open(ref_path, "w") as f:
        json.dump(reference, f, indent=2, sort_keys=True)
        f.write("\n")
    print("wrote", ref_path)


if __name__ == "__main__":
    main()
