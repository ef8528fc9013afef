#!/usr/bin/env bash
# tools/bench/report.sh RESULTS_DIR - Markdown report of one `make bench` run.
#
# Reads RESULTS_DIR/bench.log (the "bench:" lines of loadgen and
# loadgen-ceiling) and machine.txt; prints the targets of the issue with
# the measured figure and its ratio to the ceiling measured in the same run,
# then every scenario against SkillArena next to the same scenario against
# loadgen-echo (raw libwebsockets, no database).
set -euo pipefail
RES=${1:?usage: report.sh RESULTS_DIR}
[[ -r $RES/bench.log ]] || { echo "report: no $RES/bench.log" >&2; exit 1; }

echo "## Run $(basename "$RES")"
echo
sed 's/^/    /' "$RES/machine.txt" 2>/dev/null || true
echo
awk '
function kv(line, arr,    n, i, f, p) {
	n = split(line, f, " ")
	for (i = 2; i <= n; i++) { p = index(f[i], "="); if (p) arr[substr(f[i], 1, p - 1)] = substr(f[i], p + 1) }
}
function get(s, t, k) { return ((s SUBSEP t SUBSEP k) in V) ? V[s, t, k] : "" }
function num(x) { return x == "" ? "-" : x }
function ratio(a, b, pct) {
	if (a == "" || b == "" || b + 0 == 0) return "-"
	return pct ? sprintf("%.0f %%", 100 * a / b) : sprintf("%.1fx", a / b)
}
/^bench: / {
	delete A; kv($0, A)
	s = A["scenario"]; t = A["target"]
	if (!(s in seen) && s != "ceiling") { seen[s] = 1; order[++no] = s }
	for (k in A) V[s, t, k] = A[k]
}
END {
	pg = get("ceiling", "pg_batched_insert", "rows_per_s")
	copy = get("ceiling", "pg_copy", "rows_per_s")
	rz = get("ceiling", "redis_zincrby_pipelined", "ops_per_s")
	print "### Ceilings (same run)\n"
	print "| ceiling | figure |"
	print "|---|---|"
	printf "| PostgreSQL batched INSERT (500 rows/statement, answers-shaped table, fsync on) | %s rows/s |\n", num(pg)
	printf "| PostgreSQL COPY (500-row chunks) | %s rows/s |\n", num(copy)
	printf "| PostgreSQL single-row autocommit INSERT | %s rows/s |\n", num(get("ceiling", "pg_single_insert", "rows_per_s"))
	printf "| Redis ZINCRBY, 64 per pipeline | %s ops/s |\n", num(rz)
	printf "| Redis ZINCRBY, one per round trip | %s ops/s |\n\n", num(get("ceiling", "redis_zincrby_single", "ops_per_s"))

	print "### Targets\n"
	print "| target | goal | SkillArena | ceiling | ratio |"
	print "|---|---|---|---|---|"
	maxj = 0; maxs = ""
	for (i = 1; i <= no; i++) { j = get(order[i], "skillarena", "joined"); if (j + 0 > maxj) { maxj = j + 0; maxs = order[i] } }
	maxe = 0
	for (i = 1; i <= no; i++) { j = get(order[i], "echo", "joined"); if (j + 0 > maxe) maxe = j + 0 }
	printf "| concurrent players held (%s) | 20,000 | %s | %s (echo) | %s |\n", maxs, maxj, maxe, ratio(maxj, maxe, 1)
	r = get(maxs, "skillarena", "rss_kib_per_conn"); re = get(maxs, "echo", "rss_kib_per_conn")
	printf "| server RSS per connection, KiB (%s; growth per player, and all server RSS / players) | <= 16 | %s (%s) | %s (echo) | %s |\n", maxs, num(r), num(get(maxs, "skillarena", "rss_total_kib_per_conn")), num(re), ratio(r, re, 0)
	ra = get("ramp", "skillarena", "ramp_ok_achieved")
	printf "| durable answers/s with p99 ack <= 100 ms (ramp) | >= 50 %% of batched INSERT | %s | %s (PostgreSQL batched INSERT) | %s |\n", num(ra), num(pg), ratio(ra, pg, 1)
	ak = get("burst10000", "skillarena", "ack_p99_ms"); ake = get("burst10000", "echo", "ack_p99_ms")
	printf "| ack p99, 10,000 answers over 2 s, ms | <= 50 | %s | %s (echo) | %s |\n", num(ak), num(ake), ratio(ak, ake, 0)
	f = get("burst10000", "skillarena", "fresh_p99_ms"); fl = get("live", "skillarena", "fresh_p99_ms")
	printf "| leaderboard freshness p99, ms (burst10000 / live) | <= 250 | %s / %s | - | - |\n", num(f), num(fl)
	fo = get("burst20000", "skillarena", "fanout_p99_ms"); foe = get("burst20000", "echo", "fanout_p99_ms")
	printf "| question fan-out p99 to 20,000 players, ms | <= 100 | %s | %s (echo) | %s |\n\n", num(fo), num(foe), ratio(fo, foe, 0)

	print "### Every scenario (SkillArena / echo ceiling; latency ratios are multiples of the ceiling, throughput ratios shares of it)\n"
	print "| scenario | joined | setup p99 ms | acks | ack p50 ms | ack p99 ms | ack max ms | answers/s | fan-out p50 ms | fan-out p99 ms | freshness p99 ms (n) | RSS KiB/conn | server CPU % | errors | missing | complete |"
	print "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
	for (i = 1; i <= no; i++) {
		s = order[i]
		for (tt = 1; tt <= 3; tt++) {
			t = tt == 1 ? "skillarena" : "echo"
			if (tt == 3) {
				if (get(s, "skillarena", "joined") == "" || get(s, "echo", "joined") == "") continue
				printf "| %s ratio | %s | | | %s | %s | | %s | %s | %s | | %s | | | | |\n", s,
					ratio(get(s, "skillarena", "joined"), get(s, "echo", "joined"), 1),
					ratio(get(s, "skillarena", "ack_p50_ms"), get(s, "echo", "ack_p50_ms"), 0),
					ratio(get(s, "skillarena", "ack_p99_ms"), get(s, "echo", "ack_p99_ms"), 0),
					ratio(get(s, "skillarena", "answers_per_s"), get(s, "echo", "answers_per_s"), 1),
					ratio(get(s, "skillarena", "fanout_p50_ms"), get(s, "echo", "fanout_p50_ms"), 0),
					ratio(get(s, "skillarena", "fanout_p99_ms"), get(s, "echo", "fanout_p99_ms"), 0),
					ratio(get(s, "skillarena", "rss_kib_per_conn"), get(s, "echo", "rss_kib_per_conn"), 0)
				continue
			}
			if (get(s, t, "joined") == "") continue
			printf "| %s %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s (%s) | %s | %s | %s | %s | %s |\n", s, t,
				get(s, t, "joined"), get(s, t, "setup_p99_ms"), get(s, t, "acks"), get(s, t, "ack_p50_ms"),
				get(s, t, "ack_p99_ms"), get(s, t, "ack_max_ms"), get(s, t, "answers_per_s"),
				get(s, t, "fanout_p50_ms"), get(s, t, "fanout_p99_ms"), get(s, t, "fresh_p99_ms"),
				get(s, t, "fresh_n"), get(s, t, "rss_kib_per_conn"), get(s, t, "server_cpu_pct"),
				get(s, t, "errors"), get(s, t, "missing_acks") "+" get(s, t, "unanswered"), get(s, t, "complete")
		}
	}
	if (get("ramp", "skillarena", "ramp_ok_rate") != "")
		printf "\nramp: highest step with p99 ack <= 100 ms: target %s answers/s, achieved %s/s (stopped on a slow step: %s); echo: target %s, achieved %s/s\n",
			get("ramp", "skillarena", "ramp_ok_rate"), get("ramp", "skillarena", "ramp_ok_achieved"),
			get("ramp", "skillarena", "ramp_stopped_slow"), num(get("ramp", "echo", "ramp_ok_rate")),
			num(get("ramp", "echo", "ramp_ok_achieved"))
}' "$RES/bench.log"
