"""The command line and the reference.json that the torchvision export
scripts share (validate_torchvision.py, export_torchvision_detection.py)."""
import argparse
import json
import os


def start(doc, default_out, default_models):
    """Parses --out and --models, creates --out, and returns (args, the
    path of its reference.json, the entries already there: models not re-run
    keep theirs)."""
    parser = argparse.ArgumentParser(description=doc.split("\n")[0])
    parser.add_argument("--out", default=default_out)
    parser.add_argument("--models", default=",".join(default_models))
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    ref_path = os.path.join(args.out, "reference.json")
    reference = {}
    if os.path.exists(ref_path):
        with open(ref_path) as f:
            reference = json.load(f)
    return args, ref_path, reference
