#!/usr/bin/env bash
# tools/bench/report.sh RESULTS_DIR - Markdown report of one `make bench` run.
#
# Reads RESULTS_DIR/bench.log (the "bench:" lines of loadgen, each with its
# round and load notes appended by run.sh, and of loadgen-ceiling) and
# machine.txt. Every figure of a system is given as min-max and median over
# its rounds; every comparison as the ratio within each round (the runs of a
# round ran back to back: skillarena, echo, floor), min-max and median:
#   floor    loadgen-floor: plain sockets, one send() per recipient
#   echo     loadgen-echo: raw libwebsockets on libuv, no database (ceiling)
# then the load notes and every run's figures. Leaderboard freshness is
# fresh_reveal_* (host reveal -> complete screen board) for contests that
# show points at the reveal, fresh_ack_* (ack -> screen) for instant ones;
# bench.log files from before 2026-12-06 say fresh_* for the latter, read
# as fresh_ack_*.
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
function num(x) { return x == "" ? "-" : x }
# collect(s, t, k): the values of k over the rounds of (s, t) into VALS[1..n]; returns n
function collect(s, t, k,    i, n, r) {
	n = 0; delete VALS
	for (i = 1; i <= NRUN[s, t]; i++) { r = RUN[s, t, i]; if ((s, t, r, k) in V && V[s, t, r, k] != "") VALS[++n] = V[s, t, r, k] + 0 }
	return n
}
function sortvals(n,    i, j, x) {
	for (i = 2; i <= n; i++) { x = VALS[i]; for (j = i - 1; j >= 1 && VALS[j] > x; j--) VALS[j + 1] = VALS[j]; VALS[j + 1] = x }
}
function median(n) { return n % 2 ? VALS[(n + 1) / 2] : (VALS[n / 2] + VALS[n / 2 + 1]) / 2 }
function fmt(x, d) { return sprintf("%." d "f", x) }
# spread(n, d, unit): "min-max (median m)" over VALS[1..n], or the one value
function spread(n, d, unit) {
	if (n == 0) return "-"
	sortvals(n)
	if (n == 1) return fmt(VALS[1], d) unit " (1 run)"
	if (fmt(VALS[1], d) == fmt(VALS[n], d)) return fmt(VALS[1], d) unit " (" n " runs)"
	return fmt(VALS[1], d) "–" fmt(VALS[n], d) unit " (median " fmt(median(n), d) unit ")"
}
function rng(s, t, k, d) { return spread(collect(s, t, k), d, "") }
function med(s, t, k,    n) { n = collect(s, t, k); sortvals(n); return n ? median(n) : "" }
# ratio(s, t1, t2, k, pct): t1 over t2 within each round, min-max (median)
function ratio(s, t1, t2, k, pct,    i, n, r, a, b) {
	n = 0; delete VALS
	for (i = 1; i <= NRUN[s, t1]; i++) {
		r = RUN[s, t1, i]
		if (!((s, t2, r, k) in V)) continue
		a = V[s, t1, r, k]; b = V[s, t2, r, k]
		if (a == "" || b == "" || b + 0 == 0) continue
		VALS[++n] = pct ? 100 * a / b : a / b
	}
	return pct ? spread(n, 0, " %") : spread(n, 2, "x")
}
function has(s, t) { return NRUN[s, t] > 0 }
# allruns(k): the values of k over every run into VALS; returns n
function allruns(k,    i, n, K) {
	n = 0; delete VALS
	for (i = 1; i <= nl; i++) { split(LINES[i], K, SUBSEP); if ((K[1], K[2], K[3], k) in V && V[K[1], K[2], K[3], k] != "") VALS[++n] = V[K[1], K[2], K[3], k] + 0 }
	return n
}
function runs(s, t,    n) { return NRUN[s, t] + 0 }
# The self-paced scenarios (SkillArena only): figures, targets, every run, the steps of the save ramp.
function paced_section(pg,    i, s, r, t, n, k, st, f, any) {
	any = 0
	for (i = 1; i <= no; i++) if (order[i] ~ PACED && has(order[i], "skillarena")) any = 1
	if (!any) return
	t = "skillarena"
	print "\n### Self-paced modes: exam, save ramp, mass (SkillArena alone; min–max over the rounds, median in brackets)\n"
	print "| scenario | runs | joined | peak connected | answers/s | busiest 5 s, saves/s | save ack p50 ms | save ack p99 ms | save ack p99 in the busiest 5 s, ms | attempt_start p99 ms | submit p99 ms | board p99 ms | attempts/s | server RSS KiB per participant | server CPU % |"
	print "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
	for (i = 1; i <= no; i++) {
		s = order[i]
		if (!(s ~ PACED) || !has(s, t)) continue
		printf "| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", s, NRUN[s, t],
			rng(s, t, "joined", 0), rng(s, t, "peak_connected", 0), rng(s, t, "answers_per_s", 0),
			rng(s, t, "saves_peak_per_s", 0), rng(s, t, "save_p50_ms", 1), rng(s, t, "save_p99_ms", 1),
			rng(s, t, "save_p99_peak_ms", 1), rng(s, t, "start_p99_ms", 1), rng(s, t, "submit_p99_ms", 1),
			s == "mass" ? rng(s, t, "board_p99_ms", 1) : "-", s == "saveramp" ? "-" : rng(s, t, "attempts_per_s", 1),
			rng(s, t, "rss_kib_per_participant", 2), rng(s, t, "server_cpu_pct", 0)
	}
	print "\n| target | goal | SkillArena |"
	print "|---|---|---|"
	if (has("exam", t)) {
		printf "| concurrent examinees (exam: joined, connected at once) | 20,000 | %s joined, %s at once (%s of %d runs complete) |\n",
			rng("exam", t, "joined", 0), rng("exam", t, "peak_connected", 0), COMPLETE("exam", t), runs("exam", t)
		printf "| save ack p99 at the peak rate of the exam (the busiest 5 s: %s saves/s) | <= 50 ms | %s ms (whole run: %s ms) |\n",
			rng("exam", t, "saves_peak_per_s", 0), rng("exam", t, "save_p99_peak_ms", 1), rng("exam", t, "save_p99_ms", 1)
		printf "| attempt_start p99 (exam) | - | %s ms |\n", rng("exam", t, "start_p99_ms", 1)
	}
	if (has("saveramp", t)) {
		n = med("saveramp", t, "ramp_ok_achieved")
		printf "| sustained saves/s with p99 <= 100 ms (save ramp) | ratio to batched INSERT (%s rows/s) | %s saves/s; median %s of the ceiling in saves, %s in rows written (2 a save: the change and the current answer) |\n",
			num(pg), rng("saveramp", t, "ramp_ok_achieved", 0),
			(pg + 0 > 0 && n != "" ? sprintf("%.0f %%", 100 * n / pg) : "-"), (pg + 0 > 0 && n != "" ? sprintf("%.0f %%", 200 * n / pg) : "-")
	}
	if (has("mass", t))
		printf "| mass: attempts/s at the national peak (%s arriving a second) | that rate, nothing lost | %s attempts/s, save p99 %s ms, board p99 %s ms (%s of %d runs complete) |\n",
			rng("mass", t, "arrival_rate", 1), rng("mass", t, "attempts_per_s", 1), rng("mass", t, "save_p99_ms", 1),
			rng("mass", t, "board_p99_ms", 1), COMPLETE("mass", t), runs("mass", t)
	print "\n### Every self-paced run (load as in the table of every run below)\n"
	print "| scenario | round | joined | saved | save p50 ms | save p99 ms | busiest 5 s saves/s | its p99 ms | start p99 ms | submit p99 ms | board p99 ms | attempts/s | RSS KiB/participant | server CPU % | errors | missing | verify failed | complete | wall s | load | other % |"
	print "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
	for (i = 1; i <= nl; i++) {
		split(LINES[i], K, SUBSEP); s = K[1]; r = K[3]
		if (!(s ~ PACED) || K[2] != t) continue
		printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s → %s | %s |\n",
			s, r, num(V[s, t, r, "joined"]), num(V[s, t, r, "saved"]), num(V[s, t, r, "save_p50_ms"]),
			num(V[s, t, r, "save_p99_ms"]), num(V[s, t, r, "saves_peak_per_s"]), num(V[s, t, r, "save_p99_peak_ms"]),
			num(V[s, t, r, "start_p99_ms"]), num(V[s, t, r, "submit_p99_ms"]), num(V[s, t, r, "board_p99_ms"]),
			num(V[s, t, r, "attempts_per_s"]), num(V[s, t, r, "rss_kib_per_participant"]), num(V[s, t, r, "server_cpu_pct"]),
			num(V[s, t, r, "errors"]), num(V[s, t, r, "missing"]), num(V[s, t, r, "verify_failed"]), num(V[s, t, r, "complete"]),
			num(V[s, t, r, "wall_s"]), num(V[s, t, r, "load1_before"]), num(V[s, t, r, "load1_after"]), num(V[s, t, r, "other_cpu_pct"])
	}
	if (has("saveramp", t)) {
		print "\n### Save ramp: each step (target saves/s → achieved, p99 ms)\n"
		print "| round | steps | highest step with p99 <= 100 ms |"
		print "|---|---|---|"
		for (i = 1; i <= NRUN["saveramp", t]; i++) {
			r = RUN["saveramp", t, i]
			n = split(V["saveramp", t, r, "ramp_steps"], st, ",")
			f = ""
			for (k = 1; k <= n; k++) { split(st[k], K, ":"); f = f (k > 1 ? " · " : "") K[1] "→" K[2] " p99 " K[3] }
			printf "| %s | %s | %s → %s saves/s |\n", r, f, num(V["saveramp", t, r, "ramp_ok_rate"]), num(V["saveramp", t, r, "ramp_ok_achieved"])
		}
	}
}
# The README paragraph of this run: every figure a range over the rounds, with the load.
function readme_paragraph(big, bign,    p, s, n, push) {
	if (big == "" || !has(big, "skillarena")) return
	push = ""
	for (i = 1; i <= no; i++) if (order[i] ~ /^push/ && has(order[i], "skillarena")) push = order[i]
	n = allruns("other_cpu_pct"); sortvals(n)
	print "\n### For the README (every figure min–max over the rounds)\n"
	p = sprintf("How far one machine carries (`make bench` %s, %s, commit %s: %d interleaved rounds of SkillArena, a bare libwebsockets echo server and plain TCP sends; other work on the machine took %s–%s %% of a core during the runs; docs/performance.md): ",
		DATE, CPU, COMMIT, runs(big, "skillarena"), n ? fmt(VALS[1], 0) : "?", n ? fmt(VALS[n], 0) : "?")
	p = p sprintf("%s players connected to %s processes (%s of %d runs complete) at %s KiB of server memory each (echo server %s); ",
		bign, NPROCS, COMPLETE(big, "skillarena"), runs(big, "skillarena"), bare(big, "skillarena", "rss_kib_per_conn", 1), bare(big, "echo", "rss_kib_per_conn", 1))
	if (has("burst10000", "skillarena"))
		p = p sprintf("10,000 answers arriving within 2 s acknowledged (stored in PostgreSQL) with p99 %s ms (echo server %s, plain sockets %s); ",
			bare("burst10000", "skillarena", "ack_p99_ms", 0), bare("burst10000", "echo", "ack_p99_ms", 0), bare("burst10000", "floor", "ack_p99_ms", 1))
	p = p sprintf("a question reaches all %s players in %s ms at p99 while their answers arrive (echo server %s ms, plain TCP sends %s ms)",
		bign, bare(big, "skillarena", "fanout_p99_ms", 0), bare(big, "echo", "fanout_p99_ms", 0), bare(big, "floor", "fanout_p99_ms", 0))
	if (push != "")
		p = p sprintf(" and in %s ms when nothing else happens (echo %s, plain TCP %s)", bare(push, "skillarena", "fanout_p99_ms", 0),
			bare(push, "echo", "fanout_p99_ms", 0), bare(push, "floor", "fanout_p99_ms", 0))
	if (has("ramp", "skillarena"))
		p = p sprintf("; %s durable answers per second with p99 acknowledgement under 100 ms", bare("ramp", "skillarena", "ramp_ok_achieved", 0))
	print p "."
}
# bare(s, t, k, d): "min–max" (or the one value) of k over the rounds of (s, t)
function bare(s, t, k, d,    n) {
	n = collect(s, t, k); sortvals(n)
	if (n == 0) return "-"
	if (fmt(VALS[1], d) == fmt(VALS[n], d)) return fmt(VALS[1], d)
	return fmt(VALS[1], d) "–" fmt(VALS[n], d)
}
# fresh_cell(s, t, r): the freshness p99 of one run and what it is timed from
function fresh_cell(s, t, r) {
	if (V[s, t, r, "fresh_reveal_p99_ms"] != "")
		return "reveal " V[s, t, r, "fresh_reveal_p99_ms"] " (" V[s, t, r, "fresh_reveal_n"] ")"
	if (V[s, t, r, "fresh_ack_p99_ms"] != "" && V[s, t, r, "fresh_ack_n"] + 0 > 0)
		return "ack " V[s, t, r, "fresh_ack_p99_ms"] " (" V[s, t, r, "fresh_ack_n"] ")"
	return "-"
}
function COMPLETE(s, t,    i, c, r) {
	c = 0
	for (i = 1; i <= NRUN[s, t]; i++) { r = RUN[s, t, i]; if (V[s, t, r, "complete"] == 1 && V[s, t, r, "joined"] == V[s, t, r, "players"]) c++ }
	return c
}
/^bench: / {
	delete A; kv($0, A)
	if (("fresh_p99_ms" in A) && !("fresh_ack_p99_ms" in A)) {
		A["fresh_ack_n"] = A["fresh_n"]; A["fresh_ack_p50_ms"] = A["fresh_p50_ms"]; A["fresh_ack_p99_ms"] = A["fresh_p99_ms"]
	}
	s = A["scenario"]; t = A["target"]; r = ("round" in A) ? A["round"] : 1
	if (s == "ceiling") { for (k in A) CEIL[t, k] = A[k]; next }
	if (!(s in seen)) { seen[s] = 1; order[++no] = s }
	if (!((s, t, r) in have)) { have[s, t, r] = 1; RUN[s, t, ++NRUN[s, t]] = r }
	for (k in A) V[s, t, r, k] = A[k]
	LINES[++nl] = s SUBSEP t SUBSEP r
}
END {
	nsys = split("skillarena echo floor", SYS, " ")
	pg = CEIL["pg_batched_insert", "rows_per_s"]
	print "### Ceilings (same run)\n"
	print "| ceiling | figure |"
	print "|---|---|"
	printf "| PostgreSQL batched INSERT (500 rows/statement, answers-shaped table, fsync on) | %s rows/s |\n", num(pg)
	printf "| PostgreSQL COPY (500-row chunks) | %s rows/s |\n", num(CEIL["pg_copy", "rows_per_s"])
	printf "| PostgreSQL single-row autocommit INSERT | %s rows/s |\n", num(CEIL["pg_single_insert", "rows_per_s"])
	printf "| Redis ZINCRBY, 64 per pipeline | %s ops/s |\n", num(CEIL["redis_zincrby_pipelined", "ops_per_s"])
	printf "| Redis ZINCRBY, one per round trip | %s ops/s |\n\n", num(CEIL["redis_zincrby_single", "ops_per_s"])

	print "### Question fan-out: SkillArena, the echo ceiling and the floor\n"
	print "Host command sent to each player receiving the question; the same players, the same load generator, the same bytes per recipient (push bytes: state + question payload). Ratios are taken within each round.\n"
	print "| scenario | system | runs | fan-out p50 ms | fan-out p99 ms | push bytes | p99 ÷ floor | p99 ÷ echo |"
	print "|---|---|---|---|---|---|---|---|"
	for (i = 1; i <= no; i++) {
		s = order[i]
		if (s ~ PACED) continue
		for (j = 1; j <= nsys; j++) {
			t = SYS[j]
			if (!has(s, t)) continue
			printf "| %s | %s | %d | %s | %s | %s | %s | %s |\n", s, t, NRUN[s, t], rng(s, t, "fanout_p50_ms", 1),
				rng(s, t, "fanout_p99_ms", 1), rng(s, t, "push_bytes", 0),
				t != "floor" && has(s, "floor") ? ratio(s, t, "floor", "fanout_p99_ms", 0) : "-",
				t == "skillarena" && has(s, "echo") ? ratio(s, t, "echo", "fanout_p99_ms", 0) : "-"
		}
	}

	print "\n### Targets (min–max over the rounds, median in brackets)\n"
	print "| target | goal | SkillArena | echo ceiling | floor | SkillArena ÷ ceiling, per round | SkillArena ÷ floor, per round |"
	print "|---|---|---|---|---|---|---|"
	big = ""; bign = 0
	for (i = 1; i <= no; i++) if (order[i] ~ /^burst/ && substr(order[i], 6) + 0 > bign) { bign = substr(order[i], 6) + 0; big = order[i] }
	if (big != "") {
		printf "| players joined (%s) | 20,000 | %s | %s | %s | %s | - |\n", big, rng(big, "skillarena", "joined", 0),
			rng(big, "echo", "joined", 0), rng(big, "floor", "joined", 0), ratio(big, "skillarena", "echo", "joined", 1)
		printf "| server RSS per connection, KiB (%s, growth per player) | <= 16 | %s | %s | %s | %s | - |\n", big,
			rng(big, "skillarena", "rss_kib_per_conn", 2), rng(big, "echo", "rss_kib_per_conn", 2),
			rng(big, "floor", "rss_kib_per_conn", 2), ratio(big, "skillarena", "echo", "rss_kib_per_conn", 0)
	}
	if (has("ramp", "skillarena"))
		printf "| durable answers/s with p99 ack <= 100 ms (ramp) | >= 50 %% of batched INSERT (%s rows/s) | %s | %s | - | %s of batched INSERT, median | - |\n",
			num(pg), rng("ramp", "skillarena", "ramp_ok_achieved", 0), rng("ramp", "echo", "ramp_ok_achieved", 0),
			(pg + 0 > 0 ? sprintf("%.0f %%", 100 * med("ramp", "skillarena", "ramp_ok_achieved") / pg) : "-")
	s = "burst10000"
	if (has(s, "skillarena"))
		printf "| ack p99, 10,000 answers over 2 s, ms | <= 50 | %s | %s | %s | %s | %s |\n", rng(s, "skillarena", "ack_p99_ms", 1),
			rng(s, "echo", "ack_p99_ms", 1), rng(s, "floor", "ack_p99_ms", 1), ratio(s, "skillarena", "echo", "ack_p99_ms", 0),
			ratio(s, "skillarena", "floor", "ack_p99_ms", 0)
	if (has("burst10000", "skillarena") || has("live", "skillarena"))
		printf "| leaderboard freshness p99 from the host reveal to the complete screen board, ms (burst10000 / live; includes the settle of the reveal, 450 ms by default) | <= 250 beyond the settle | %s / %s | - | - | - | - |\n",
			rng("burst10000", "skillarena", "fresh_reveal_p99_ms", 1), rng("live", "skillarena", "fresh_reveal_p99_ms", 1)
	for (i = 1; i <= no; i++) {
		s = order[i]
		if (s ~ /-instant$/ && has(s, "skillarena"))
			printf "| leaderboard freshness p99 from the ack, instant feedback, ms (%s) | <= 250 | %s | - | - | - | - |\n",
				s, rng(s, "skillarena", "fresh_ack_p99_ms", 1)
	}
	for (i = 1; i <= no; i++) {
		s = order[i]
		if (!(s ~ /^(burst|push)/) || !has(s, "skillarena") || (s ~ /^burst/ && s != big)) continue
		printf "| question fan-out p99 to %d players, ms (%s: %s) | <= 100 | %s | %s | %s | %s | %s |\n", substr(s, s ~ /^burst/ ? 6 : 5),
			s, s ~ /^burst/ ? "answers arrive during the push" : "nothing else to do",
			rng(s, "skillarena", "fanout_p99_ms", 1), rng(s, "echo", "fanout_p99_ms", 1),
			rng(s, "floor", "fanout_p99_ms", 1), ratio(s, "skillarena", "echo", "fanout_p99_ms", 0),
			ratio(s, "skillarena", "floor", "fanout_p99_ms", 0)
	}

	paced_section(pg)
	readme_paragraph(big, bign)
	print "\n### Every run, in the order run (load: 1-minute load average before → after; busy: the machine, 100 % = one core; bench: the benchmark'"'"'s own processes; other: the rest)\n"
	print "| scenario | system | round | joined | setup p99 ms | acks | ack p50 ms | ack p99 ms | answers/s | fan-out p50 ms | fan-out p99 ms | push bytes | freshness p99 ms from (n) | RSS KiB/conn | server CPU % | errors | missing | complete | wall s | load | busy % | bench % | other % | steal % |"
	print "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
	for (i = 1; i <= nl; i++) {
		split(LINES[i], K, SUBSEP); s = K[1]; t = K[2]; r = K[3]
		if (s ~ PACED) continue
		printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s → %s | %s | %s | %s | %s |\n",
			s, t, r, num(V[s, t, r, "joined"]), num(V[s, t, r, "setup_p99_ms"]), num(V[s, t, r, "acks"]),
			num(V[s, t, r, "ack_p50_ms"]), num(V[s, t, r, "ack_p99_ms"]), num(V[s, t, r, "answers_per_s"]),
			num(V[s, t, r, "fanout_p50_ms"]), num(V[s, t, r, "fanout_p99_ms"]), num(V[s, t, r, "push_bytes"]),
			fresh_cell(s, t, r), num(V[s, t, r, "rss_kib_per_conn"]),
			num(V[s, t, r, "server_cpu_pct"]), num(V[s, t, r, "errors"]),
			num(V[s, t, r, "missing_acks"]) "+" num(V[s, t, r, "unanswered"]), num(V[s, t, r, "complete"]),
			num(V[s, t, r, "wall_s"]), num(V[s, t, r, "load1_before"]), num(V[s, t, r, "load1_after"]),
			num(V[s, t, r, "machine_busy_pct"]), num(V[s, t, r, "bench_cpu_pct"]), num(V[s, t, r, "other_cpu_pct"]),
			num(V[s, t, r, "steal_pct"])
	}
	print "\n### What else ran, per system (other % of the machine during its runs; 100 % = one core)\n"
	print "| scenario | system | other % | steal % | load1 before |"
	print "|---|---|---|---|---|"
	for (i = 1; i <= no; i++)
		for (j = 1; j <= nsys; j++) {
			s = order[i]; t = SYS[j]
			if (has(s, t))
				printf "| %s | %s | %s | %s | %s |\n", s, t, rng(s, t, "other_cpu_pct", 0), rng(s, t, "steal_pct", 0),
					rng(s, t, "load1_before", 2)
		}
	if (has("ramp", "skillarena")) {
		print "\n### Ramp: the highest step with p99 ack <= the limit, per round\n"
		print "| system | round | target answers/s | achieved answers/s | stopped on slow steps |"
		print "|---|---|---|---|---|"
		for (j = 1; j <= 2; j++) {
			t = SYS[j]
			for (i = 1; i <= NRUN["ramp", t]; i++) {
				r = RUN["ramp", t, i]
				printf "| %s | %s | %s | %s | %s |\n", t, r, num(V["ramp", t, r, "ramp_ok_rate"]),
					num(V["ramp", t, r, "ramp_ok_achieved"]), num(V["ramp", t, r, "ramp_stopped_slow"])
			}
		}
	}
}' DATE="$(sed -n 's/^date: //p' "$RES/machine.txt")" CPU="$(sed -n 's/^cpu: //p' "$RES/machine.txt")" \
	COMMIT="$(sed -n 's/^commit: //p' "$RES/machine.txt")" PACED='^(exam|saveramp|mass)$' NPROCS="$(sed -n 's/^server processes: //p' "$RES/machine.txt")" \
	"$RES/bench.log"
