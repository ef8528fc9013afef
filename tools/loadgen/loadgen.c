/*
 * loadgen.c - SkillArena load generator: coordinator, scenarios, report.
 *
 *   loadgen run [options]        drive a contest, print one "bench:" line, write JSON
 *   loadgen mkcontest [options]  write a benchmark contest file (stdout)
 *
 * The coordinator forks --procs workers (player.c), each holding its share
 * of --players connections (a process may hold at most 20,000 files here),
 * and itself holds the host connection(s) and one screen connection. It
 * waits for every player to join, then plays the contest as a host:
 * start, wait until every player has an ack or an error for the question
 * (or the time limit plus a grace period passes), reveal, next, and so on.
 *
 * Scenarios: live (think times from --think, every question), burst (one
 * question, everybody answers within --think, default uniform 0..2000 ms),
 * ramp (question k is answered at --rates[k] answers/s, paced by the
 * workers; stops after two steps in a row whose p99 ack exceeds --slow-ms).
 *
 * Figures: connection setup (connect -> joined), ack latency (HDR-style
 * histogram), answers/s, errors by code, question fan-out (host command
 * sent -> question received by each player; all processes share
 * CLOCK_MONOTONIC), leaderboard freshness (fresh.c: in a contest that
 * shows points at the reveal, the default, host `reveal` sent -> the first
 * screen leaderboard that reflects every acknowledged answer of the
 * question; in an "instant" one, ack -> the first screen leaderboard
 * showing the new score), server RSS per connection and server CPU from
 * /proc/PID.
 *
 * In a reveal contest the host moves on once every player has its points
 * (its leaderboard with the reveal), as a host waits for the hall to see
 * them; then --reveal-wait-ms.
 */
#include "fresh.h"
#include "lg.h"
#include "wsc.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define LG_POINTS_WAIT_MS 15000 /* reveal contests: the longest wait for every player's points */

uint64_t lg_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void lg_err_add(lg_result *r, const char *code, uint64_t n)
{
	for (uint32_t i = 0; i < r->nerr; i++)
		if (strcmp(r->err[i].code, code) == 0) {
			r->err[i].n += n;
			return;
		}
	uint32_t i = r->nerr < LG_MAXERR ? r->nerr++ : LG_MAXERR - 1;
	if (i == LG_MAXERR - 1 && r->nerr == LG_MAXERR && strcmp(r->err[i].code, "other") != 0) {
		snprintf(r->err[i].code, sizeof(r->err[i].code), "other");
	} else if (r->err[i].code[0] == 0) {
		snprintf(r->err[i].code, sizeof(r->err[i].code), "%s", code);
	}
	r->err[i].n += n;
}

static lg_config cfg;

/* ---------------------------------------------------------------- coordinator */

enum { S_CONNECT, S_QUESTION, S_REVEAL, S_FINISH, S_COLLECT, S_DONE };

typedef struct hostconn {
	wsc ws;
	int port_i;
	bool ok, open;
	char phase[16];
	int qcount;
	double time_limit_ms;
} hostconn;

static struct coord {
	uv_loop_t *loop;
	uv_timer_t tick;
	uv_poll_t poll[LG_MAXPROCS];
	int fd[LG_MAXPROCS];
	pid_t child[LG_MAXPROCS];
	int first[LG_MAXPROCS], count[LG_MAXPROCS];
	lg_progress prog[LG_MAXPROCS];
	bool final[LG_MAXPROCS];
	struct sockaddr_in addr[LG_MAXPORTS];
	char hostport[LG_MAXPORTS][64];
	hostconn host[LG_MAXPORTS];
	int nhost;
	hostconn screen;
	bool reveal;     /* the contest shows points at the reveal (host_ok.contest.feedback) */
	bool fair_play;  /* the server names the feedback: its reveal is pushed (not loadgen-echo, -floor) */
	int host_reveal; /* the index of the last `reveal` the host received, -1 */
	uint64_t t_points; /* when the revealed question was shown (below), 0 before */
	int state, q, nq;
	uint64_t t0, t_state, t_cmd[LG_MAXQ], t_joined;
	int64_t rss0[LG_MAXPORTS], rss_joined[LG_MAXPORTS], rss_end[LG_MAXPORTS];
	double cpu0[LG_MAXPORTS], cpu_run0[LG_MAXPORTS], cpu_end[LG_MAXPORTS];
	uint64_t t_run0, t_run1;
	int steps_run, slow_steps;
	bool stopped_slow, timed_out;
	char abort_msg[256];
	int rid;
	double lat_cmd_ms[LG_MAXQ];
} C;

static int64_t proc_rss_kib(int pid)
{
	char path[64], line[256];
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	int64_t v = -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld", &v) == 1)
			break;
	fclose(f);
	return v;
}

