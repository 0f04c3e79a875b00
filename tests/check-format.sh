#!/usr/bin/env bash
# Every C file of the project is formatted by .clang-format (TAP output).
# One clang-format process checks them all (one per file was slow enough
# to time out on a loaded 2-core machine).
set -u
root=${1:?source root}
cd "$root" || exit 1
mapfile -t files < <(find drivers labels station ui fixtures tests -name '*.c' -o -name '*.h' | sort)
echo "1..1"
if [ ${#files[@]} -eq 0 ]; then
  echo "not ok 1 - no C files found under $root"
  exit 1
fi
if out=$(clang-format --dry-run -Werror "${files[@]}" 2>&1); then
  echo "ok 1 - ${#files[@]} C files follow .clang-format"
else
  echo "not ok 1 - C files not formatted (run: clang-format -i FILE)"
  # diagnostics start "path:line:col: error: code should be clang-formatted"
  printf '%s\n' "$out" | grep -o '^[^:]*\.[ch]:' | sort -u | sed 's/:$//; s/^/# /'
  exit 1
fi
