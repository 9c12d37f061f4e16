#!/bin/sh
# Analyzes one exported model for CI: writes the JSON report (keep it as an
# artifact: it is next run's baseline) and a Markdown summary, and exits with
# onnx-flops' status: 0 all checks passed, 1 a gate or the baseline failed,
# 2 the model could not be analyzed.
#
#   tools/ci/check_model.sh MODEL.onnx [onnx-flops options...]
#
# Environment:
#   ONNX_FLOPS   the binary (default: onnx-flops on PATH)
#   OUT_DIR      where report.json and report.md go (default: onnx-flops-report)
#   BASELINE     an earlier report.json; compared with when the file exists
#   MAX_INCREASE tolerance of the baseline comparison (default 0%: any growth fails)
#   GITHUB_STEP_SUMMARY  set by GitHub Actions: the Markdown is appended to it
#
# Example, failing past 5% growth or 10 GFLOP per example:
#   BASELINE=ci/baseline.json MAX_INCREASE=5% tools/ci/check_model.sh model.onnx \
#       --max-flops 10G --fail-on-uncounted
set -u
if [ $# -lt 1 ]; then
  echo "usage: $0 MODEL.onnx [onnx-flops options...]" >&2
  exit 2
fi
ONNX_FLOPS=${ONNX_FLOPS:-onnx-flops}
OUT_DIR=${OUT_DIR:-onnx-flops-report}
model=$1
shift
mkdir -p "$OUT_DIR" || exit 2

if [ -n "${BASELINE:-}" ] && [ -f "$BASELINE" ]; then
  # A copy: BASELINE may be the very report.json this run overwrites.
  baseline_copy=$(mktemp) || exit 2
  trap 'rm -f "$baseline_copy"' EXIT
  cp "$BASELINE" "$baseline_copy" || exit 2
  set -- --baseline "$baseline_copy" --max-increase "${MAX_INCREASE:-0%}" "$@"
elif [ -n "${BASELINE:-}" ]; then
  echo "check_model.sh: no baseline at $BASELINE yet (a first run): gates only" >&2
fi

"$ONNX_FLOPS" "$model" --format json "$@" > "$OUT_DIR/report.json"
status=$?
# The same analysis again as Markdown (milliseconds); its stderr repeats the first run's.
"$ONNX_FLOPS" "$model" --format markdown "$@" > "$OUT_DIR/report.md" 2>/dev/null
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  cat "$OUT_DIR/report.md" >> "$GITHUB_STEP_SUMMARY"
fi
case $status in
  0) echo "check_model.sh: $model passed every check (report in $OUT_DIR/)" >&2 ;;
  1) echo "check_model.sh: $model failed a check (see above; report in $OUT_DIR/)" >&2 ;;
  *) echo "check_model.sh: $model could not be analyzed" >&2 ;;
esac
exit $status
