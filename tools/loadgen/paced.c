/*
 * paced.c - the coordinator of the self-paced scenarios (exam, mass,
 * saveramp; paced.h): forks the workers (paced_player.c), tells them when
 * to go and, in the save ramp, which step runs; samples the server
 * processes' memory and CPU; merges the workers' results and prints one
 * "bench:" line (and JSON with every histogram).
 *
 *   exam      waits for every participant to join, says go (the attempts
 *             start over --start-spread-ms / --time-scale), waits for every
 *             session to end
 *   mass      says go at once (sessions arrive at --arrival-rate), waits
 *             for every session to end
 *   saveramp  waits for every participant to join, says go (each starts an
 *             attempt), then runs step k for --step-ms, pauses until no
 *             save is in flight, and goes on while fewer than two steps in a
 *             row had more than 1 % of their saves slower than --slow-ms
 *
 * Figures: save acknowledgement (save sent -> saved, after PostgreSQL
 * committed it) p50/p90/p99/max over the run and per 5 s of it (the peak:
 * the 5 s with the most saves sent, its rate and its p99), answers/s (saves
 * acknowledged over the time from the first save sent to the last ack),
 * attempts/s (results checked a second, the median over 5 s spans of the
 * steady state),
 * attempt_start -> attempt, flag, review, submit -> result, GET board,
 * connect -> joined; server memory growth per participant (the highest
 * VmRSS sum during the run less the one before, over the most participants
 * connected at once) and server CPU.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "paced.h"

#define PC_MAXPROCS 16

enum { C_CONNECT, C_RUN, C_STEP, C_DRAIN, C_FINISH, C_COLLECT, C_DONE };

static struct pcoord {
	lg_config *cfg;
	uv_loop_t *loop;
	uv_timer_t tick;
	uv_poll_t poll[PC_MAXPROCS];
	int fd[PC_MAXPROCS];
	pid_t child[PC_MAXPROCS];
	pc_progress prog[PC_MAXPROCS];
	int final[PC_MAXPROCS];
	int state, step, slow_steps, stopped_slow, steps_run, timed_out;
	uint64_t t0, t_state, t_run0, t_run1, t_sample;
	int64_t rss0, rss_max;
	uint32_t conn_max;
	double cpu0, cpu1;
	char abort_msg[256];
	uint32_t step_acked[LG_MAXQ], step_slow[LG_MAXQ];
} K;

static pc_result R; /* merged */

/* ------------------------------------------------------------ the server processes */

static int64_t rss_kib(int pid)
{
	char path[64], line[256];
	int64_t v = -1;
	snprintf(path, sizeof path, "/proc/%d/status", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "VmRSS: %ld", &v) == 1)
			break;
	fclose(f);
	return v;
}

