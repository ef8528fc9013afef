#!/usr/bin/env bash
# tools/check-docs.sh - the docs that are lists of what the code has must
# match it (run by `make check-docs`, in TEST_STEPS):
#
#   1. docs/testing.md names every test file in the tree (tests/unit/*.c,
#      tests/integration/*.test.js, tests/browser/*.test.js, tests/fuzz/*.c),
#      and every test file it names exists: it is the one list of every test.
#   2. docs/configuration.md's option table is exactly what
#      `skillarena config-doc` prints from the option table (server/core/config.c).
#
# usage: tools/check-docs.sh [SKILLARENA_BINARY]   (default build/release/skillarena)
set -euo pipefail
shopt -s inherit_errexit
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
BIN=${1:-build/release/skillarena}
rc=0

# ---- 1. the list of every test
doc=docs/testing.md
mapfile -t tree < <(find tests/unit tests/integration tests/browser tests/fuzz -maxdepth 1 -type f \
	\( -name '*.c' -o -name '*.test.js' \) -printf '%f\n' | sort -u)
mapfile -t named < <(grep -oE '`[A-Za-z0-9_.-]+\.(c|test\.js)`' "$doc" | tr -d '`' | sort -u)
missing=$(comm -23 <(printf '%s\n' "${tree[@]}") <(printf '%s\n' "${named[@]}"))
stale=$(comm -13 <(printf '%s\n' "${tree[@]}") <(printf '%s\n' "${named[@]}") |
	grep -E '^(test_|fuzz_|loadgen_test_|[0-9]{2}-)' || true)
if [[ -n $missing ]]; then
	echo "check-docs: test files not listed in $doc (add each to its table):"
	printf '  %s\n' $missing
	rc=1
fi
if [[ -n $stale ]]; then
	echo "check-docs: $doc lists test files that do not exist:"
	printf '  %s\n' $stale
	rc=1
fi
((rc)) || echo "check-docs: $doc lists all ${#tree[@]} test files"

# ---- 2. the option table
conf=docs/configuration.md
[[ -x $BIN ]] || { echo "check-docs: $BIN missing: build first (make)"; exit 1; }
if ! diff -u <(sed -n '/^| option |/,/^$/p' "$conf" | sed '/^$/d') <("$BIN" config-doc) \
	>/tmp/check-docs.$$; then
	echo "check-docs: $conf differs from \`skillarena config-doc\` (- the doc, + the code):"
	cat /tmp/check-docs.$$
	echo "check-docs: regenerate the table: $BIN config-doc"
	rc=1
else
	echo "check-docs: $conf matches skillarena config-doc ($(grep -c '^| `--' "$conf") options)"
fi
rm -f /tmp/check-docs.$$
exit $rc
