#!/usr/bin/env bash
# Fails when a C++ file of the repository drifts from .clang-format (clang-format 14, Debian 12):
# run `scripts/check-format.sh --fix` to format them in place.
set -euo pipefail
cd "$(dirname "$0")/.."
format=$(command -v clang-format-14 || command -v clang-format)
# New files count before they are added: a fix that skipped them would let them drift into a commit.
mapfile -t files < <(git ls-files --cached --others --exclude-standard '*.cpp' '*.hpp' '*.h')
if [ "${1:-}" = "--fix" ]; then
  "$format" -i "${files[@]}"
  exit 0
fi
if ! "$format" --dry-run --Werror "${files[@]}"; then
  echo "formatting drifts from .clang-format: run scripts/check-format.sh --fix" >&2
  exit 1
fi
echo "format check: ${#files[@]} files match .clang-format"
