#!/usr/bin/env bash
# Every C++ file of the tree follows .clang-format. Usage: tests/format_test.sh CLANG_FORMAT SOURCE_DIR
# Prints the files that differ and how to fix them; exit 1 if any.
set -euo pipefail
clang_format=$1
cd "$2"
mapfile -t files < <(find app core tests bench fuzz -type f \( -name '*.cpp' -o -name '*.hpp' -o -name '*.h' \) | sort)
bad=()
for f in "${files[@]}"; do
  "$clang_format" --style=file --dry-run -Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done
if [ ${#bad[@]} -gt 0 ]; then
  printf 'not formatted: %s\n' "${bad[@]}"
  echo "fix with: $clang_format -i --style=file ${bad[*]}"
  exit 1
fi
echo "${#files[@]} files follow .clang-format"
