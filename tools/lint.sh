#!/usr/bin/env bash
# tools/lint.sh - static checks of every C file git tracks (`make lint`, run by make test).
#
#   1. clang-format: every file is formatted as .clang-format says (`make format` fixes it)
#   2. cppcheck: the warning, portability and performance checks, with the
#      cJSON iteration macro spelled out so the parser follows it; a finding
#      that is a false positive is suppressed at its line with a comment
#      `// cppcheck-suppress ID` and a reason, never globally.
# Exit status non-zero on any finding.
set -euo pipefail
shopt -s inherit_errexit
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

mapfile -t files < <(git ls-files '*.c' '*.h')
rc=0

echo "lint: clang-format (${#files[@]} files)"
if ! clang-format --dry-run --Werror "${files[@]}" 2>/tmp/lint-format.$$; then
	head -n 40 /tmp/lint-format.$$
	echo "lint: files not formatted: run 'make format'"
	rc=1
fi
rm -f /tmp/lint-format.$$

mapfile -t dirs < <(git ls-files '*.c' | grep -v '^tests/' | cut -d/ -f1 | sort -u)
incs=()
for d in $(git ls-files '*.h' | xargs -n1 dirname | sort -u); do incs+=("-I$d"); done
incs+=(-Iserver) # server/ includes its headers by subsystem: "core/arena.h", "net/ws.h", ...
echo "lint: cppcheck (${dirs[*]})"
if ! cppcheck --enable=warning,portability,performance --std=c11 --error-exitcode=1 --inline-suppr \
	--quiet -D_GNU_SOURCE -D__GNUC__ --include=tools/cppcheck.h \
	--suppress=missingIncludeSystem -j"$(nproc)" "${incs[@]}" "${dirs[@]}"; then
	echo "lint: cppcheck findings above"
	rc=1
fi
((rc == 0)) && echo "lint: clean"
exit $rc
