#!/usr/bin/env bash
# Installs what is missing, builds, and starts Attention Explorer. With no display it renders the
# app under a virtual display (xvfb-run), saves a screenshot and says where it is.
# Arguments are passed to the app, e.g.  scripts/run.sh --scenario my.json  (the app refuses an
# option it does not know, and run.sh then exits with its status). It builds in build-run/ (the app
# and the command line only); scripts/test.sh keeps build/, so neither reconfigures the other's.
set -euo pipefail
source "$(dirname "$0")/common.sh"
AX_BUILD_DIR=$AX_ROOT/build-run

ax_install_packages "${AX_BUILD_PACKAGES[@]}"
ax_build -DAX_BUILD_TESTS=OFF -DAX_BUILD_BENCH=OFF -DAX_BUILD_GUI=ON

app=$AX_BUILD_DIR/bin/attention-explorer
if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
  exec "$app" "$@"
fi

shot=$AX_BUILD_DIR/attention-explorer.png
args=("$@")
# With nothing asked for, show the scene a first start shows: every score shifted by M = 1.
[ ${#args[@]} -eq 0 ] && args=(--scenario "$AX_ROOT/assets/scenarios/welcome.json")
echo "== no display: rendering the app under a virtual X display (xvfb-run)"
xvfb-run -a -s "-screen 0 1280x800x24" "$app" --frames 60 --screenshot "$shot" "${args[@]}"
echo "== screenshot of the app: $shot"
echo "To use it interactively, run on a machine with a display:   $app"
echo "Headless alternatives:"
echo "  xvfb-run -a $app --scenario S.json --frames 60 --screenshot out.png   (pictures for slides)"
echo "  $AX_BUILD_DIR/bin/attention-cli --help                                 (the engine on the command line)"