/* utime+stime of a process, seconds */
static double proc_cpu_s(int pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	char *p = strrchr(buf, ')');
	if (!p)
		return -1;
	unsigned long ut = 0, st = 0;
	/* fields after ") ": state(3) ... utime(14) stime(15) */
	if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
		return -1;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static void sample_servers(int64_t *rss, double *cpu)
{
	for (int i = 0; i < cfg.npids; i++) {
		if (rss)
			rss[i] = proc_rss_kib(cfg.pids[i]);
		if (cpu)
			cpu[i] = proc_cpu_s(cfg.pids[i]);
	}
}

static void host_send(const char *type)
{
	char msg[96];
	int n = snprintf(msg, sizeof(msg), "{\"type\":\"%s\",\"rid\":\"h%d\"}", type, ++C.rid);
	for (int i = 0; i < C.nhost; i++)
		if (C.host[i].open)
			wsc_send_text(&C.host[i].ws, msg, (size_t)n);
}

static void coord_abort(const char *fmt, ...)
{
	if (C.abort_msg[0])
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(C.abort_msg, sizeof(C.abort_msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "loadgen: %s\n", C.abort_msg);
	C.state = S_FINISH;
}

static void h_on_open(wsc *c)
{
	hostconn *h = c->user;
	char msg[256];
	int n;
	h->open = true;
	if (h == &C.screen)
		n = snprintf(msg, sizeof(msg), "{\"type\":\"watch\",\"code\":\"%s\"}", cfg.code);
	else
		n = snprintf(msg, sizeof(msg), "{\"type\":\"host\",\"code\":\"%s\",\"token\":\"%s\"}",
			     cfg.code, cfg.token);
	wsc_send_text(c, msg, (size_t)n);
}

static void h_on_text(wsc *c, const char *m, size_t n)
{
	hostconn *h = c->user;
	char type[24] = "";
	js_str(m, n, "type", type, sizeof(type));
	if (strcmp(type, "host_ok") == 0 || strcmp(type, "watching") == 0) {
		double qc;
		char fb[16] = "";
		if (js_num(m, n, "question_count", &qc))
			h->qcount = (int)qc;
		if (h == &C.host[0] && js_str(m, n, "feedback", fb, sizeof(fb))) {
			C.fair_play = true;
			C.reveal = strcmp(fb, "reveal") == 0;
		}
		h->ok = true;
	} else if (strcmp(type, "reveal") == 0 && h == &C.host[0]) {
		double idx;
		if (js_num(m, n, "index", &idx))
			C.host_reveal = (int)idx;
	} else if (strcmp(type, "state") == 0) {
		js_str(m, n, "phase", h->phase, sizeof(h->phase));
	} else if (strcmp(type, "question") == 0) {
		js_num(m, n, "time_limit_ms", &h->time_limit_ms);
	} else if (strcmp(type, "leaderboard") == 0 && h == &C.screen) {
		lg_fresh_board(m, n, lg_now_ns());
	} else if (strcmp(type, "error") == 0) {
		char code[32] = "", msg[128] = "";
		js_str(m, n, "code", code, sizeof(code));
		js_str(m, n, "message", msg, sizeof(msg));
		coord_abort("%s connection got error %s: %s", h == &C.screen ? "screen" : "host", code, msg);
	}
}

static void h_on_close(wsc *c, int reason)
{
	hostconn *h = c->user;
	h->open = false;
	if (C.state < S_FINISH)
		coord_abort("%s connection closed (%s)", h == &C.screen ? "screen" : "host",
			    wsc_reason_name(reason));
}

static const wsc_ops host_ops = {h_on_open, h_on_text, h_on_close};

static void sum_progress(lg_progress *s)
{
	memset(s, 0, sizeof(*s));
	for (int w = 0; w < cfg.procs; w++) {
		s->opened += C.prog[w].opened;
		s->joined += C.prog[w].joined;
		s->failed += C.prog[w].failed;
		for (int q = 0; q < LG_MAXQ; q++) {
			s->done[q] += C.prog[w].done[q];
			s->acked[q] += C.prog[w].acked[q];
			s->slow[q] += C.prog[w].slow[q];
			s->revealed[q] += C.prog[w].revealed[q];
		}
	}
}

static void goto_state(int s)
{
	C.state = s;
	C.t_state = lg_now_ns();
}

static void open_question(int q)
{
	C.q = q;
	C.t_cmd[q] = lg_now_ns();
	host_send(q == 0 ? "start" : "next");
	goto_state(S_QUESTION);
}

static void on_tick(uv_timer_t *t)
{
	uint64_t now = lg_now_ns();
	lg_progress s;
	sum_progress(&s);
	double in_state_ms = (double)(now - C.t_state) / 1e6;
	if (C.state < S_FINISH && now - C.t0 > (uint64_t)cfg.timeout_s * 1000000000ull) {
		C.timed_out = true;
		coord_abort("timed out after %d s (state %d, question %d)", cfg.timeout_s, C.state, C.q);
	}
	switch (C.state) {
	case S_CONNECT: {
		bool hosts_ok = true;
		for (int i = 0; i < C.nhost; i++)
			hosts_ok = hosts_ok && C.host[i].ok;
		if (!cfg.no_screen)
			hosts_ok = hosts_ok && C.screen.ok;
		if (!hosts_ok || s.joined + s.failed < (uint32_t)cfg.players)
			break;
		if (s.joined == 0) {
			coord_abort("no player could join");
			break;
		}
		if (strcmp(C.host[0].phase, "lobby") != 0) {
			coord_abort("contest %s is in phase '%s', not lobby: load a fresh contest", cfg.code,
				    C.host[0].phase);
			break;
		}
		C.t_joined = now;
		sample_servers(C.rss_joined, C.cpu_run0);
		C.nq = C.host[0].qcount;
		if (cfg.questions && cfg.questions < C.nq)
			C.nq = cfg.questions;
		if (cfg.scenario == LG_BURST && !cfg.questions)
			C.nq = 1;
		if (cfg.scenario == LG_RAMP && cfg.nrates < C.nq)
			C.nq = cfg.nrates;
		if (C.nq > LG_MAXQ)
			C.nq = LG_MAXQ;
		if (C.nq <= 0) {
			coord_abort("contest %s has no questions", cfg.code);
			break;
		}
		fprintf(stderr, "loadgen: %u players joined (%u failed) in %.1f s; playing %d question(s)\n",
			s.joined, s.failed, (double)(now - C.t0) / 1e9, C.nq);
		C.t_run0 = now;
		open_question(0);
		break;
	}
	case S_QUESTION: {
		double limit = C.host[0].time_limit_ms > 0 ? C.host[0].time_limit_ms : 20000;
		if (s.done[C.q] < s.joined && in_state_ms < limit + cfg.grace_ms)
			break;
		C.steps_run = C.q + 1;
		lg_fresh_reveal_sent(C.q, now);
		host_send("reveal");
		C.t_points = 0;
		goto_state(S_REVEAL);
		/* ramp: stop after two slow steps in a row (one can be a hiccup of a shared machine) */
		if (cfg.scenario == LG_RAMP && s.acked[C.q] && s.slow[C.q] * 100 > s.acked[C.q]) {
			if (++C.slow_steps >= 2) {
				C.stopped_slow = true;
				C.nq = C.q + 1;
			}
		} else if (cfg.scenario == LG_RAMP) {
			C.slow_steps = 0;
		}
		break;
	}
	case S_REVEAL: {
		/* shown: the host has the reveal, and in a reveal contest every player its points */
		bool shown =
			(!C.fair_play || C.host_reveal == C.q) && (!C.reveal || s.revealed[C.q] >= s.joined);
		if (!C.t_points && !shown && in_state_ms < LG_POINTS_WAIT_MS)
			break;
		if (!C.t_points) {
			C.t_points = now;
			if (!shown)
				fprintf(stderr,
					"loadgen: question %d not shown %d s after the reveal (host: %s, players with their points: %u of %u)\n",
					C.q + 1, LG_POINTS_WAIT_MS / 1000,
					C.host_reveal == C.q ? "yes" : "no", s.revealed[C.q], s.joined);
		}
		if ((double)(now - C.t_points) / 1e6 < cfg.reveal_wait_ms)
			break;
		if (C.q + 1 < C.nq) {
			open_question(C.q + 1);
		} else {
			host_send("end");
			C.t_run1 = now;
			goto_state(S_FINISH);
		}
		break;
	}
	case S_FINISH:
		/* give the last pushes a moment, then collect */
		if (in_state_ms < 300)
			break;
		if (!C.t_run1)
			C.t_run1 = now;
		sample_servers(C.rss_end, C.cpu_end);
		for (int w = 0; w < cfg.procs; w++)
			if (send(C.fd[w], "Q", 1, 0) < 0)
				C.final[w] = true;
		goto_state(S_COLLECT);
		break;
	case S_COLLECT: {
		bool all = true;
		for (int w = 0; w < cfg.procs; w++)
			all = all && C.final[w];
		if (all || in_state_ms > 30000)
			goto_state(S_DONE), uv_stop(C.loop);
		break;
	}
	}
}

static void on_worker(uv_poll_t *h, int status, int events)
{
	int w = (int)(intptr_t)h->data;
	lg_progress p;
	for (;;) {
		ssize_t n = recv(C.fd[w], &p, sizeof(p), MSG_DONTWAIT);
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			uv_poll_stop(h);
			if (!C.final[w] && C.state < S_COLLECT)
				coord_abort("worker %d exited early", w);
			C.final[w] = true;
			return;
		}
		if ((size_t)n != sizeof(p))
			continue;
		if (p.type == LG_MSG_PROGRESS)
			C.prog[w] = p;
		else if (p.type == LG_MSG_FINAL)
			C.final[w] = true;
		else {
			fprintf(stderr, "loadgen: worker %d could not write its result\n", w);
			C.final[w] = true;
		}
	}
}

/* ---------------------------------------------------------------- merge and report */

typedef struct merged {
	lg_result r;
	lg_ackrec *acks;
	size_t nacks;
	hist fanout, fanout_q[LG_MAXQ];
	uint64_t fanout_missing;
	lg_fresh_result fr;
	int totals_ok; /* workers whose players' totals were read */
	bool ok[LG_MAXPROCS];
} merged;

static merged M;

static void merge_worker(int w)
{
	char path[320];
	snprintf(path, sizeof(path), "%s/w%d.bin", cfg.tmpdir, w);
	FILE *f = fopen(path, "rb");
	if (!f)
		return;
	lg_result *r = malloc(sizeof(*r));
	if (!r || fread(r, sizeof(*r), 1, f) != 1) {
		free(r);
		fclose(f);
		return;
	}
	lg_ackrec *na = realloc(M.acks, (M.nacks + r->nackrec + 1) * sizeof(*na));
	if (na) {
		M.acks = na;
		M.nacks += fread(M.acks + M.nacks, sizeof(lg_ackrec), r->nackrec, f);
	}
	size_t nrecv = (size_t)r->nrecv_q * r->nrecv_p;
	uint64_t *recv = malloc((nrecv + 1) * sizeof(uint64_t));
	int64_t *pids = malloc((r->nrecv_p + 1) * sizeof(int64_t)),
		*after = malloc((nrecv + 1) * sizeof(int64_t));
	if (recv && fread(recv, sizeof(uint64_t), nrecv, f) == nrecv) {
		for (int q = 0; q < C.nq && q < (int)r->nrecv_q; q++)
			for (uint32_t i = 0; i < r->nrecv_p; i++) {
				uint64_t t = recv[(size_t)q * r->nrecv_p + i];
				if (!t || !C.t_cmd[q]) {
					if (q < C.steps_run)
						M.fanout_missing++;
					continue;
				}
				uint64_t us = t > C.t_cmd[q] ? (t - C.t_cmd[q]) / 1000 : 0;
				hist_record(&M.fanout, us);
				hist_record(&M.fanout_q[q], us);
			}
	}
	if (pids && after && fread(pids, sizeof(int64_t), r->nrecv_p, f) == r->nrecv_p &&
	    fread(after, sizeof(int64_t), nrecv, f) == nrecv &&
	    lg_fresh_add_players(pids, after, r->nrecv_q, r->nrecv_p) == 0)
		M.totals_ok++;
	free(recv);
	free(pids);
	free(after);
	fclose(f);
	unlink(path);
	lg_result *m = &M.r;
	m->players += r->players;
	m->opened += r->opened;
	m->joined += r->joined;
	m->answers += r->answers;
	m->acks += r->acks;
	m->dup_acks += r->dup_acks;
	m->retries += r->retries;
	m->reconnects += r->reconnects;
	m->resumes_ok += r->resumes_ok;
	for (uint32_t i = 0; i < r->verify_failed && i < 4; i++)
		if (m->verify_failed + i < 4)
			memcpy(m->verify_sample[m->verify_failed + i], r->verify_sample[i],
			       sizeof(r->verify_sample[i]));
	m->verify_failed += r->verify_failed;
	m->missing_acks += r->missing_acks;
	m->reveals_seen += r->reveals_seen;
	m->reveals_missed += r->reveals_missed;
	m->unsupported += r->unsupported;
	if (r->push_bytes > m->push_bytes)
		m->push_bytes = r->push_bytes;
	for (int q = 0; q < LG_MAXQ; q++) {
		if (r->t_first_sent[q] && (!m->t_first_sent[q] || r->t_first_sent[q] < m->t_first_sent[q]))
			m->t_first_sent[q] = r->t_first_sent[q];
		if (r->t_last_ack[q] > m->t_last_ack[q])
			m->t_last_ack[q] = r->t_last_ack[q];
		hist_merge(&m->ack_q[q], &r->ack_q[q]);
	}
	hist_merge(&m->setup, &r->setup);
	hist_merge(&m->open, &r->open);
	hist_merge(&m->ack, &r->ack);
	for (uint32_t i = 0; i < r->nerr; i++)
		lg_err_add(m, r->err[i].code, r->err[i].n);
	M.ok[w] = true;
	free(r);
}

static double ms(uint64_t us) { return (double)us / 1000.0; }

/* CPU seconds of the load generator itself: this process and its reaped workers. */
static double self_cpu_s(void)
{
	struct rusage a, b;
	getrusage(RUSAGE_SELF, &a);
	getrusage(RUSAGE_CHILDREN, &b);
	return (double)(a.ru_utime.tv_sec + a.ru_stime.tv_sec + b.ru_utime.tv_sec + b.ru_stime.tv_sec) +
	       (double)(a.ru_utime.tv_usec + a.ru_stime.tv_usec + b.ru_utime.tv_usec + b.ru_stime.tv_usec) /
		       1e6;
}

static void json_hist(FILE *f, const char *name, const hist *h, bool comma)
{
	fprintf(f,
		"\"%s\":{\"n\":%lu,\"min_ms\":%.3f,\"mean_ms\":%.3f,\"p50_ms\":%.3f,\"p90_ms\":%.3f,"
		"\"p99_ms\":%.3f,\"p999_ms\":%.3f,\"max_ms\":%.3f}%s",
		name, (unsigned long)h->count, ms(h->min), hist_mean(h) / 1000.0, ms(hist_percentile(h, 50)),
		ms(hist_percentile(h, 90)), ms(hist_percentile(h, 99)), ms(hist_percentile(h, 99.9)),
		ms(h->max), comma ? "," : "");
}

static double answers_per_s(int q0, int q1)
{
	uint64_t a = 0, b = 0, n = 0;
	for (int q = q0; q < q1; q++) {
		if (!M.r.t_first_sent[q] || !M.r.t_last_ack[q])
			continue;
		if (!a || M.r.t_first_sent[q] < a)
			a = M.r.t_first_sent[q];
		if (M.r.t_last_ack[q] > b)
			b = M.r.t_last_ack[q];
		n += M.r.ack_q[q].count;
	}
	/* over several questions, count only the time spent answering */
	if (q1 - q0 > 1) {
		double busy = 0;
		for (int q = q0; q < q1; q++)
			if (M.r.t_first_sent[q] && M.r.t_last_ack[q] > M.r.t_first_sent[q])
				busy += (double)(M.r.t_last_ack[q] - M.r.t_first_sent[q]) / 1e9;
		return busy > 0 ? (double)n / busy : 0;
	}
	return b > a ? (double)n / ((double)(b - a) / 1e9) : 0;
}

/*
 * The freshness keys of the bench: line. feedback says which figure the
 * run has: fresh_reveal_* (reveal contests, one sample per question) or
 * fresh_ack_* (instant contests, one per observed scoring ack).
 */
static void print_fresh(void)
{
	const lg_fresh_result *f = &M.fr;
	const lg_result *r = &M.r;
	printf("feedback=%s ", C.reveal ? "reveal" : "instant");
	if (C.reveal)
		printf("fresh_reveal_n=%lu fresh_reveal_p50_ms=%.1f fresh_reveal_p99_ms=%.1f "
		       "fresh_reveal_max_ms=%.1f fresh_reveal_unseen=%lu fresh_reveal_unknown=%lu "
		       "fresh_reveal_same=%lu fresh_reveal_early=%lu reveals_missed=%lu ",
		       (unsigned long)f->reveal.count, ms(hist_percentile(&f->reveal, 50)),
		       ms(hist_percentile(&f->reveal, 99)), ms(f->reveal.max),
		       (unsigned long)f->reveal_unseen, (unsigned long)f->reveal_unknown,
		       (unsigned long)f->reveal_same, (unsigned long)f->reveal_early,
		       (unsigned long)r->reveals_missed);
	else
		printf("fresh_ack_n=%lu fresh_ack_p50_ms=%.1f fresh_ack_p99_ms=%.1f ",
		       (unsigned long)f->ack.count, ms(hist_percentile(&f->ack, 50)),
		       ms(hist_percentile(&f->ack, 99)));
}

static void json_fresh(FILE *out)
{
	const lg_fresh_result *f = &M.fr;
	fprintf(out,
		"\"freshness\":{\"feedback\":\"%s\",\"leaderboards\":%lu,\"acks_unobserved\":%lu,"
		"\"reveal_unseen\":%lu,\"reveal_unknown\":%lu,\"reveal_same\":%lu,\"reveal_early\":%lu,"
		"\"reveals_checked\":%lu,\"reveals_missed\":%lu,\"reveal_ms\":[",
		C.reveal ? "reveal" : "instant", (unsigned long)f->boards, (unsigned long)f->ack_unseen,
		(unsigned long)f->reveal_unseen, (unsigned long)f->reveal_unknown,
		(unsigned long)f->reveal_same, (unsigned long)f->reveal_early,
		(unsigned long)M.r.reveals_seen, (unsigned long)M.r.reveals_missed);
	/* per question: ms, or null when not timed (see reveal_*) */
	for (int q = 0; q < C.steps_run; q++)
		if (f->reveal_us[q] >= 0)
			fprintf(out, "%s%.3f", q ? "," : "", (double)f->reveal_us[q] / 1000.0);
		else
			fprintf(out, "%snull", q ? "," : "");
	fprintf(out, "],");
	json_hist(out, "reveal", &f->reveal, true);
	json_hist(out, "ack", &f->ack, false);
	fprintf(out, "}");
}

static int report(void)
{
	lg_result *r = &M.r;
	uint64_t errors = 0;
	for (uint32_t i = 0; i < r->nerr; i++)
		errors += r->err[i].n;
	int64_t rss_delta = 0, rss_total = 0;
	double cpu = 0, wall = C.t_run1 > C.t_run0 ? (double)(C.t_run1 - C.t_run0) / 1e9 : 0;
	for (int i = 0; i < cfg.npids; i++) {
		rss_delta += C.rss_joined[i] - C.rss0[i];
		rss_total += C.rss_joined[i];
		cpu += C.cpu_end[i] - C.cpu_run0[i];
	}
	double rss_per_conn = r->joined ? (double)rss_delta / (double)r->joined : 0;
	double aps = answers_per_s(0, C.steps_run);
	/* ramp: the highest step rate whose p99 stayed under slow_ms */
	double ramp_ok_rate = 0, ramp_ok_achieved = 0;
	if (cfg.scenario == LG_RAMP)
		for (int q = 0; q < C.steps_run; q++)
			if (M.r.ack_q[q].count && ms(hist_percentile(&M.r.ack_q[q], 99)) <= cfg.slow_ms) {
				ramp_ok_rate = cfg.rates[q];
				double a = answers_per_s(q, q + 1);
				if (a > ramp_ok_achieved)
					ramp_ok_achieved = a;
			}
	const char *label = cfg.label ? cfg.label : (const char *[]){"live", "burst", "ramp"}[cfg.scenario];
	const char *target = cfg.target ? cfg.target : "skillarena";
	lg_progress fin;
	sum_progress(&fin);
	uint64_t unanswered = 0;
	for (int q = 0; q < C.steps_run; q++)
		if (fin.done[q] < r->joined)
			unanswered += r->joined - fin.done[q];
	bool complete = !C.abort_msg[0] && r->missing_acks == 0 && r->verify_failed == 0 &&
			r->joined == (uint64_t)cfg.players && unanswered == 0 &&
			(!C.reveal || (r->reveals_missed == 0 && M.fr.reveal_early == 0 &&
				       M.fr.reveal_unseen == 0 && M.totals_ok == cfg.procs));

	printf("bench: scenario=%s target=%s players=%d procs=%d joined=%lu questions=%d "
	       "setup_p50_ms=%.1f setup_p99_ms=%.1f "
	       "acks=%lu ack_p50_ms=%.2f ack_p90_ms=%.2f ack_p99_ms=%.2f ack_max_ms=%.2f answers_per_s=%.0f "
	       "fanout_p50_ms=%.1f fanout_p99_ms=%.1f fanout_max_ms=%.1f push_bytes=%lu ",
	       label, target, cfg.players, cfg.procs, (unsigned long)r->joined, C.steps_run,
	       ms(hist_percentile(&r->setup, 50)), ms(hist_percentile(&r->setup, 99)), (unsigned long)r->acks,
	       ms(hist_percentile(&r->ack, 50)), ms(hist_percentile(&r->ack, 90)),
	       ms(hist_percentile(&r->ack, 99)), ms(r->ack.max), aps, ms(hist_percentile(&M.fanout, 50)),
	       ms(hist_percentile(&M.fanout, 99)), ms(M.fanout.max), (unsigned long)r->push_bytes);
	print_fresh();
	printf("rss_kib_per_conn=%.2f rss_total_kib_per_conn=%.2f server_cpu_pct=%.0f loadgen_cpu_s=%.1f errors=%lu missing_acks=%lu unanswered=%lu verify_failed=%lu",
	       rss_per_conn, r->joined ? (double)rss_total / (double)r->joined : 0,
	       wall > 0 ? 100.0 * cpu / wall : 0, self_cpu_s(), (unsigned long)errors,
	       (unsigned long)r->missing_acks, (unsigned long)unanswered, (unsigned long)r->verify_failed);
	if (cfg.scenario == LG_RAMP)
		printf(" ramp_ok_rate=%.0f ramp_ok_achieved=%.0f ramp_stopped_slow=%d", ramp_ok_rate,
		       ramp_ok_achieved, C.stopped_slow);
	printf(" complete=%d\n", complete);
	fflush(stdout);

	if (cfg.json) {
		FILE *f = fopen(cfg.json, "w");
		if (!f) {
			fprintf(stderr, "loadgen: cannot write '%s': %s\n", cfg.json, strerror(errno));
			return 1;
		}
		fprintf(f,
			"{\"scenario\":\"%s\",\"target\":\"%s\",\"code\":\"%s\",\"players\":%d,\"procs\":%d,"
			"\"ports\":%d,\"complete\":%s,\"abort\":\"%s\",\n",
			label, target, cfg.code, cfg.players, cfg.procs, cfg.nports,
			complete ? "true" : "false", C.abort_msg);
		fprintf(f,
			"\"config\":{\"think\":[%d,%g,%g],\"wrong\":%g,\"retry\":%g,\"reconnect\":%g,\"slow_ms\":%g,"
			"\"connect_rate\":%d},\n",
			cfg.think.kind, cfg.think.a, cfg.think.b, cfg.wrong, cfg.retry, cfg.reconnect,
			cfg.slow_ms, cfg.connect_rate);
		fprintf(f, "\"connections\":{\"opened\":%lu,\"joined\":%lu,", (unsigned long)r->opened,
			(unsigned long)r->joined);
		json_hist(f, "open", &r->open, true);
		json_hist(f, "setup", &r->setup, false);
		fprintf(f,
			"},\n\"answers\":{\"sent\":%lu,\"acks\":%lu,\"dup_acks\":%lu,\"retries\":%lu,"
			"\"reconnects\":%lu,\"resumes_ok\":%lu,\"unanswered\":%lu,\"missing_acks\":%lu,\"verify_failed\":%lu,"
			"\"unsupported\":%lu,\"per_s\":%.1f,",
			(unsigned long)r->answers, (unsigned long)r->acks, (unsigned long)r->dup_acks,
			(unsigned long)r->retries, (unsigned long)r->reconnects, (unsigned long)r->resumes_ok,
			(unsigned long)unanswered, (unsigned long)r->missing_acks,
			(unsigned long)r->verify_failed, (unsigned long)r->unsupported, aps);
		fprintf(f, "\"verify_samples\":[");
		for (uint64_t i = 0; i < r->verify_failed && i < 4; i++) {
			cJSON *s = cJSON_CreateString(r->verify_sample[i]);
			char *t = cJSON_PrintUnformatted(s);
			fprintf(f, "%s%s", i ? "," : "", t);
			free(t);
			cJSON_Delete(s);
		}
		fprintf(f, "],");
		json_hist(f, "ack", &r->ack, false);
		fprintf(f, "},\n\"errors\":{");
		for (uint32_t i = 0; i < r->nerr; i++)
			fprintf(f, "%s\"%s\":%lu", i ? "," : "", r->err[i].code, (unsigned long)r->err[i].n);
		fprintf(f, "},\n\"questions\":[");
		for (int q = 0; q < C.steps_run; q++) {
			fprintf(f, "%s\n {\"index\":%d,", q ? "," : "", q);
			if (cfg.scenario == LG_RAMP)
				fprintf(f, "\"rate_target\":%g,",
					cfg.rates[q < cfg.nrates ? q : cfg.nrates - 1]);
			fprintf(f, "\"answers_per_s\":%.1f,", answers_per_s(q, q + 1));
			json_hist(f, "ack", &r->ack_q[q], true);
			json_hist(f, "fanout", &M.fanout_q[q], false);
			fprintf(f, "}");
		}
		fprintf(f, "],\n");
		json_hist(f, "fanout", &M.fanout, true);
		fprintf(f, "\"fanout_missing\":%lu,\"push_bytes\":%lu,\n", (unsigned long)M.fanout_missing,
			(unsigned long)r->push_bytes);
		json_fresh(f);
		fprintf(f, ",\n\"server\":{\"wall_s\":%.3f,\"cpu_s\":%.3f,\"rss_kib_before\":[", wall, cpu);
		for (int i = 0; i < cfg.npids; i++)
			fprintf(f, "%s%ld", i ? "," : "", (long)C.rss0[i]);
		fprintf(f, "],\"rss_kib_joined\":[");
		for (int i = 0; i < cfg.npids; i++)
			fprintf(f, "%s%ld", i ? "," : "", (long)C.rss_joined[i]);
		fprintf(f, "],\"rss_kib_end\":[");
		for (int i = 0; i < cfg.npids; i++)
			fprintf(f, "%s%ld", i ? "," : "", (long)C.rss_end[i]);
		fprintf(f, "],\"rss_kib_per_conn\":%.3f,\"rss_kib_total_per_conn\":%.3f}", rss_per_conn,
			r->joined ? (double)rss_total / (double)r->joined : 0);
		if (cfg.scenario == LG_RAMP)
			fprintf(f, ",\n\"ramp\":{\"ok_rate\":%.0f,\"ok_achieved\":%.1f,\"stopped_slow\":%s}",
				ramp_ok_rate, ramp_ok_achieved, C.stopped_slow ? "true" : "false");
		fprintf(f, "\n}\n");
		fclose(f);
	}
	if (r->verify_failed)
		for (uint64_t i = 0; i < r->verify_failed && i < 4; i++)
			fprintf(stderr, "loadgen: verify: %s\n", r->verify_sample[i]);
	return complete ? 0 : 1;
}

static int run(int argc, char **argv)
{
	cfg.players = 100;
	cfg.path = "/ws";
	cfg.think = (lg_think){LG_THINK_UNIFORM, 200, 2000, 0};
	cfg.wrong = 0.3;
	cfg.slow_ms = 100;
	cfg.connect_rate = 4000;
	cfg.timeout_s = 300;
	cfg.reveal_wait_ms = 200;
	cfg.grace_ms = 3000;
	cfg.seed = 1;
	cfg.change = 0.1;
	cfg.flag = 0.05;
	cfg.skip = 0.02;
	cfg.time_scale = 1;
	cfg.arrival_rate = 100;
	cfg.board_share = 1;
	cfg.step_ms = 10000;
	lg_opts_parse(&cfg, argc, argv);
	if (!cfg.host || !cfg.code)
		lg_die("run needs --url and --code (see --help)");
	if (!cfg.token)
		lg_die("run needs --token (the organizer token: the load generator is also the host)");
	if ((cfg.scenario == LG_RAMP || cfg.scenario == LG_SAVERAMP) && cfg.nrates == 0)
		lg_die("--scenario ramp and saveramp need --rates");
	if (cfg.scenario == LG_BURST && cfg.think.kind == LG_THINK_UNIFORM && cfg.think.a == 200 &&
	    cfg.think.b == 2000)
		cfg.think = (lg_think){LG_THINK_UNIFORM, 0, 2000, 0};
	if (!cfg.procs)
		cfg.procs = (cfg.players + 7999) / 8000;
	if (cfg.procs > cfg.players)
		cfg.procs = cfg.players;
	if (cfg.players / cfg.procs > 19000)
		lg_die("%d players over %d processes exceeds the 20,000 open files a process may hold here: raise --procs",
		       cfg.players, cfg.procs);
	snprintf(cfg.tmpdir, sizeof(cfg.tmpdir), "/tmp/loadgen.%d", (int)getpid());
	if (mkdir(cfg.tmpdir, 0700) < 0 && errno != EEXIST)
		lg_die("cannot create %s: %s", cfg.tmpdir, strerror(errno));
	signal(SIGPIPE, SIG_IGN);
	if (cfg.scenario >= LG_EXAM)
		return lg_paced_run(&cfg);

	sample_servers(C.rss0, C.cpu0);
	C.t0 = lg_now_ns();
	fflush(NULL);
	int per = cfg.players / cfg.procs, extra = cfg.players % cfg.procs, first = 0;
	for (int w = 0; w < cfg.procs; w++) {
		int sv[2];
		if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) < 0)
			lg_die("socketpair: %s", strerror(errno));
		C.first[w] = first;
		C.count[w] = per + (w < extra);
		first += C.count[w];
		pid_t pid = fork();
		if (pid < 0)
			lg_die("fork: %s", strerror(errno));
		if (pid == 0) {
			close(sv[0]);
			for (int k = 0; k < w; k++)
				close(C.fd[k]);
			lg_worker_main(&cfg, w, C.first[w], C.count[w], sv[1]);
		}
		close(sv[1]);
		C.fd[w] = sv[0];
		C.child[w] = pid;
	}

	C.loop = uv_default_loop();
	for (int w = 0; w < cfg.procs; w++) {
		uv_poll_init(C.loop, &C.poll[w], C.fd[w]);
		C.poll[w].data = (void *)(intptr_t)w;
		uv_poll_start(&C.poll[w], UV_READABLE, on_worker);
	}
	for (int i = 0; i < cfg.nports; i++) {
		uv_ip4_addr(cfg.host, cfg.ports[i], &C.addr[i]);
		snprintf(C.hostport[i], sizeof(C.hostport[i]), "%s:%d", cfg.host, cfg.ports[i]);
	}
	C.nhost = cfg.host_all ? cfg.nports : 1;
	for (int i = 0; i < C.nhost; i++) {
		C.host[i].port_i = i;
		wsc_connect(&C.host[i].ws, C.loop, (struct sockaddr *)&C.addr[i], C.hostport[i], cfg.path,
			    &host_ops, &C.host[i]);
	}
	if (!cfg.no_screen) {
		int sp = cfg.nports - 1; /* another process than the host's when there are several */
		wsc_connect(&C.screen.ws, C.loop, (struct sockaddr *)&C.addr[sp], C.hostport[sp], cfg.path,
			    &host_ops, &C.screen);
	}
	uv_timer_init(C.loop, &C.tick);
	uv_timer_start(&C.tick, on_tick, 10, 5);
	C.host_reveal = -1;
	goto_state(S_CONNECT);
	uv_run(C.loop, UV_RUN_DEFAULT);

	for (int w = 0; w < cfg.procs; w++) {
		merge_worker(w);
		if (!M.ok[w])
			fprintf(stderr, "loadgen: no result from worker %d\n", w);
		int st, tries = 0;
		while (waitpid(C.child[w], &st, WNOHANG) == 0) {
			if (++tries > 200) { /* 2 s: a worker that did not exit after its result */
				kill(C.child[w], SIGKILL);
				waitpid(C.child[w], &st, 0);
				break;
			}
			usleep(10000);
		}
	}
	rmdir(cfg.tmpdir);
	lg_fresh_compute(M.acks, M.nacks, C.steps_run, C.reveal, &M.fr);
	int rc = report();
	lg_fresh_free();
	free(M.acks);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		lg_usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "run") == 0)
		return run(argc - 2, argv + 2);
	if (strcmp(argv[1], "mkcontest") == 0)
		return lg_mkcontest(argc - 2, argv + 2);
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		lg_usage(stdout);
		return 0;
	}
	lg_die("unknown command '%s' (run, mkcontest)", argv[1]);
}
