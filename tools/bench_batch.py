#!/usr/bin/python3
"""Batch-mode benchmark: models per second for --jobs 1 and --jobs N, and
peak memory, on a zoo of 1,100+ models.

    python3 tools/bench_batch.py [--binary build/onnx-flops] [--zoo DIR] [--jobs N]

The zoo is built on demand (never committed) from copies of:
  - every testdata/**/*.onnx (hand-count models, torchvision, transformers,
    RNN exports, contrib ops, and the deliberately broken testdata/bad/),
  - the 1,072 models of Debian's libonnx-testdata (/usr/share/libonnx-testdata),
  - a few corrupt files made here: truncated copies, an empty file, text.
Each run's peak RSS is the child's own (os.wait4), not the script's. The
doubled zoo (every model twice) shows whether memory grows with the count.
Needs only the Python standard library.
"""
import argparse
import os
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LIBONNX = "/usr/share/libonnx-testdata"


def build_zoo(zoo, copies):
    if os.path.isdir(zoo):
        shutil.rmtree(zoo)
    sources = []  # (path, name in the zoo)
    for base, label in ((os.path.join(ROOT, "testdata"), "testdata"), (LIBONNX, "libonnx")):
        for dirpath, _, files in os.walk(base):
            for f in sorted(files):
                if f.endswith(".onnx"):
                    src = os.path.join(dirpath, f)
                    sources.append((src, os.path.join(label, os.path.relpath(src, base))))
    sources.sort()
    n = 0
    for copy in range(copies):
        for src, name in sources:
            dst = os.path.join(zoo, f"copy{copy}", name)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copyfile(src, dst)
            n += 1
        corrupt = os.path.join(zoo, f"copy{copy}", "corrupt")
        os.makedirs(corrupt, exist_ok=True)
        for j, (src, _) in enumerate(sources[:: max(1, len(sources) // 4)][:4]):
            data = open(src, "rb").read()
            with open(os.path.join(corrupt, f"truncated{j}.onnx"), "wb") as out:
                out.write(data[: len(data) // 2])
        open(os.path.join(corrupt, "empty.onnx"), "wb").close()
        with open(os.path.join(corrupt, "text.onnx"), "w") as out:
            out.write("not a model\n")
        n += 6
    return n


GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


def run(binary, zoo, jobs, fmt="jsonl"):
    """Peak RSS through GNU time when present: a child spawned by Python
    inherits the interpreter's RSS high-water mark in its own ru_maxrss (see
    bench_scale.py's run()), a floor of about 10 MB here."""
    cmd = [binary, zoo, "--format", fmt, "--jobs", str(jobs), "--no-progress"]
    rss_file = os.path.join(os.path.dirname(zoo.rstrip("/")) or ".", "onnx-flops-bench-rss.txt")
    if GNU_TIME:
        cmd = [GNU_TIME, "-f", "%M", "-o", rss_file] + cmd
    start = time.monotonic()
    with open(os.devnull, "wb") as devnull:
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=devnull)
        out = p.stdout.read()
        _, status, usage = os.wait4(p.pid, 0)
    seconds = time.monotonic() - start
    kb = usage.ru_maxrss
    if GNU_TIME:
        with open(rss_file) as f:
            kb = int(f.read().split()[-1])  # after "Command exited with non-zero status 2"
        os.remove(rss_file)
    return out, os.waitstatus_to_exitcode(status), seconds, kb / 1024.0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--binary", default=os.path.join(ROOT, "build", "onnx-flops"))
    ap.add_argument("--zoo", default="/tmp/onnx-flops-bench-zoo")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()
    if not os.access(args.binary, os.X_OK):
        sys.exit(f"bench_batch.py: {args.binary} is not built (cmake --build build)")
    if not os.path.isdir(LIBONNX):
        print(f"note: {LIBONNX} is missing (apt-get install libonnx-testdata); "
              "the zoo has only testdata/", file=sys.stderr)

    models = build_zoo(args.zoo, 1)
    print(f"zoo: {models} files in {args.zoo} ({os.cpu_count()} cores)")
    rows = {}
    for jobs in sorted({1, args.jobs}):
        run(args.binary, args.zoo, jobs)  # warm the page cache
        out, code, seconds, rss = run(args.binary, args.zoo, jobs)
        lines = out.count(b"\n")
        rows[jobs] = out
        print(f"--jobs {jobs:<3} {seconds:6.2f} s  {models / seconds:8.0f} models/s  "
              f"peak RSS {rss:6.1f} MB  rows {lines}  exit {code}")
    if len(rows) > 1:
        same = len({r for r in rows.values()}) == 1
        print(f"rows identical across --jobs: {'yes' if same else 'NO'}")

    doubled = build_zoo(args.zoo + "-x2", 2)
    run(args.binary, args.zoo + "-x2", args.jobs)
    _, code, seconds, rss = run(args.binary, args.zoo + "-x2", args.jobs)
    print(f"doubled zoo, {doubled} files, --jobs {args.jobs}: {seconds:.2f} s  "
          f"{doubled / seconds:.0f} models/s  peak RSS {rss:.1f} MB")
    shutil.rmtree(args.zoo + "-x2")


if __name__ == "__main__":
    main()
