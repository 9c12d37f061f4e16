#!/bin/sh
# Runs the libFuzzer target fuzz/model_fuzzer for SECONDS on a corpus seeded
# from every testdata/**/*.onnx and, when shared/ lies beside the repository
# (../shared, as on CI), onnxruntime's test models (shared/data/ort-testdata,
# those up to 1 MiB). Before exploring, every past find in testdata/fuzz/ is
# replayed once, and a crash there fails the run at once: a regression shows
# as that file, not as a lucky draw. Mutations are structure-aware (the
# target's LLVMFuzzerCustomMutator, fuzz/model_mutator.h), with libFuzzer's
# byte mutations one time in four.
# Build it first (clang, see fuzz/CMakeLists.txt):
#   cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++ -DONNX_FLOPS_FUZZ=ON -DONNX_FLOPS_TESTS=OFF
#   cmake --build build-fuzz --target model_fuzzer
# The corpus and crash artifacts live under BUILD_DIR/fuzz-work (never in the
# source tree), so a later run resumes from what the earlier ones found. Exits
# non-zero when the fuzzer found a crash, leak, timeout or out-of-memory input;
# those are in BUILD_DIR/fuzz-work/artifacts/. Extra arguments go to libFuzzer.
#
# usage: tools/run_fuzzer.sh SECONDS [BUILD_DIR] [libFuzzer flags...]
set -eu
if [ $# -lt 1 ]; then
  echo "usage: $0 SECONDS [BUILD_DIR] [libFuzzer flags...]" >&2
  exit 2
fi
SECONDS_TO_RUN=$1
shift
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$SRC/build-fuzz}
[ $# -ge 1 ] && shift
FUZZER=$BUILD/fuzz/model_fuzzer
if [ ! -x "$FUZZER" ]; then
  echo "$0: no fuzzer at $FUZZER: build the model_fuzzer target first" >&2
  exit 2
fi

WORK=$BUILD/fuzz-work
CORPUS=$WORK/corpus
SEEDS=$WORK/seeds
ORT_SEEDS=$WORK/ort-seeds
ARTIFACTS=$WORK/artifacts
mkdir -p "$CORPUS" "$SEEDS" "$ARTIFACTS"

# A UBSan report without a stack says only which header line tripped.
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"

# Replay: each past find runs once, as a plain input (libFuzzer runs files
# named on its command line one by one and stops at the first crash). The
# log is kept; its tail is shown when one fails.
REPLAY_LOG=$WORK/replay.log
replay_files=$(find "$SRC/testdata/fuzz" -type f -name '*.onnx' | LC_ALL=C sort)
if [ -n "$replay_files" ]; then
  replay_count=$(printf '%s\n' "$replay_files" | wc -l)
  # shellcheck disable=SC2086
  if ! "$FUZZER" -rss_limit_mb=2048 -timeout=10 -artifact_prefix="$WORK/replay-" $replay_files \
    >"$REPLAY_LOG" 2>&1; then
    tail -n 60 "$REPLAY_LOG" >&2
    echo "$0: replaying testdata/fuzz/ crashed (full log: $REPLAY_LOG)" >&2
    exit 1
  fi
  echo "replay: $replay_count past finds from testdata/fuzz/ ran without a crash" >&2
fi

# Seeds are refreshed every run (testdata may have grown); each file is named by
# its path so two models called model.onnx do not collide.
# Sorted, so that a run with a fixed -seed reads the seeds in the same order
# on every machine.
find "$SRC/testdata" -name '*.onnx' -type f | LC_ALL=C sort | while read -r f; do
  rel=${f#"$SRC/testdata/"}
  cp "$f" "$SEEDS/$(printf '%s' "$rel" | tr '/' '_')"
done

# onnxruntime's test models, when shared/ is beside the repository: a corpus
# no one here wrote (contrib ops, old opsets, quantized and training graphs).
# Read only, like SEEDS; the few over 1 MiB are left out.
ORT=$SRC/../shared/data/ort-testdata
ORT_ARG=""
if [ -d "$ORT" ]; then
  mkdir -p "$ORT_SEEDS"
  find "$ORT" -name '*.onnx' -type f -size -1025k | LC_ALL=C sort | while read -r f; do
    rel=${f#"$ORT/"}
    cp "$f" "$ORT_SEEDS/$(printf '%s' "$rel" | tr '/' '_')"
  done
  ORT_ARG=$ORT_SEEDS
fi

# The largest seed sets -max_len: libFuzzer's default (4096) would cut every
# real model down to its first few kilobytes.
# shellcheck disable=SC2086
MAX_LEN=$(find "$SEEDS" $ORT_ARG -type f -exec stat -c %s {} + | sort -n | tail -1)
MAX_LEN=$((MAX_LEN + 4096))

DICT_ARG=""
if [ -f "$SRC/fuzz/onnx.dict" ]; then DICT_ARG="-dict=$SRC/fuzz/onnx.dict"; fi

before=$(find "$ARTIFACTS" -type f | wc -l)
status=0
# New inputs go to CORPUS (the first directory); SEEDS and ORT_SEEDS are read only.
# shellcheck disable=SC2086
"$FUZZER" "$CORPUS" "$SEEDS" $ORT_ARG $DICT_ARG \
  -max_total_time="$SECONDS_TO_RUN" -rss_limit_mb=2048 -timeout=10 -max_len="$MAX_LEN" \
  -artifact_prefix="$ARTIFACTS/" -print_final_stats=1 "$@" || status=$?
after=$(find "$ARTIFACTS" -type f | wc -l)

echo "corpus: $(find "$CORPUS" -type f | wc -l) files; artifacts: $after ($((after - before)) new)" >&2
if [ "$status" -ne 0 ] || [ "$after" -gt "$before" ]; then
  echo "$0: the fuzzer found a problem (exit $status); inputs in $ARTIFACTS" >&2
  exit 1
fi
