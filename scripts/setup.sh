#!/usr/bin/env bash
# Installs everything bnnc needs (skipping what is present) and builds it.
# Usage: scripts/setup.sh [--no-build]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

APT_PACKAGES=(
  # compiler stack
  llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools clang-22 lld-22
  # sanitizer and libFuzzer runtimes (scripts/sanitize.sh, scripts/fuzz.sh)
  libclang-rt-22-dev
  ninja-build ccache cmake
  # ONNX C++ library
  libonnx-dev libprotobuf-dev protobuf-compiler
  # tests
  libgtest-dev libonnx-testdata
  # test-model generation (Debian's own python3 sees these)
  python3 python3-onnx python3-torch python3-numpy python3-sklearn
  # headless browser for the HTML cost report test (test/compiler/report/html.test)
  chromium
  # reference runtime host
  nodejs
  # cross targets (aarch64, armv7, riscv64): C libraries and GCC start files for linking, and
  # qemu-user to run the programs (docs/targets.md)
  libc6-dev-arm64-cross libc6-dev-armhf-cross libc6-dev-riscv64-cross
  gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf gcc-riscv64-linux-gnu
  qemu-user
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
if ! command -v npm >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q npm
fi

# onnxruntime (reference for the end-to-end tests), from the npm registry. Its install script
# would download a GPU provider; skip it.
if [ ! -f "$root/test/reference/node_modules/onnxruntime-node/package.json" ]; then
  echo "setup: installing onnxruntime-node"
  (cd "$root/test/reference" && ONNXRUNTIME_NODE_INSTALL=skip npm install --no-audit --no-fund --ignore-scripts)
fi

if [ "${1:-}" != "--no-build" ]; then
  build="${BNNC_BUILD_DIR:-$root/build}"
  if [ ! -f "$build/build.ninja" ]; then
    cmake -S "$root" -B "$build" -G Ninja \
      -DCMAKE_BUILD_TYPE=Release \
      -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
      -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit \
      -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
      -DLLVM_USE_LINKER=lld \
      -DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache
  fi
  cmake --build "$build"
fi
