#!/usr/bin/env bash
# Shared by run.sh and test.sh: the Debian packages the project needs, an installer that only
# calls apt when something is missing, and the build. Source it; do not run it.

AX_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Each script sets AX_BUILD_DIR, its own build directory (run.sh: build-run/, test.sh: build/,
# build-asan/ or build-tsan/), so one never reconfigures another's with opposite settings.

# Build and run the app and the command line.
AX_BUILD_PACKAGES=(
  cmake g++ make pkg-config
  libeigen3-dev libmuparser-dev nlohmann-json3-dev libcli11-dev libzip-dev
  libimgui-dev libstb-dev libglfw3-dev python3-glad
  pybind11-dev python3-dev  # the attention_explorer Python module (app/python)
  libgl1-mesa-dri libglx-mesa0 fonts-dejavu-core
  xvfb xauth
)
# Tests and benchmarks: GoogleTest, Google Benchmark, NumPy for the oracle, X tools for GUI tests,
# PyTorch for tools/export_attention.py's test (and bench/compare_torch.py), zlib for the tests'
# hostile zip archives (tests/support/zip_writer.hpp).
AX_TEST_PACKAGES=(
  libgtest-dev libbenchmark-dev python3 python3-numpy python3-torch python3-pytest
  xdotool clang-format zlib1g-dev
  bible-kjv bible-kjv-text  # the corpus of the tiny language models (tools/train_tiny_lm.py)
)

# Fuzzing (scripts/fuzz.sh, and the fuzz smoke tests of test.sh when clang is present): clang and
# its runtime libraries (libFuzzer, ASan, UBSan).
AX_FUZZ_PACKAGES=(clang libclang-rt-14-dev)
AX_FUZZ_DIR=${AX_FUZZ_DIR:-$AX_ROOT/build-fuzz}

ax_missing_packages() {
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"
  done
}

ax_install_packages() {
  if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "note: not a Debian system; assuming the packages are installed: $*" >&2
    return 0
  fi
  local missing
  missing=$(ax_missing_packages "$@" | tr '\n' ' ')
  if [ -z "${missing// /}" ]; then
    echo "== all $# Debian packages present, skipping apt"
    return 0
  fi
  echo "== installing missing Debian packages: $missing"
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo=(sudo)
    else
      echo "error: missing Debian packages: $missing" >&2
      echo "error: run this script as root, or install them first with:" >&2
      echo "error:   sudo apt-get install -y $missing" >&2
      exit 1
    fi
  fi
  # shellcheck disable=SC2086
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  # shellcheck disable=SC2086
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
}

# Configures and builds AX_BUILD_DIR with the CMake options given.
ax_build() {
  echo "== configuring and building in $AX_BUILD_DIR"
  cmake -S "$AX_ROOT" -B "$AX_BUILD_DIR" -DCMAKE_BUILD_TYPE=Release "$@"
  cmake --build "$AX_BUILD_DIR" -j "$(nproc)"
}

# The fuzz targets, in their own clang build (only the libraries they need are built).
ax_build_fuzzers() {
  echo "== building the fuzz targets with clang in $AX_FUZZ_DIR"
  cmake -S "$AX_ROOT" -B "$AX_FUZZ_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang \
    -DCMAKE_CXX_COMPILER=clang++ -DAX_FUZZ=ON -DAX_BUILD_TESTS=OFF -DAX_BUILD_BENCH=OFF -DAX_BUILD_GUI=OFF >/dev/null
  cmake --build "$AX_FUZZ_DIR" --target ax_fuzzers -j "$(nproc)"
}
