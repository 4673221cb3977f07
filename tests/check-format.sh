#!/usr/bin/env bash
# clang-format (kernel style, .clang-format) is the formatting law: fail on
# any C file it would change.
set -eu
cd "$(dirname "$0")/.."
command -v clang-format >/dev/null || { echo "SKIP: clang-format not installed"; exit 77; }
bad=0
while IFS= read -r f; do
	if ! clang-format --dry-run -Werror "$f" >/dev/null 2>&1; then
		echo "not clang-format clean: $f"
		bad=1
	fi
done < <(find include src tools tests examples bench -name '*.[ch]' 2>/dev/null | sort)
exit $bad
