#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with clang, ASan and UBSan (in build-fuzz/) and runs each
# for SECONDS (default 60) over its seed corpus. New crashes are kept in fuzz/findings/TARGET/ as
# the input (crash-*, leak-*, timeout-*, oom-*) and its stack trace (the same name + .log).
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]     (AX_FUZZ_JOBS=2 runs two targets at a time)
set -euo pipefail
source "$(dirname "$0")/common.sh"

seconds=${1:-60}
shift || true
ax_install_packages "${AX_BUILD_PACKAGES[@]}" "${AX_FUZZ_PACKAGES[@]}"
ax_build_fuzzers

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for exe in "$AX_FUZZ_DIR"/bin/fuzz_*; do targets+=("$(basename "$exe" | sed 's/^fuzz_//')"); done
fi

# One target: runs until its time is spent, restarting after each crash so one finding does not
# end the search. Prints "target minutes executions coverage findings".
run_target() {
  local name=$1 seconds=$2 root=$3 dir=$4
  local findings=$root/fuzz/findings/$name work=$dir/corpus/$name log=$dir/logs/$name.log
  mkdir -p "$findings" "$work" "$dir/logs"
  : >"$log"
  local start end now runs=0 cov=0 found=0
  start=$(date +%s)
  end=$((start + seconds))
  while now=$(date +%s); [ "$now" -lt "$end" ]; do
    local run_log=$dir/logs/$name.run.log
    nice -n 19 "$dir/bin/fuzz_$name" -max_total_time=$((end - now)) -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$findings/" "$work" "$root/fuzz/corpus/$name" >"$run_log" 2>&1 || true
    cat "$run_log" >>"$log"
    runs=$((runs + $(sed -n 's/^stat::number_of_executed_units: *//p' "$run_log" | tail -n1 | grep . || echo 0)))
    local c
    c=$(grep -o 'cov: [0-9]*' "$run_log" | tail -n1 | sed 's/cov: //' || true)
    [ -n "$c" ] && [ "$c" -gt "$cov" ] && cov=$c
    local artifact
    artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$run_log" | tail -n1)
    if [ -n "$artifact" ] && [ -f "$artifact" ]; then
      cp "$run_log" "$artifact.log"
      found=$((found + 1))
      echo "$name: finding $artifact (stack trace in $artifact.log)" >&2
    elif ! grep -q '^Done [0-9]* runs' "$run_log"; then
      echo "$name: the fuzzer stopped without a result; see $run_log" >&2
      break
    fi
  done
  printf '%-12s %7.1f %12d %8d %9d\n' "$name" "$(awk -v s=$(($(date +%s) - start)) 'BEGIN{print s/60}')" "$runs" "$cov" "$found"
}
export -f run_target

echo "== fuzzing ${#targets[@]} targets for ${seconds} s each (${AX_FUZZ_JOBS:-1} at a time)"
printf '%-12s %7s %12s %8s %9s\n' target minutes executions coverage findings
printf '%s\n' "${targets[@]}" |
  xargs -P "${AX_FUZZ_JOBS:-1}" -I{} bash -c 'run_target "$@"' _ {} "$seconds" "$AX_ROOT" "$AX_FUZZ_DIR"