static double cpu_s(int pid)
{
	char path[64], buf[1024];
	unsigned long ut = 0, st = 0;
	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = 0;
	char *p = strrchr(buf, ')');
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
		return 0;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static int64_t servers_rss(void)
{
	int64_t s = 0;
	for (int i = 0; i < K.cfg->npids; i++)
		s += rss_kib(K.cfg->pids[i]);
	return s;
}

static double servers_cpu(void)
{
	double s = 0;
	for (int i = 0; i < K.cfg->npids; i++)
		s += cpu_s(K.cfg->pids[i]);
	return s;
}

/* ------------------------------------------------------------ the run */

static void coord_abort(const char *fmt, ...)
{
	va_list ap;
	if (K.abort_msg[0])
		return;
	va_start(ap, fmt);
	vsnprintf(K.abort_msg, sizeof K.abort_msg, fmt, ap);
	va_end(ap);
	fprintf(stderr, "loadgen: %s\n", K.abort_msg);
	K.state = C_FINISH;
}

static void tell(char cmd, int step)
{
	unsigned char b[2] = {(unsigned char)cmd, (unsigned char)step};
	for (int w = 0; w < K.cfg->procs; w++)
		if (!K.final[w] && send(K.fd[w], b, sizeof b, 0) < 0)
			K.final[w] = 1;
}

static void to(int s)
{
	K.state = s;
	K.t_state = lg_now_ns();
}

static void sum_progress(pc_progress *s)
{
	memset(s, 0, sizeof *s);
	for (int w = 0; w < K.cfg->procs; w++) {
		const pc_progress *p = &K.prog[w];
		s->opened += p->opened, s->joined += p->joined, s->failed += p->failed;
		s->started += p->started, s->done += p->done, s->connected += p->connected;
		s->inflight += p->inflight;
		for (int q = 0; q < LG_MAXQ; q++)
			s->acked[q] += p->acked[q], s->slow[q] += p->slow[q];
	}
}

static void go(uint64_t now)
{
	K.t_run0 = now;
	K.cpu0 = servers_cpu();
	tell(PC_GO, 0);
}

static void step_start(int k)
{
	K.step = k;
	fprintf(stderr, "loadgen: save ramp step %d: %.0f saves/s for %d ms\n", k + 1, K.cfg->rates[k],
		K.cfg->step_ms);
	tell(PC_STEP, k);
	to(C_STEP);
}

/* Save ramp: the step just drained; the next one, or the end after two slow steps in a row. */
static void step_judge(const pc_progress *s)
{
	int k = K.step;
	K.steps_run = k + 1;
	K.step_acked[k] = s->acked[k];
	K.step_slow[k] = s->slow[k];
	if (!s->acked[k] || s->slow[k] * 100 > s->acked[k]) {
		if (++K.slow_steps >= 2) {
			K.stopped_slow = 1;
			return to(C_FINISH);
		}
	} else {
		K.slow_steps = 0;
	}
	if (k + 1 < K.cfg->nrates && k + 1 < LG_MAXQ)
		return step_start(k + 1);
	to(C_FINISH);
}

static void on_tick(uv_timer_t *t)
{
	lg_config *c = K.cfg;
	uint64_t now = lg_now_ns();
	double in_ms = (double)(now - K.t_state) / 1e6;
	pc_progress s;
	sum_progress(&s);
	if (s.connected > K.conn_max)
		K.conn_max = s.connected;
	if (now - K.t_sample > 500000000ull) {
		int64_t r = servers_rss();
		K.t_sample = now;
		if (r > K.rss_max)
			K.rss_max = r;
	}
	if (K.state < C_FINISH && now - K.t0 > (uint64_t)c->timeout_s * 1000000000ull) {
		K.timed_out = 1;
		coord_abort("timed out after %d s (%u of %d sessions ended)", c->timeout_s, s.done,
			    c->players);
	}
	switch (K.state) {
	case C_CONNECT:
		if (c->scenario == LG_MASS) {
			go(now);
			to(C_RUN);
		} else if (s.joined + s.failed >= (uint32_t)c->players) {
			if (!s.joined)
				return coord_abort("no participant could join");
			fprintf(stderr, "loadgen: %u participants joined (%u failed) in %.1f s\n", s.joined,
				s.failed, (double)(now - K.t0) / 1e9);
			go(now);
			to(C_RUN);
		}
		break;
	case C_RUN:
		if (c->scenario == LG_SAVERAMP) {
			if (s.started + s.done >= (uint32_t)c->players) { /* done: those that failed */
				fprintf(stderr, "loadgen: %u attempts started in %.1f s\n", s.started,
					in_ms / 1000);
				step_start(0);
			}
		} else if (s.done >= (uint32_t)c->players) {
			to(C_FINISH);
		}
		break;
	case C_STEP:
		if (in_ms >= c->step_ms) {
			tell(PC_PAUSE, 0);
			to(C_DRAIN);
		}
		break;
	case C_DRAIN:
		if ((s.inflight == 0 && in_ms > 200) || in_ms > 5000)
			step_judge(&s);
		break;
	case C_FINISH:
		if (!K.t_run1)
			K.t_run1 = now;
		if (!K.t_run0)
			K.t_run0 = now;
		K.cpu1 = servers_cpu();
		tell(PC_QUIT, 0);
		to(C_COLLECT);
		break;
	case C_COLLECT: {
		int all = 1;
		for (int w = 0; w < c->procs; w++)
			all = all && K.final[w];
		if (all || in_ms > 30000) {
			to(C_DONE);
			uv_stop(K.loop);
		}
		break;
	}
	}
}

static void on_worker(uv_poll_t *h, int status, int events)
{
	int w = (int)(intptr_t)h->data;
	pc_progress p;
	for (;;) {
		ssize_t n = recv(K.fd[w], &p, sizeof p, MSG_DONTWAIT);
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			uv_poll_stop(h);
			if (!K.final[w] && K.state < C_COLLECT)
				coord_abort("worker %d exited early", w);
			K.final[w] = 1;
			return;
		}
		if ((size_t)n != sizeof p)
			continue;
		if (p.type == LG_MSG_PROGRESS)
			K.prog[w] = p;
		else
			K.final[w] = 1;
	}
}

