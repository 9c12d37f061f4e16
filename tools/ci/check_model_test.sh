#!/bin/sh
# ctest for check_model.sh: exit statuses, the files it writes, and a baseline
# that is the report it overwrites.   check_model_test.sh ONNX_FLOPS TESTDATA
set -u
export ONNX_FLOPS=$1
testdata=$2
script=$(cd "$(dirname "$0")" && pwd)/check_model.sh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
failures=0
expect() {  # expect STATUS DESCRIPTION -- command...
  want=$1; what=$2; shift 3
  "$@" > out.txt 2> err.txt
  got=$?
  if [ "$got" != "$want" ]; then
    echo "FAIL: $what: exit $got, wanted $want"; cat err.txt; failures=$((failures + 1))
  else
    echo "ok: $what (exit $got)"
  fi
}
model=$testdata/tiny_mlp.onnx   # 407,100 FLOP per example

expect 0 "gates pass" -- sh "$script" "$model" --max-flops 407100
[ -s onnx-flops-report/report.json ] && [ -s onnx-flops-report/report.md ] ||
  { echo "FAIL: report.json and report.md were not written"; failures=$((failures + 1)); }
grep -q '"flops": 407100' onnx-flops-report/report.json ||
  { echo "FAIL: report.json lacks the forward FLOPs"; failures=$((failures + 1)); }
expect 1 "gate fails" -- sh "$script" "$model" --max-flops 407099
grep -q "gate --max-flops failed" err.txt ||
  { echo "FAIL: no gate line on stderr"; failures=$((failures + 1)); }

# The report just written is the next run's baseline, in place.
sh "$script" "$model" > /dev/null 2>&1
expect 0 "same model against its baseline" -- env BASELINE=onnx-flops-report/report.json sh "$script" "$model"
expect 1 "batch 2 is +100%" -- env BASELINE=onnx-flops-report/report.json MAX_INCREASE=5% sh "$script" "$model" --dim batch=2
grep -q "over the 5% tolerance" err.txt ||
  { echo "FAIL: no baseline line on stderr"; failures=$((failures + 1)); }
expect 0 "no baseline yet: gates only" -- env BASELINE=missing.json sh "$script" "$model"
expect 2 "a missing model" -- sh "$script" "$work/none.onnx"
summary=$work/summary.md
expect 0 "step summary" -- env GITHUB_STEP_SUMMARY="$summary" sh "$script" "$model"
grep -q "### onnx-flops" "$summary" || { echo "FAIL: no step summary"; failures=$((failures + 1)); }
[ $failures = 0 ] && echo "check_model.sh: all cases pass"
exit $failures
