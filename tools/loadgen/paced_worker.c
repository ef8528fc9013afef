/*
 * paced_worker.c - one worker process of the self-paced scenarios (paced.h):
 * opens its share of the sessions (mass: at its share of --arrival-rate,
 * else --connect-rate), paces the save ramp's saves at its share of the
 * step's rate, reports progress to the coordinator every 50 ms and, when
 * told to quit, writes its result file. The participants themselves are
 * paced_player.c's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "paced_player.h"

/* ------------------------------------------------------------ pacing */

/* Mass: sessions at the worker's share of --arrival-rate; else at --connect-rate. */
static void w_on_pace(uv_timer_t *t)
{
	pworker *w = t->data;
	uint64_t now = lg_now_ns();
	double dt = w->pace_t ? (double)(now - w->pace_t) / 1e9 : 0.01;
	double rate =
		(w->cfg->scenario == LG_MASS ? w->cfg->arrival_rate : w->cfg->connect_rate) / w->cfg->procs;
	w->pace_t = now;
	w->pace_budget += rate * dt;
	while (w->pace_budget >= 1 && w->next_to_open < w->count && w->pending < PC_MAX_PENDING) {
		pp_connect(&w->pl[w->next_to_open++]);
		w->pace_budget -= 1;
	}
	if (w->pace_budget > rate * 0.1 + 1)
		w->pace_budget = rate * 0.1 + 1; /* no catching up in a burst */
	if (w->next_to_open == w->count)
		uv_timer_stop(t);
}

/* Save ramp: this worker's share of the step's rate, each save a new change of a participant's next question. */
static void w_on_ramp(uv_timer_t *t)
{
	pworker *w = t->data;
	uint64_t now = lg_now_ns();
	if (w->step < 0)
		return;
	double rate = w->cfg->rates[w->step] * (double)w->count / (double)w->cfg->players;
	double dt = w->ramp_t ? (double)(now - w->ramp_t) / 1e9 : 0.005;
	w->ramp_t = now;
	w->ramp_budget += rate * dt;
	for (uint32_t scanned = 0; w->ramp_budget >= 1 && scanned < w->count; scanned++) {
		pplayer *p = &w->pl[w->rr];
		w->rr = (w->rr + 1) % w->count;
		if (p->state != S_IDLE)
			continue;
		int i = (int)(p->rpos++ % p->count), chg = ++p->chg[i];
		int v = chg % 2 ? p->good[i] : pp_resp_other(p, i, p->good[i]);
		p->step = (uint8_t)w->step;
		w->res->step_sent[w->step]++;
		w->res->stored_changes++;
		if (chg == 1)
			w->res->stored_answers++;
		pp_save(p, i, chg, v, S_RSAVE);
		w->ramp_budget -= 1;
	}
	if (w->ramp_budget >= 1) { /* every participant has a save in flight: the server is behind */
		w->res->backlog += (uint64_t)w->ramp_budget;
		w->ramp_budget = 0;
	}
}

/* ------------------------------------------------------------ the coordinator's channel */

static void w_send_progress(pworker *w, uint32_t type)
{
	w->prog.type = type;
	w->prog.worker = (uint32_t)w->index;
	if (send(w->fd, &w->prog, sizeof w->prog, MSG_DONTWAIT) < 0 && errno != EAGAIN)
		_exit(3);
}

static void w_on_report(uv_timer_t *t) { w_send_progress(t->data, LG_MSG_PROGRESS); }

static int w_write_result(pworker *w)
{
	char path[320];
	snprintf(path, sizeof path, "%s/w%d.bin", w->cfg->tmpdir, w->index);
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	w->res->missing += w->prog.inflight; /* requests still unanswered at the end */
	int ok = fwrite(w->res, sizeof *w->res, 1, f) == 1;
	return fclose(f) == 0 && ok ? 0 : -1;
}

static void w_go(pworker *w)
{
	w->go = 1;
	for (uint32_t i = 0; i < w->count; i++) {
		pplayer *p = &w->pl[i];
		double spread = w->cfg->start_spread_ms / w->cfg->time_scale;
		if (p->state == S_READY)
			uv_timer_start(&p->timer, pp_on_timer, (uint64_t)(spread * pc_rand(w)), 0);
	}
}

static void w_on_ctl(uv_poll_t *h, int status, int events)
{
	pworker *w = h->data;
	unsigned char buf[16];
	ssize_t n = recv(w->fd, buf, sizeof buf, MSG_DONTWAIT);
	if (n < 0 && errno == EAGAIN)
		return;
	if (n <= 0)
		_exit(2); /* the coordinator is gone */
	switch (buf[0]) {
	case PC_GO:
		w_go(w);
		break;
	case PC_STEP:
		w->step = n > 1 && buf[1] < LG_MAXQ ? buf[1] : -1;
		w->ramp_budget = 0;
		w->ramp_t = 0;
		break;
	case PC_PAUSE:
		w->step = -1;
		break;
	case PC_QUIT: {
		w_send_progress(w, LG_MSG_PROGRESS);
		int rc = w_write_result(w);
		w_send_progress(w, rc == 0 ? LG_MSG_FINAL : 0);
		_exit(rc == 0 ? 0 : 4);
	}
	}
}

void pc_worker_main(const lg_config *cfg, int index, int first, int count, int fd, uint64_t t0)
{
	static pworker w;
	w.cfg = cfg;
	w.fd = fd;
	w.index = index;
	w.t0 = t0;
	w.step = -1;
	w.count = (uint32_t)count;
	w.rng = 0x2545F4914F6CDD1Dull ^ ((uint64_t)cfg->seed << 20) ^
		(uint64_t)(index + 1) * 0x9E3779B97F4A7C15ull;
	w.res = calloc(1, sizeof *w.res);
	w.pl = calloc(count ? (size_t)count : 1, sizeof(pplayer));
	if (!w.res || !w.pl || uv_loop_init(&w.loop) < 0)
		_exit(5);
	w.res->players = (uint64_t)count;
	snprintf(w.board_path, sizeof w.board_path, "/api/contests/%s/board", cfg->code);
	for (int i = 0; i < cfg->nports; i++) {
		uv_ip4_addr(cfg->host, cfg->ports[i], &w.addr[i]);
		snprintf(w.hostport[i], sizeof w.hostport[i], "%s:%d", cfg->host, cfg->ports[i]);
	}
	for (int i = 0; i < count; i++) {
		pplayer *p = &w.pl[i];
		p->w = &w;
		p->local = (uint32_t)i;
		p->gid = (uint32_t)(first + i);
		p->port_i = (uint8_t)(p->gid % (uint32_t)cfg->nports);
		uv_timer_init(&w.loop, &p->timer);
		p->timer.data = p;
	}
	uv_timer_init(&w.loop, &w.pace);
	w.pace.data = &w;
	uv_timer_start(&w.pace, w_on_pace, 0, 10);
	uv_timer_init(&w.loop, &w.report);
	w.report.data = &w;
	uv_timer_start(&w.report, w_on_report, 50, 50);
	if (cfg->scenario == LG_SAVERAMP) {
		static uv_timer_t ramp;
		uv_timer_init(&w.loop, &ramp);
		ramp.data = &w;
		uv_timer_start(&ramp, w_on_ramp, 5, 5);
	}
	uv_poll_init(&w.loop, &w.ctl, fd);
	w.ctl.data = &w;
	uv_poll_start(&w.ctl, UV_READABLE, w_on_ctl);
	uv_run(&w.loop, UV_RUN_DEFAULT);
	_exit(6);
}