/* ------------------------------------------------------------ merge and report */

static void err_merge(pc_result *m, const lg_errcount *e)
{
	for (uint32_t i = 0; i < m->nerr; i++)
		if (strcmp(m->err[i].code, e->code) == 0) {
			m->err[i].n += e->n;
			return;
		}
	if (m->nerr < LG_MAXERR)
		m->err[m->nerr++] = *e;
}

#define SUM(f) m->f += r->f
static int merge_worker(int w)
{
	char path[320];
	pc_result *r = malloc(sizeof *r), *m = &R;
	snprintf(path, sizeof path, "%s/w%d.bin", K.cfg->tmpdir, w);
	FILE *f = fopen(path, "rb");
	int ok = r && f && fread(r, sizeof *r, 1, f) == 1;
	if (f)
		fclose(f);
	unlink(path);
	if (!ok) {
		free(r);
		return -1;
	}
	SUM(players), SUM(sessions), SUM(opened), SUM(joined), SUM(started), SUM(submitted), SUM(results_ok);
	SUM(done), SUM(saves), SUM(saved), SUM(changes), SUM(retries), SUM(dup_acks), SUM(flags),
		SUM(reviews);
	SUM(boards_ok), SUM(boards_failed), SUM(stored_changes), SUM(stored_answers), SUM(missing),
		SUM(backlog);
	for (uint64_t i = 0; i < r->verify_failed && m->verify_failed + i < 4; i++)
		memcpy(m->verify_sample[m->verify_failed + i], r->verify_sample[i],
		       sizeof r->verify_sample[i]);
	SUM(verify_failed);
	if (r->t_first_save && (!m->t_first_save || r->t_first_save < m->t_first_save))
		m->t_first_save = r->t_first_save;
	if (r->t_last_saved > m->t_last_saved)
		m->t_last_saved = r->t_last_saved;
	if (r->t_first_result && (!m->t_first_result || r->t_first_result < m->t_first_result))
		m->t_first_result = r->t_first_result;
	if (r->t_last_result > m->t_last_result)
		m->t_last_result = r->t_last_result;
	hist *mh[] = {&m->setup, &m->start, &m->save, &m->dup, &m->flag, &m->review, &m->submit, &m->board};
	hist *rh[] = {&r->setup, &r->start, &r->save, &r->dup, &r->flag, &r->review, &r->submit, &r->board};
	for (size_t i = 0; i < sizeof mh / sizeof mh[0]; i++)
		hist_merge(mh[i], rh[i]);
	for (int q = 0; q < LG_MAXQ; q++) {
		hist_merge(&m->step[q], &r->step[q]);
		SUM(step_sent[q]);
	}
	for (int b = 0; b < PC_BUCKETS; b++) {
		hist_merge(&m->bucket[b], &r->bucket[b]);
		SUM(results[b]);
	}
	for (uint32_t i = 0; i < r->nerr; i++)
		err_merge(m, &r->err[i]);
	free(r);
	return 0;
}
#undef SUM

