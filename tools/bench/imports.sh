#!/usr/bin/env bash
# tools/bench/imports.sh [OUT] - the console's two big imports, end to end
# through a real server (make bench-imports, a part of make bench;
# docs/performance.md, "Imports"):
#
#   roster   POST /api/roster/import of an XLSX of BENCH_ROSTER_N (100,000)
#            workers written by openpyxl (units 公司/分厂/车间/班组, 64
#            分厂 x 8 车间 x 6 班组), into an empty roster (merge)
#   bank     POST /api/banks/{code}/import of a CSV of BENCH_BANK_N (5,000)
#            questions (single, multiple choice, true/false; the rows of test 25)
#
# Each is timed from the POST to the job's end as GET /api/jobs/{id} shows
# it (polled every 50 ms), next to the job's own figure where it has one
# (the roster report's `seconds`: the pool's work from reading the file to
# the commit). One run each, on OUT/skillarena (default build/release) with
# a throwaway PostgreSQL + Redis (:26932, :26979) and one server process
# (:26980); the load average is printed before and after: on a shared
# machine the figures are as loaded as it was. Skipped when BENCH_ONLY (make
# bench's scenario filter) is set and does not match "imports".
set -euo pipefail
shopt -s inherit_errexit
source "$(dirname "$0")/lib.sh"
if [[ -n ${BENCH_ONLY:-} && ! imports =~ $BENCH_ONLY ]]; then
	say "imports: skipped (BENCH_ONLY='$BENCH_ONLY')"
	exit 0
fi
OUT=${1:-$ROOT/build/release}
BIN=$OUT/skillarena
[[ -x $BIN ]] || die "no server binary at $BIN (make first)"
ROSTER_N=${BENCH_ROSTER_N:-100000}
BANK_N=${BENCH_BANK_N:-5000}
PORT=${BENCH_IMPORTS_PORT:-26980}
PY=/usr/bin/python3 # Debian's, with python3-openpyxl
# shellcheck disable=SC2034 # server_start (lib.sh) appends to it
SERVER_PIDS=()
trap bench_cleanup EXIT
bench_tmp
services_start "${BENCH_IMPORTS_PG_PORT:-26932}" "${BENCH_IMPORTS_REDIS_PORT:-26979}"
mkdir -p "$BENCH_TMP/contests"
TOKEN=$(bench_token)
server_start "$BIN" "$PORT" bench-imports "$BENCH_TMP/contests" "$TOKEN" "$BENCH_TMP/server.log"
API=http://127.0.0.1:$PORT

# The files, written before any timing.
say "writing $ROSTER_N workers (XLSX, openpyxl) and $BANK_N questions (CSV)"
"$PY" - "$BENCH_TMP" "$ROSTER_N" "$BANK_N" <<'PY'
import sys, openpyxl
tmp, n, q = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
surnames, given = '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗', '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英'
wb = openpyxl.Workbook(write_only=True)
help_ = wb.create_sheet('填写说明')
help_.append(['名册填写说明：每行一名职工。'])
ws = wb.create_sheet('花名册')
ws.append(['工号', '姓名', '单位', '手机尾号'])
for i in range(n):
    name = surnames[i % 20] + given[(i // 20) % 26] + given[(i // 520) % 26]
    unit = f'华电集团/第{i % 64 + 1}分厂/车间{(i // 64) % 8 + 1}/班组{(i // 512) % 6 + 1}'
    ws.append([f'E{i + 1:07d}', name, unit, f'{i % 10000:04d}' if i % 3 else None])
wb.save(f'{tmp}/roster.xlsx')
kinds = [('单选题', 'B'), ('多选题', 'ACD'), ('判断题', '对')]
with open(f'{tmp}/bank.csv', 'w', encoding='utf-8-sig', newline='') as f:
    f.write('题号,题型,题目,选项A,选项B,选项C,选项D,答案,解析,分类,难度\r\n')
    for i in range(1, q + 1):
        t, a = kinds[i % 3]
        opts = ['', '', '', ''] if t == '判断题' else [f'选项甲{i}', f'选项乙{i}', f'选项丙{i}', f'选项丁{i}']
        row = [f'g{i}', t, f'第 {i} 题：安全生产法规定的从业人员权利与义务，正确的是？', *opts, a, f'解析 {i}',
               f'分类{i % 12}', ['易', '中', '难'][i % 3]]
        f.write(','.join(row) + '\r\n')
PY

# api METHOD PATH [curl args] - the answer's body; dies on a transport error.
api() {
	local m=$1 p=$2
	shift 2
	curl -sS --max-time 600 -X "$m" -H "Authorization: Bearer $TOKEN" "$@" "$API$p" || die "$m $p failed"
}
# field JSON PATH - a member of a JSON document ("job.id", "report.seconds"); the
# document on stdin (a bank's report lists every row: too long for an argument).
field() {
	"$PY" -c 'import json, sys
v = json.load(sys.stdin)
for k in sys.argv[1].split("."):
    v = v.get(k) if isinstance(v, dict) else None
print("" if v is None else v)' "$2" <<<"$1"
}

# timed_import NAME PATH FILE - POSTs FILE, polls its job to the end: sets JOB (its last JSON) and SECS.
timed_import() {
	local name=$1 path=$2 file=$3 t0 ans id status
	t0=$(date +%s.%N)
	ans=$(api POST "$path" -H 'Content-Type: application/octet-stream' --data-binary "@$file")
	id=$(field "$ans" job.id)
	[[ -n $id ]] || id=$(field "$ans" id)
	[[ -n $id ]] || die "$name: no job in $ans"
	while :; do
		JOB=$(api GET "/api/jobs/$id")
		status=$(field "$JOB" status)
		[[ $status == "done" || $status == "failed" ]] && break
		sleep 0.05
	done
	SECS=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f", b - a }')
	[[ $status == "done" ]] || die "$name: the job failed: $(field "$JOB" report)"
}

say "load average before: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"
timed_import roster "/api/roster/import?filename=roster.xlsx" "$BENCH_TMP/roster.xlsx"
printf 'bench: roster_import workers=%s bytes=%s seconds=%.2f job_seconds=%s added=%s units_added=%s\n' \
	"$ROSTER_N" "$(stat -c %s "$BENCH_TMP/roster.xlsx")" "$SECS" "$(field "$JOB" report.seconds)" \
	"$(field "$JOB" report.added)" "$(field "$JOB" report.units_added)"
say "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

api POST /api/banks -H 'Content-Type: application/json' --data '{"code":"bench","title":"五千题"}' >/dev/null
timed_import bank "/api/banks/bench/import?filename=bank.csv" "$BENCH_TMP/bank.csv"
printf 'bench: bank_import questions=%s bytes=%s seconds=%.2f imported=%s\n' \
	"$BANK_N" "$(stat -c %s "$BENCH_TMP/bank.csv")" "$SECS" "$(field "$JOB" report.questions)"
say "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
