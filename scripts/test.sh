#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test through CTest (the GUI tests under Xvfb
# included). Usage: scripts/test.sh [--sanitize | --tsan]
#   (none):     everything in build/ (binaries in build/bin/), every test; with clang, the fuzz targets too
#   --sanitize: ASan + UBSan build of everything in build-asan/, every test
#   --tsan:     ThreadSanitizer build in build-tsan/: the core, model, controller, lesson and service stress tests
# Any other argument is an error, found before anything is installed or built.
set -euo pipefail

usage="usage: scripts/test.sh [--sanitize | --tsan]"
mode=default
case $# in
  0) ;;
  1)
    case $1 in
      --sanitize) mode=sanitize ;;
      --tsan) mode=tsan ;;
      -h | --help)
        echo "$usage"
        exit 0
        ;;
      *)
        echo "error: unknown option '$1'" >&2
        echo "$usage" >&2
        exit 2
        ;;
    esac
    ;;
  *)
    echo "error: at most one option, got $#: $*" >&2
    echo "$usage" >&2
    exit 2
    ;;
esac

source "$(dirname "$0")/common.sh"
# test.sh's own build directory (run.sh keeps build-run/, so neither reconfigures the other's).
AX_BUILD_DIR=$AX_ROOT/build

if [ "$mode" = tsan ]; then
  AX_BUILD_DIR=$AX_ROOT/build-tsan
  ax_install_packages "${AX_BUILD_PACKAGES[@]}" "${AX_TEST_PACKAGES[@]}"
  tsan_tests=(core_tests gui_model_tests gui_controller_tests lesson_tests service_stress_tests)
  echo "== configuring and building ${tsan_tests[*]} with ThreadSanitizer in $AX_BUILD_DIR"
  cmake -S "$AX_ROOT" -B "$AX_BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAX_TSAN=ON -DAX_BUILD_TESTS=ON \
    -DAX_BUILD_GUI=ON -DAX_BUILD_BENCH=OFF
  cmake --build "$AX_BUILD_DIR" -j "$(nproc)" --target "${tsan_tests[@]}"
  export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}
  for t in "${tsan_tests[@]}"; do
    echo "== $t under ThreadSanitizer"
    "$AX_BUILD_DIR/bin/$t" --gtest_brief=1
  done
  exit 0
fi

cmake_args=(-DAX_BUILD_TESTS=ON -DAX_BUILD_BENCH=ON -DAX_BUILD_GUI=ON)
if [ "$mode" = sanitize ]; then
  AX_BUILD_DIR=$AX_ROOT/build-asan
  cmake_args=(-DAX_BUILD_TESTS=ON -DAX_BUILD_GUI=ON -DAX_SANITIZE=ON -DAX_BUILD_BENCH=OFF)
  export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
fi

ax_install_packages "${AX_BUILD_PACKAGES[@]}" "${AX_TEST_PACKAGES[@]}"
if [ "$mode" = default ] && command -v clang++ >/dev/null 2>&1; then
  # clang is here: build the fuzz targets too, and ctest runs each for ~20 s (fuzz_smoke_*).
  ax_install_packages "${AX_FUZZ_PACKAGES[@]}"
  ax_build_fuzzers
  cmake_args+=(-DAX_FUZZ_BINARY_DIR="$AX_FUZZ_DIR/bin")
fi
ax_build "${cmake_args[@]}"
echo "== running the tests"
cd "$AX_BUILD_DIR"
ctest --output-on-failure -j "$(nproc)"