static double ms(uint64_t us) { return (double)us / 1000.0; }
static double p_ms(const hist *h, double p) { return ms(hist_percentile(h, p)); }

static double self_cpu_s(void)
{
	struct rusage a, b;
	getrusage(RUSAGE_SELF, &a);
	getrusage(RUSAGE_CHILDREN, &b);
	return (double)(a.ru_utime.tv_sec + a.ru_stime.tv_sec + b.ru_utime.tv_sec + b.ru_stime.tv_sec) +
	       (double)(a.ru_utime.tv_usec + a.ru_stime.tv_usec + b.ru_utime.tv_usec + b.ru_stime.tv_usec) /
		       1e6;
}

static void json_hist(FILE *f, const char *name, const hist *h, const char *after)
{
	fprintf(f,
		"\"%s\":{\"n\":%lu,\"min_ms\":%.3f,\"mean_ms\":%.3f,\"p50_ms\":%.3f,\"p90_ms\":%.3f,\"p99_ms\":%.3f,"
		"\"p999_ms\":%.3f,\"max_ms\":%.3f}%s",
		name, (unsigned long)h->count, ms(h->min), hist_mean(h) / 1000.0, p_ms(h, 50), p_ms(h, 90),
		p_ms(h, 99), p_ms(h, 99.9), ms(h->max), after);
}

