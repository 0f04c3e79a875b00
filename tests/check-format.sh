#!/usr/bin/env bash
# Every C file of the project is formatted by .clang-format (TAP output).
set -u
root=${1:?source root}
cd "$root" || exit 1
mapfile -t files < <(find drivers labels station ui fixtures tests -name '*.c' -o -name '*.h' | sort)
echo "1..1"
bad=()
# one clang-format for all files (one process per file outran the test's
# timeout on a loaded machine); per file only to name the bad ones
if ! clang-format --dry-run -Werror "${files[@]}" >/dev/null 2>&1; then
  for f in "${files[@]}"; do
    clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || bad+=("$f")
  done
fi
if [ ${#bad[@]} -eq 0 ] && [ ${#files[@]} -gt 0 ]; then
  echo "ok 1 - ${#files[@]} C files follow .clang-format"
else
  echo "not ok 1 - C files not formatted (run: clang-format -i FILE)"
  for f in "${bad[@]}"; do echo "# $f"; done
  exit 1
fi
