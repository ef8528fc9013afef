#!/usr/bin/env bash
# tools/deps.sh - the file-level dependency graph of server/, read from the
# object files, and a check that it has no cycle.
#
# File A depends on file B when A's object leaves undefined a symbol that B's
# object defines (nm). One circle is by design, the receive -> dispatch ->
# send triangle: net/ws hands a message to net/msg (receive -> dispatch),
# whose table calls the handlers in live/ (dispatch -> handlers), which send
# through net/ws. Those edges, and only those, may point back up; with them
# set aside the graph must be acyclic. Any other cycle is printed and fails.
#
# usage: tools/deps.sh [BUILD_DIR]    default build/release; `make` first
#        tools/deps.sh --list [BUILD_DIR]   every edge, with one symbol it uses
set -euo pipefail
shopt -s inherit_errexit
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

LIST=0
if [[ ${1:-} == --list ]]; then
	LIST=1
	shift
fi
BUILD=${1:-build/release}

# The triangle's upward edges: receive -> dispatch, dispatch -> the handlers of the message table.
ALLOW='net/ws>net/msg net/msg>live/player net/msg>live/answer net/msg>live/host net/msg>live/screen
	net/msg>live/attempt net/msg>live/save net/msg>live/result net/msg>live/practice net/msg>live/notebook
	net/msg>live/mass net/msg>live/moderate'

mapfile -t srcs < <(find server -name '*.c' | sort) # as server/server.mk
((${#srcs[@]})) || { echo "deps: no sources under server/" >&2; exit 1; }
syms=$(mktemp)
trap 'rm -f "$syms"' EXIT
for src in "${srcs[@]}"; do
	obj=$BUILD/${src%.c}.o
	[[ -f $obj ]] || { echo "deps: $obj missing: build first (make)" >&2; exit 1; }
	[[ $obj -nt $src ]] || { echo "deps: $obj is older than $src: build first (make)" >&2; exit 1; }
	mod=${src#server/}
	mod=${mod%.c}
	# "D mod symbol" for what it defines, "U mod symbol" for what it needs
	nm --defined-only -g "$obj" | awk -v m="$mod" 'NF == 3 { print "D", m, $3 }' >>"$syms"
	nm -u "$obj" | awk -v m="$mod" '{ print "U", m, $NF }' >>"$syms"
done

awk -v allow="$ALLOW" -v list="$LIST" '
$1 == "D" { def[$3] = $2; next }
$1 == "U" { use[++nu] = $2 SUBSEP $3; next }
END {
	n = split(allow, al, " ")
	for (i = 1; i <= n; i++) allowed[al[i]] = 1
	for (i = 1; i <= nu; i++) {
		split(use[i], p, SUBSEP)
		a = p[1]; b = def[p[2]]
		if (b == "" || b == a || ((a, b) in edge)) continue
		edge[a, b] = p[2]
		nodes[a] = nodes[b] = 1
		ne++
		if ((a ">" b) in allowed) { triangle++; continue }
		out[a] = out[a] " " b
	}
	if (list) {
		for (k in edge) {
			split(k, e, SUBSEP)
			printf "%-16s -> %-16s %s%s\n", e[1], e[2], edge[k], ((e[1] ">" e[2]) in allowed) ? "  (triangle)" : ""
		}
	}
	for (v in nodes) if (!(v in color)) dfs(v)
	nn = 0
	for (v in nodes) nn++
	if (cycles) {
		printf "deps: %d cycle(s) besides the receive -> dispatch -> send triangle\n", cycles
		exit 1
	}
	printf "deps: %d files, %d edges (%d of the receive -> dispatch -> send triangle), no other cycle\n", nn, ne, triangle
}
# Depth-first search; a grey successor closes a cycle, printed from the stack.
function dfs(v,    k, m, s, i, path) {
	color[v] = 1
	stack[++depth] = v
	m = split(out[v], s, " ")
	for (k = 1; k <= m; k++) {
		if ((s[k] in color) && color[s[k]] == 1) {
			path = s[k]
			for (i = depth; i > 0 && stack[i] != s[k]; i--) ;
			for (; i <= depth; i++) if (stack[i] != s[k]) path = path " -> " stack[i]
			path = path " -> " s[k]
			printf "deps: cycle: %s (%s uses %s)\n", path, v, edge[v, s[k]]
			cycles++
		} else if (!(s[k] in color))
			dfs(s[k])
	}
	depth--
	color[v] = 2
}' "$syms"
