#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test through CTest (the GUI tests under Xvfb
# included). Usage: scripts/test.sh [--sanitize]   (--sanitize: ASan + UBSan build in build-asan/)
set -euo pipefail
source "$(dirname "$0")/common.sh"

cmake_args=(-DAX_BUILD_TESTS=ON -DAX_BUILD_BENCH=ON -DAX_BUILD_GUI=ON)
if [ "${1:-}" = "--sanitize" ]; then
  AX_BUILD_DIR=$AX_ROOT/build-asan
  cmake_args=(-DAX_BUILD_TESTS=ON -DAX_BUILD_GUI=ON -DAX_SANITIZE=ON -DAX_BUILD_BENCH=OFF)
  export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
fi

ax_install_packages "${AX_BUILD_PACKAGES[@]}" "${AX_TEST_PACKAGES[@]}"
if [ "${1:-}" = "" ] && command -v clang++ >/dev/null 2>&1; then
  # clang is here: build the fuzz targets too, and ctest runs each for ~20 s (fuzz_smoke_*).
  ax_install_packages "${AX_FUZZ_PACKAGES[@]}"
  ax_build_fuzzers
  cmake_args+=(-DAX_FUZZ_BINARY_DIR="$AX_FUZZ_DIR/bin")
fi
ax_build "${cmake_args[@]}"
echo "== running the tests"
cd "$AX_BUILD_DIR"
ctest --output-on-failure -j "$(nproc)"
