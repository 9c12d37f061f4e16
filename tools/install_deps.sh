#!/bin/sh
# Installs the Debian 12 packages onnx-flops builds and tests with.
# Runs apt-get directly as root, through sudo otherwise.
set -eu
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
# libssl-dev: SHA-256 of model files. python3-dev and pybind11-dev: the Python
# module (-DONNX_FLOPS_PYTHON=ON). clang and libclang-rt-14-dev build the
# libFuzzer target (fuzz/, .ci/run).
PACKAGES="cmake make g++ libonnx-dev libprotobuf-dev protobuf-compiler libabsl-dev libgtest-dev libonnx-testdata libssl-dev python3-dev pybind11-dev clang libclang-rt-14-dev"
missing=""
for p in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "installing:$missing" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
