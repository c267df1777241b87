#!/usr/bin/env bash
# Installs what is missing, builds, and runs a short demonstration of the engine on the command
# line: generate data, then show which methods keep their weights when every score is shifted.
set -euo pipefail
source "$(dirname "$0")/common.sh"

ax_install_packages "${AX_BUILD_PACKAGES[@]}"
ax_build -DAX_BUILD_TESTS=OFF -DAX_BUILD_BENCH=OFF

cli=$AX_BUILD_DIR/bin/attention-cli
demo=$(mktemp -d)
"$cli" generate --kind gaussian --n 32 --d 16 --seed 1 --out "$demo/x.npy"
echo
echo "== Adding the same constant M to every dot product (32 random vectors, d = 16, alpha = 1/4):"
"$cli" invariance --input "$demo/x.npy" --score dot --alpha 0.25 --double \
  --methods exp,relu,softplus,sigmoid,linear,exp-plus:1,sparsemax --shifts 0.1,1,10
echo
echo "exp (softmax) keeps its weights to machine precision; the other ratio forms F / sum F move."
echo "More: $cli --help"
rm -rf "$demo"
