#!/usr/bin/env bash
# tools/sizes.sh - size limits of the C code (run by `make check-sizes`, in
# TEST_STEPS): no file over 800 lines, no function over 120 lines. A
# function is counted from its opening brace to its closing brace, both in
# column 0 as .clang-format writes them. A function that must stay longer
# (a parser, say) is listed in ALLOW with the reason in its header comment.
#
# usage: tools/sizes.sh [DIR...]    default server
set -euo pipefail
shopt -s inherit_errexit
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
FILE_MAX=800
FUNC_MAX=120
ALLOW='' # "path:function" pairs, space-separated
dirs=("$@")
((${#dirs[@]})) || dirs=(server)

mapfile -t files < <(find "${dirs[@]}" -name '*.[ch]' | sort)
rc=0
for f in "${files[@]}"; do
	n=$(wc -l <"$f")
	if ((n > FILE_MAX)); then
		echo "sizes: $f has $n lines (at most $FILE_MAX)"
		rc=1
	fi
done
while read -r f line len name; do
	[[ " $ALLOW " == *" $f:$name "* ]] && continue
	echo "sizes: $f:$line: $name() has $len lines (at most $FUNC_MAX)"
	rc=1
done < <(for f in "${files[@]}"; do
	awk -v f="$f" -v max="$FUNC_MAX" '
	/^[A-Za-z_].*\(/ { sig = $0 }
	/^\{$/ { start = NR; name = sig; sub(/\(.*/, "", name); sub(/.*[ *]/, "", name) }
	/^\}/ && start { if (NR - start + 1 > max) print f, start, NR - start + 1, name; start = 0 }' "$f"
done)
((rc)) || echo "sizes: ${#files[@]} files under ${dirs[*]}: none over $FILE_MAX lines, no function over $FUNC_MAX"
exit $rc