/* The busiest 5 s of the run (most saves sent): its index, or -1. */
static int peak_bucket(void)
{
	int best = -1;
	for (int b = 0; b < PC_BUCKETS; b++)
		if (R.bucket[b].count && (best < 0 || R.bucket[b].count > R.bucket[best].count))
			best = b;
	return best;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/*
 * Attempts ended per second in the steady state: the median over the 5 s
 * spans between the first and the last one with a result, both left out
 * (the ramp-up while the first sessions are still answering and the tail
 * after the last arrival); over every span when there are fewer than three.
 */
static double steady_results_per_s(void)
{
	uint32_t v[PC_BUCKETS];
	int a = -1, z = -1, n = 0;
	for (int b = 0; b < PC_BUCKETS; b++)
		if (R.results[b]) {
			if (a < 0)
				a = b;
			z = b;
		}
	if (a < 0)
		return 0;
	if (z - a >= 2)
		a++, z--;
	for (int b = a; b <= z; b++)
		v[n++] = R.results[b];
	qsort(v, (size_t)n, sizeof v[0], cmp_u32);
	double med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
	return med / (PC_BUCKET_MS / 1000.0);
}

typedef struct pc_figures {
	uint64_t errors;
	double wall, cpu_pct, aps, peak_rate, peak_p99, rss_per, attempts_per_s, ok_rate, ok_achieved;
	int complete;
} pc_figures;

static void figures(pc_figures *x)
{
	lg_config *c = K.cfg;
	memset(x, 0, sizeof *x);
	for (uint32_t i = 0; i < R.nerr; i++)
		x->errors += R.err[i].n;
	x->wall = K.t_run1 > K.t_run0 ? (double)(K.t_run1 - K.t_run0) / 1e9 : 0;
	x->cpu_pct = x->wall > 0 ? 100.0 * (K.cpu1 - K.cpu0) / x->wall : 0;
	double span = R.t_last_saved > R.t_first_save ? (double)(R.t_last_saved - R.t_first_save) / 1e9 : 0;
	x->aps = span > 0 ? (double)R.saved / span : 0;
	int pb = peak_bucket();
	x->peak_rate = pb >= 0 ? (double)R.bucket[pb].count / (PC_BUCKET_MS / 1000.0) : 0;
	x->peak_p99 = pb >= 0 ? p_ms(&R.bucket[pb], 99) : 0;
	x->rss_per = K.conn_max && K.rss_max > K.rss0 ? (double)(K.rss_max - K.rss0) / K.conn_max : 0;
	x->attempts_per_s = steady_results_per_s();
	for (int k = 0; k < K.steps_run; k++) {
		double got = (double)R.step[k].count / (c->step_ms / 1000.0);
		if (R.step[k].count && p_ms(&R.step[k], 99) <= c->slow_ms) {
			x->ok_rate = c->rates[k];
			if (got > x->ok_achieved)
				x->ok_achieved = got;
		}
	}
	int all_done = c->scenario == LG_SAVERAMP ? R.started == (uint64_t)c->players
						  : R.results_ok == (uint64_t)c->players;
	x->complete = !K.abort_msg[0] && all_done && R.joined == (uint64_t)c->players && !R.verify_failed &&
		      !R.missing && !x->errors;
}

static void print_line(const pc_figures *x, const char *label, const char *target)
{
	lg_config *c = K.cfg;
	printf("bench: scenario=%s target=%s players=%d procs=%d joined=%lu sessions=%lu setup_p50_ms=%.1f "
	       "setup_p99_ms=%.1f attempts_started=%lu start_p50_ms=%.1f start_p99_ms=%.1f saves=%lu saved=%lu "
	       "save_p50_ms=%.2f save_p90_ms=%.2f save_p99_ms=%.2f save_max_ms=%.2f answers_per_s=%.0f "
	       "saves_peak_per_s=%.0f save_p99_peak_ms=%.2f flag_p99_ms=%.1f review_p99_ms=%.1f submit_p99_ms=%.1f "
	       "results_ok=%lu attempts_per_s=%.1f boards=%lu board_p50_ms=%.1f board_p99_ms=%.1f peak_connected=%u "
	       "rss_kib_per_participant=%.2f rss_growth_kib=%ld server_cpu_pct=%.0f loadgen_cpu_s=%.1f "
	       "stored_changes=%lu stored_answers=%lu errors=%lu missing=%lu verify_failed=%lu backlog=%lu",
	       label, target, c->players, c->procs, (unsigned long)R.joined, (unsigned long)R.sessions,
	       p_ms(&R.setup, 50), p_ms(&R.setup, 99), (unsigned long)R.started, p_ms(&R.start, 50),
	       p_ms(&R.start, 99), (unsigned long)R.saves, (unsigned long)R.saved, p_ms(&R.save, 50),
	       p_ms(&R.save, 90), p_ms(&R.save, 99), ms(R.save.max), x->aps, x->peak_rate, x->peak_p99,
	       p_ms(&R.flag, 99), p_ms(&R.review, 99), p_ms(&R.submit, 99), (unsigned long)R.results_ok,
	       x->attempts_per_s, (unsigned long)R.boards_ok, p_ms(&R.board, 50), p_ms(&R.board, 99),
	       K.conn_max, x->rss_per, (long)(K.rss_max - K.rss0), x->cpu_pct, self_cpu_s(),
	       (unsigned long)R.stored_changes, (unsigned long)R.stored_answers, (unsigned long)x->errors,
	       (unsigned long)R.missing, (unsigned long)R.verify_failed, (unsigned long)R.backlog);
	if (c->scenario == LG_MASS)
		printf(" arrival_rate=%.1f", c->arrival_rate);
	if (c->scenario == LG_SAVERAMP) {
		printf(" ramp_ok_rate=%.0f ramp_ok_achieved=%.0f ramp_stopped_slow=%d ramp_steps=",
		       x->ok_rate, x->ok_achieved, K.stopped_slow);
		for (int k = 0; k < K.steps_run; k++)
			printf("%s%.0f:%.0f:%.1f", k ? "," : "", c->rates[k],
			       R.step[k].count / (c->step_ms / 1000.0), p_ms(&R.step[k], 99));
	}
	printf(" complete=%d\n", x->complete);
	fflush(stdout);
}

static int write_json(const pc_figures *x, const char *label, const char *target)
{
	lg_config *c = K.cfg;
	FILE *f = fopen(c->json, "w");
	if (!f) {
		fprintf(stderr, "loadgen: cannot write '%s': %s\n", c->json, strerror(errno));
		return -1;
	}
	fprintf(f,
		"{\"scenario\":\"%s\",\"target\":\"%s\",\"code\":\"%s\",\"players\":%d,\"procs\":%d,\"complete\":%s,"
		"\"abort\":\"%s\",\n\"config\":{\"think\":[%d,%g,%g,%g],\"time_scale\":%g,\"wrong\":%g,\"change\":%g,"
		"\"flag\":%g,\"skip\":%g,\"retry\":%g,\"arrival_rate\":%g,\"start_spread_ms\":%g,\"board_share\":%g,"
		"\"step_ms\":%d,\"slow_ms\":%g},\n",
		label, target, c->code, c->players, c->procs, x->complete ? "true" : "false", K.abort_msg,
		c->think.kind, c->think.a, c->think.b, c->think.cap, c->time_scale, c->wrong, c->change,
		c->flag, c->skip, c->retry, c->arrival_rate, c->start_spread_ms, c->board_share, c->step_ms,
		c->slow_ms);
	fprintf(f,
		"\"counts\":{\"sessions\":%lu,\"opened\":%lu,\"joined\":%lu,\"started\":%lu,\"submitted\":%lu,"
		"\"results_ok\":%lu,\"saves\":%lu,\"saved\":%lu,\"changes\":%lu,\"retries\":%lu,\"dup_acks\":%lu,"
		"\"flags\":%lu,\"reviews\":%lu,\"boards_ok\":%lu,\"boards_failed\":%lu,\"stored_changes\":%lu,"
		"\"stored_answers\":%lu,\"missing\":%lu,\"verify_failed\":%lu,\"backlog\":%lu},\n",
		(unsigned long)R.sessions, (unsigned long)R.opened, (unsigned long)R.joined,
		(unsigned long)R.started, (unsigned long)R.submitted, (unsigned long)R.results_ok,
		(unsigned long)R.saves, (unsigned long)R.saved, (unsigned long)R.changes,
		(unsigned long)R.retries, (unsigned long)R.dup_acks, (unsigned long)R.flags,
		(unsigned long)R.reviews, (unsigned long)R.boards_ok, (unsigned long)R.boards_failed,
		(unsigned long)R.stored_changes, (unsigned long)R.stored_answers, (unsigned long)R.missing,
		(unsigned long)R.verify_failed, (unsigned long)R.backlog);
	fprintf(f, "\"latency\":{");
	json_hist(f, "setup", &R.setup, ",");
	json_hist(f, "attempt_start", &R.start, ",");
	json_hist(f, "save", &R.save, ",");
	json_hist(f, "save_retry", &R.dup, ",");
	json_hist(f, "flag", &R.flag, ",");
	json_hist(f, "review", &R.review, ",");
	json_hist(f, "submit", &R.submit, ",");
	json_hist(f, "board", &R.board, "},\n");
	fprintf(f, "\"save_by_5s\":[");
	for (int b = 0, first = 1; b < PC_BUCKETS; b++)
		if (R.bucket[b].count) {
			fprintf(f, "%s\n {\"from_s\":%d,\"saves_per_s\":%.1f,", first ? "" : ",",
				b * PC_BUCKET_MS / 1000, R.bucket[b].count / (PC_BUCKET_MS / 1000.0));
			json_hist(f, "save", &R.bucket[b], "}");
			first = 0;
		}
	fprintf(f, "],\n\"ramp\":[");
	for (int k = 0; k < K.steps_run; k++) {
		fprintf(f, "%s\n {\"rate_target\":%g,\"sent\":%lu,\"achieved\":%.1f,", k ? "," : "",
			c->rates[k], (unsigned long)R.step_sent[k], R.step[k].count / (c->step_ms / 1000.0));
		json_hist(f, "save", &R.step[k], "}");
	}
	fprintf(f, "],\n\"errors\":{");
	for (uint32_t i = 0; i < R.nerr; i++)
		fprintf(f, "%s\"%s\":%lu", i ? "," : "", R.err[i].code, (unsigned long)R.err[i].n);
	fprintf(f,
		"},\n\"server\":{\"wall_s\":%.3f,\"cpu_pct\":%.1f,\"rss_kib_before\":%ld,\"rss_kib_max\":%ld,"
		"\"peak_connected\":%u,\"rss_kib_per_participant\":%.3f}\n}\n",
		x->wall, x->cpu_pct, (long)K.rss0, (long)K.rss_max, K.conn_max, x->rss_per);
	return fclose(f) == 0 ? 0 : -1;
}

static int report(void)
{
	static const char *names[] = {"live", "burst", "ramp", "exam", "mass", "saveramp"};
	lg_config *c = K.cfg;
	const char *label = c->label ? c->label : names[c->scenario];
	const char *target = c->target ? c->target : "skillarena";
	pc_figures x;
	figures(&x);
	print_line(&x, label, target);
	for (uint64_t i = 0; i < R.verify_failed && i < 4; i++)
		fprintf(stderr, "loadgen: verify: %s\n", R.verify_sample[i]);
	for (uint32_t i = 0; i < R.nerr; i++)
		fprintf(stderr, "loadgen: error %s: %lu\n", R.err[i].code, (unsigned long)R.err[i].n);
	if (c->json && write_json(&x, label, target))
		return 1;
	return x.complete ? 0 : 1;
}

/* ------------------------------------------------------------ entry */

int lg_paced_run(lg_config *c)
{
	K.cfg = c;
	/* reading times of a real paper unless --think says otherwise (think.c) */
	if (c->think.kind == LG_THINK_UNIFORM && c->think.a == 200 && c->think.b == 2000)
		c->think = c->scenario == LG_MASS ? (lg_think){LG_THINK_LOGN, 12000, 0.5, 45000}
						  : (lg_think){LG_THINK_LOGN, 20000, 0.6, 120000};
	K.rss0 = K.rss_max = servers_rss();
	K.t0 = lg_now_ns();
	fflush(NULL);
	int per = c->players / c->procs, extra = c->players % c->procs, first = 0;
	for (int w = 0; w < c->procs; w++) {
		int sv[2], count = per + (w < extra);
		if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) < 0) {
			fprintf(stderr, "loadgen: socketpair: %s\n", strerror(errno));
			return 2;
		}
		pid_t pid = fork();
		if (pid < 0) {
			fprintf(stderr, "loadgen: fork: %s\n", strerror(errno));
			return 2;
		}
		if (pid == 0) {
			close(sv[0]);
			for (int k = 0; k < w; k++)
				close(K.fd[k]);
			pc_worker_main(c, w, first, count, sv[1], K.t0);
		}
		close(sv[1]);
		K.fd[w] = sv[0];
		K.child[w] = pid;
		first += count;
	}
	K.loop = uv_default_loop();
	for (int w = 0; w < c->procs; w++) {
		uv_poll_init(K.loop, &K.poll[w], K.fd[w]);
		K.poll[w].data = (void *)(intptr_t)w;
		uv_poll_start(&K.poll[w], UV_READABLE, on_worker);
	}
	uv_timer_init(K.loop, &K.tick);
	uv_timer_start(&K.tick, on_tick, 10, 10);
	to(C_CONNECT);
	uv_run(K.loop, UV_RUN_DEFAULT);
	for (int w = 0; w < c->procs; w++) {
		int st, tries = 0;
		if (merge_worker(w))
			fprintf(stderr, "loadgen: no result from worker %d\n", w);
		while (waitpid(K.child[w], &st, WNOHANG) == 0) {
			if (++tries > 200) { /* 2 s: a worker that did not exit after its result */
				kill(K.child[w], SIGKILL);
				waitpid(K.child[w], &st, 0);
				break;
			}
			usleep(10000);
		}
	}
	rmdir(c->tmpdir);
	return report();
}
