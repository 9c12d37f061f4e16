#!/bin/sh
# Runs the libFuzzer target fuzz/model_fuzzer for SECONDS on a corpus seeded
# from every testdata/**/*.onnx. Build it first (clang, see fuzz/CMakeLists.txt):
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
ARTIFACTS=$WORK/artifacts
mkdir -p "$CORPUS" "$SEEDS" "$ARTIFACTS"
# Seeds are refreshed every run (testdata may have grown); each file is named by
# its path so two models called model.onnx do not collide.
# Sorted, so that a run with a fixed -seed reads the seeds in the same order
# on every machine.
find "$SRC/testdata" -name '*.onnx' -type f | LC_ALL=C sort | while read -r f; do
  rel=${f#"$SRC/testdata/"}
  cp "$f" "$SEEDS/$(printf '%s' "$rel" | tr '/' '_')"
done

# The largest seed sets -max_len: libFuzzer's default (4096) would cut every
# real model down to its first few kilobytes.
MAX_LEN=$(find "$SEEDS" -type f -exec stat -c %s {} + | sort -n | tail -1)
MAX_LEN=$((MAX_LEN + 4096))

DICT_ARG=""
if [ -f "$SRC/fuzz/onnx.dict" ]; then DICT_ARG="-dict=$SRC/fuzz/onnx.dict"; fi

# A UBSan report without a stack says only which header line tripped.
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"

before=$(find "$ARTIFACTS" -type f | wc -l)
status=0
# New inputs go to CORPUS (the first directory); SEEDS is read only.
# shellcheck disable=SC2086
"$FUZZER" "$CORPUS" "$SEEDS" $DICT_ARG \
  -max_total_time="$SECONDS_TO_RUN" -rss_limit_mb=2048 -timeout=10 -max_len="$MAX_LEN" \
  -artifact_prefix="$ARTIFACTS/" -print_final_stats=1 "$@" || status=$?
after=$(find "$ARTIFACTS" -type f | wc -l)

echo "corpus: $(find "$CORPUS" -type f | wc -l) files; artifacts: $after ($((after - before)) new)" >&2
if [ "$status" -ne 0 ] || [ "$after" -gt "$before" ]; then
  echo "$0: the fuzzer found a problem (exit $status); inputs in $ARTIFACTS" >&2
  exit 1
fi
