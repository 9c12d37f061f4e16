#!/bin/sh
# Sets onnx-flops up on Debian 12: the packages (tools/install_deps.sh), a
# build with the Python module, and an install of both: the binary in
# /usr/local/bin, the module where `python3` imports from (its platlib).
# Through sudo when not root.
set -eu
cd "$(dirname "$0")/.."
tools/install_deps.sh
cmake -S . -B build -DONNX_FLOPS_PYTHON=ON >/dev/null
cmake --build build -j"$(nproc)"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO cmake --install build >/dev/null
