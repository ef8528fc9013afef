/*
 * paced_player.c - the simulated participants of a self-paced worker process
 * (paced_worker.c runs the process; paced.h says the scenarios).
 *
 * A participant of an exam or a mass session is a state machine over
 * docs/protocol.md's self-paced messages:
 *
 *   CONNECTING -> JOINING -> (joined) READY -> STARTING -> (attempt) the paper:
 *   for each question: THINK -> SAVING -> (saved) [DUP -> (saved, duplicate)]
 *                               [-> FLAGGING -> (flagged)]
 *   then the questions planned for a change or flagged again: THINK (a
 *   third of the time) -> SAVING change 2 / FLAGGING false; REVIEW -> SUBMIT
 *   -> (result) [BOARD: GET /api/contests/{code}/board] -> DONE
 *
 * Each question's plan is drawn when the paper arrives: left unanswered
 * (--skip), answered wrongly (--wrong), answered with another response first
 * and changed at the end (--change), flagged and unflagged at the end
 * (--flag), its save sent twice (--retry: the same change must come back
 * duplicate:true). The key comes from the question's own text (mkcontest.c),
 * mapped to the option order this participant sees, so every reply is
 * checked: saved names the index and change and holds it as current,
 * flagged lists exactly the flagged indexes, review counts the answered
 * ones, and the result's answered and correct counts are those the plan
 * makes. PostgreSQL must then hold stored_changes changes and
 * stored_answers answers (smoke.sh counts them).
 *
 * In the save ramp the participants only start their attempts; the worker
 * (paced_worker.c) then sends its share of --rates[k] saves/s through
 * pp_save (each a new change of the next question of a participant with
 * nothing in flight) while the coordinator says step k runs; ramp_saved
 * counts their acks by step.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "paced_player.h"

static const wsc_ops pl_ops;

static double w_rand_ud(void *ud) { return pc_rand(ud); }

static void err_add(pc_result *r, const char *code)
{
	for (uint32_t i = 0; i < r->nerr; i++)
		if (strcmp(r->err[i].code, code) == 0) {
			r->err[i].n++;
			return;
		}
	uint32_t i = r->nerr < LG_MAXERR ? r->nerr++ : LG_MAXERR - 1;
	if (!r->err[i].code[0])
		snprintf(r->err[i].code, sizeof(r->err[i].code), "%s", i == LG_MAXERR - 1 ? "other" : code);
	r->err[i].n++;
}

static void verify_fail(pplayer *p, const char *what)
{
	pc_result *r = p->w->res;
	if (r->verify_failed < 4)
		snprintf(r->verify_sample[r->verify_failed], sizeof(r->verify_sample[0]),
			 "participant %u (%s): %s", p->gid,
			 p->attempt_id ? "in an attempt" : "before the attempt", what);
	r->verify_failed++;
}

static uint64_t think_ms(pworker *w, double share)
{
	double v = lg_think_draw(&w->cfg->think, w_rand_ud, w) * share / w->cfg->time_scale;
	return v < 1 ? 1 : (uint64_t)v;
}

/* ------------------------------------------------------------ sending */

static void p_send(pplayer *p, int state, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void p_send(pplayer *p, int state, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	p->state = (uint8_t)state;
	p->t_sent = lg_now_ns();
	p->w->prog.inflight++;
	if (n <= 0 || (size_t)n >= sizeof msg || wsc_send_text(&p->ws, msg, (size_t)n) < 0)
		err_add(p->w->res, "send_failed");
}

/* The participant waits for a reply to a request it sent over its WebSocket. */
static int awaiting(int state)
{
	return state == S_JOINING || state == S_STARTING || state == S_SAVING || state == S_DUP ||
	       state == S_FLAGGING || state == S_REVIEW || state == S_SUBMIT || state == S_RSAVE;
}

/* A reply arrived: the latency of the request in flight, in microseconds. */
static uint64_t p_replied(pplayer *p)
{
	p->w->prog.inflight--;
	return (lg_now_ns() - p->t_sent) / 1000;
}

/* The response value (single: index; tf: 0/1; multi: bit mask) as JSON. */
static const char *resp_json(const pplayer *p, int idx, int v, char *buf, size_t n)
{
	if (p->kind[idx] == K_SINGLE)
		snprintf(buf, n, "%d", v);
	else if (p->kind[idx] == K_TF)
		snprintf(buf, n, "%s", v ? "true" : "false");
	else {
		size_t o = (size_t)snprintf(buf, n, "[");
		for (int k = 0, first = 1; k < 8 && o < n; k++)
			if (v & (1 << k)) {
				o += (size_t)snprintf(buf + o, n - o, "%s%d", first ? "" : ",", k);
				first = 0;
			}
		if (o < n)
			snprintf(buf + o, n - o, "]");
	}
	return buf;
}

/* The plan's final response to idx, and another one (different) for a change. */
static int resp_final(const pplayer *p, int idx)
{
	int g = p->good[idx], wrong = p->plan[idx] & PL_WRONG;
	switch (p->kind[idx]) {
	case K_SINGLE:
		return wrong ? (g + 1) % p->nopt[idx] : g;
	case K_TF:
		return wrong ? !g : g;
	default:
		return !wrong ? g : (g ^ 1) ? g ^ 1 : g ^ 2;
	}
}

int pp_resp_other(const pplayer *p, int idx, int v)
{
	switch (p->kind[idx]) {
	case K_SINGLE:
		return (v + 1) % p->nopt[idx];
	case K_TF:
		return !v;
	default:
		return (v ^ 2) ? v ^ 2 : v ^ 1;
	}
}

void pp_save(pplayer *p, int idx, int chg, int v, int state)
{
	char r[64];
	p->pos = (uint8_t)idx;
	p->sent_chg = chg;
	p->sent_resp = v;
	if (state != S_DUP) {
		pc_result *res = p->w->res;
		res->saves++;
		if (!res->t_first_save)
			res->t_first_save = lg_now_ns();
	}
	p_send(p, state,
	       "{\"type\":\"save\",\"rid\":\"v%d.%d\",\"attempt_id\":%lld,\"index\":%d,\"response\":%s,\"change\":%d}",
	       idx, chg, (long long)p->attempt_id, idx, resp_json(p, idx, v, r, sizeof r), chg);
}

static void p_flag(pplayer *p, int idx, int on)
{
	p->pos = (uint8_t)idx;
	p->flagging = (uint8_t)on;
	p->w->res->flags++;
	p_send(p, S_FLAGGING,
	       "{\"type\":\"flag\",\"rid\":\"f%d\",\"attempt_id\":%lld,\"index\":%d,\"flagged\":%s}", idx,
	       (long long)p->attempt_id, idx, on ? "true" : "false");
}

/* ------------------------------------------------------------ the paper, question by question */

static void p_think(pplayer *p, double share)
{
	p->state = S_THINK;
	uv_timer_start(&p->timer, pp_on_timer, think_ms(p->w, share), 0);
}

static void p_session_end(pplayer *p, int ok)
{
	pworker *w = p->w;
	if (p->state == S_DONE || p->state == S_DEAD)
		return;
	p->state = ok ? S_DONE : S_DEAD;
	uv_timer_stop(&p->timer);
	w->prog.done++;
	w->res->done++;
	if (w->cfg->scenario == LG_MASS && p->ws.state != WSC_IDLE)
		wsc_close(&p->ws); /* a mass session ends with its page */
}

static void p_board_done(void *ud, int status, const char *body, size_t len, uint64_t ns)
{
	pplayer *p = ud;
	pc_result *r = p->w->res;
	if (status == 200 && len && memmem(body, len, "\"overall\"", 9)) {
		r->boards_ok++;
		hist_record(&r->board, ns / 1000);
	} else {
		r->boards_failed++;
		char code[32];
		snprintf(code, sizeof code, "board_http_%d", status);
		err_add(r, code);
	}
	p->w->prog.inflight--;
	p_session_end(p, status == 200);
}

/* After the result: the board (mass), then the end of the session. */
static void p_after_result(pplayer *p)
{
	pworker *w = p->w;
	if (w->cfg->scenario == LG_MASS && pc_rand(w) < w->cfg->board_share) {
		p->state = S_BOARD;
		w->prog.inflight++;
		if (httpc_get(&w->loop, (const struct sockaddr *)&w->addr[p->port_i], w->hostport[p->port_i],
			      w->board_path, p_board_done, p) < 0)
			p_board_done(p, -1, NULL, 0, 0);
		return;
	}
	p_session_end(p, 1);
}

/* The next thing to do on the paper: the forward pass, the revisits, the review. */
static void p_next(pplayer *p)
{
	if (p->phase == PH_FORWARD && p->pos + 1 < p->count) {
		p->pos++;
		return p_think(p, 1);
	}
	int from = p->phase == PH_FORWARD ? 0 : p->pos + 1;
	p->phase = PH_REVISIT;
	for (int i = from; i < p->count; i++)
		if (p->plan[i] & (PL_CHANGE | PL_FLAG)) {
			p->pos = (uint8_t)i;
			return p_think(p, 1.0 / 3);
		}
	p->w->res->reviews++;
	p_send(p, S_REVIEW, "{\"type\":\"review\",\"rid\":\"r\",\"attempt_id\":%lld}",
	       (long long)p->attempt_id);
}

/* The think time is over: act on question pos. */
static void p_act(pplayer *p)
{
	int i = p->pos, pl = p->plan[i];
	if (p->phase == PH_FORWARD) {
		if (pl & PL_SKIP)
			return p_next(p);
		int v = resp_final(p, i);
		p->chg[i] = 1;
		return pp_save(p, i, 1, pl & PL_CHANGE ? pp_resp_other(p, i, v) : v, S_SAVING);
	}
	if ((pl & PL_CHANGE) && p->chg[i] == 1) {
		p->chg[i] = 2;
		p->w->res->changes++;
		return pp_save(p, i, 2, resp_final(p, i), S_SAVING);
	}
	if (pl & PL_FLAG)
		return p_flag(p, i, 0);
	p_next(p);
}

/* ------------------------------------------------------------ replies */

/* The key of one question of the paper from its English text ("pick C", "pick A,C", "pick true"). */
static int paper_question(pplayer *p, int i, const cJSON *q)
{
	const cJSON *qt = cJSON_GetObjectItemCaseSensitive(q, "qtype");
	const cJSON *en = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(q, "text"), "en");
	const cJSON *opts = cJSON_GetObjectItemCaseSensitive(q, "options"), *o;
	const char *pick = cJSON_IsString(en) ? strstr(en->valuestring, "pick ") : NULL;
	if (!cJSON_IsString(qt) || !pick)
		return -1;
	pick += 5;
	if (strcmp(qt->valuestring, "true_false") == 0) {
		p->kind[i] = K_TF;
		p->good[i] = strncmp(pick, "true", 4) == 0;
		return 0;
	}
	p->kind[i] = strcmp(qt->valuestring, "single_choice") == 0     ? K_SINGLE
		     : strcmp(qt->valuestring, "multiple_choice") == 0 ? K_MULTI
								       : K_OTHER;
	if (p->kind[i] == K_OTHER)
		return -1;
	int k = 0, mask = 0;
	cJSON_ArrayForEach(o, opts)
	{
		const cJSON *zh = cJSON_GetObjectItemCaseSensitive(o, "zh-CN");
		if (cJSON_IsString(zh) && strlen(zh->valuestring) == 1 && k < 8 &&
		    memchr(pick, zh->valuestring[0], strcspn(pick, " ")))
			mask |= 1 << k;
		k++;
	}
	p->nopt[i] = (uint8_t)k;
	if (!mask || k < 2)
		return -1;
	p->good[i] = (uint8_t)(p->kind[i] == K_SINGLE ? __builtin_ctz((unsigned)mask) : mask);
	return 0;
}

static void plan_paper(pplayer *p)
{
	pworker *w = p->w;
	const lg_config *c = w->cfg;
	for (int i = 0; i < p->count; i++) {
		uint8_t pl = 0;
		if (pc_rand(w) < c->skip)
			pl = PL_SKIP;
		else {
			pl |= pc_rand(w) < c->wrong ? PL_WRONG : 0;
			pl |= pc_rand(w) < c->change ? PL_CHANGE : 0;
			pl |= pc_rand(w) < c->flag ? PL_FLAG : 0;
		}
		p->plan[i] = pl;
		p->chg[i] = 0;
		if (!(pl & PL_SKIP)) {
			w->res->stored_answers++;
			w->res->stored_changes += pl & PL_CHANGE ? 2 : 1;
		}
	}
}

static void on_attempt(pplayer *p, const char *m, size_t n)
{
	pworker *w = p->w;
	uint64_t us = p_replied(p);
	cJSON *j = cJSON_ParseWithLength(m, n);
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(j, "attempt_id");
	const cJSON *qs = cJSON_GetObjectItemCaseSensitive(j, "questions"), *q;
	const cJSON *resumed = cJSON_GetObjectItemCaseSensitive(j, "resumed");
	int i = 0, bad = !cJSON_IsNumber(id) || !cJSON_IsArray(qs) || !cJSON_IsFalse(resumed);
	cJSON_ArrayForEach(q, qs)
	{
		if (i >= PC_MAXPAPER || paper_question(p, i, q))
			bad = 1;
		i++;
	}
	if (bad || i == 0) {
		verify_fail(p, "attempt: not a new attempt with a paper whose keys can be read");
		cJSON_Delete(j);
		return p_session_end(p, 0);
	}
	p->attempt_id = (int64_t)id->valuedouble;
	p->count = (uint8_t)i;
	cJSON_Delete(j);
	hist_record(&w->res->start, us);
	w->res->started++;
	w->prog.started++;
	p->started = 1;
	if (w->cfg->scenario == LG_SAVERAMP) {
		p->state = S_IDLE;
		return;
	}
	plan_paper(p);
	p->pos = 0;
	p->phase = PH_FORWARD;
	p_think(p, 1);
}

static bool int_in_array(const char *m, size_t n, const char *key, int v)
{
	char pat[40];
	int l = snprintf(pat, sizeof pat, "\"%s\":[", key);
	const char *a = memmem(m, n, pat, (size_t)l);
	if (!a)
		return false;
	for (const char *s = a + l; s < m + n && *s != ']';) {
		char *e;
		long x = strtol(s, &e, 10);
		if (e == s)
			break;
		if (x == v)
			return true;
		s = *e == ',' ? e + 1 : e;
	}
	return false;
}

static void ramp_saved(pplayer *p, uint64_t us)
{
	pworker *w = p->w;
	pc_result *r = w->res;
	hist_record(&r->step[p->step], us);
	w->prog.acked[p->step]++;
	if ((double)us / 1000.0 > w->cfg->slow_ms)
		w->prog.slow[p->step]++;
	p->state = S_IDLE;
}

/* After a question's save: flag it (first pass) or unflag it (revisit) as planned, else go on. */
static void p_after_save(pplayer *p)
{
	if (p->plan[p->pos] & PL_FLAG)
		return p_flag(p, p->pos, p->phase == PH_FORWARD);
	p_next(p);
}

static void on_saved(pplayer *p, const char *m, size_t n)
{
	pworker *w = p->w;
	pc_result *r = w->res;
	double idx = -1, chg = -1, cur = -1, aid = -1;
	bool dup = false;
	if (p->state != S_SAVING && p->state != S_DUP && p->state != S_RSAVE)
		return verify_fail(p, "saved while no save was in flight");
	uint64_t us = p_replied(p);
	js_num(m, n, "index", &idx);
	js_num(m, n, "change", &chg);
	js_num(m, n, "current", &cur);
	js_num(m, n, "attempt_id", &aid);
	js_bool(m, n, "duplicate", &dup);
	if ((int)idx != p->pos || (int)chg != p->sent_chg || (int64_t)aid != p->attempt_id)
		verify_fail(p, "saved names another attempt, index or change");
	else if ((int)cur != p->sent_chg)
		verify_fail(p, "saved: the change just stored is not current");
	if (dup != (p->state == S_DUP))
		verify_fail(p, p->state == S_DUP ? "a retried save not marked duplicate"
						 : "a first save marked duplicate");
	if (p->state == S_DUP) {
		r->dup_acks++;
		hist_record(&r->dup, us);
		return p_after_save(p);
	}
	uint64_t now = lg_now_ns(), b = (p->t_sent - w->t0) / 1000000ull / PC_BUCKET_MS;
	r->saved++;
	hist_record(&r->save, us);
	hist_record(&r->bucket[b < PC_BUCKETS ? b : PC_BUCKETS - 1], us);
	if (now > r->t_last_saved)
		r->t_last_saved = now;
	if (p->state == S_RSAVE)
		return ramp_saved(p, us);
	if (pc_rand(w) < w->cfg->retry) {
		r->retries++;
		return pp_save(p, p->pos, p->sent_chg, p->sent_resp, S_DUP);
	}
	p_after_save(p);
}

static void on_flagged(pplayer *p, const char *m, size_t n)
{
	if (p->state != S_FLAGGING)
		return verify_fail(p, "flagged while no flag was in flight");
	hist_record(&p->w->res->flag, p_replied(p));
	bool on = !p->flagging;
	js_bool(m, n, "flagged", &on);
	if (on != p->flagging || int_in_array(m, n, "flags", p->pos) != p->flagging)
		verify_fail(p, "flagged: the index is not (un)flagged in flags");
	p_next(p);
}

static void on_review(pplayer *p, const char *m, size_t n)
{
	double count = -1, answered = -1;
	int expect = 0;
	if (p->state != S_REVIEW)
		return verify_fail(p, "review while none was asked for");
	hist_record(&p->w->res->review, p_replied(p));
	for (int i = 0; i < p->count; i++)
		expect += !(p->plan[i] & PL_SKIP);
	js_num(m, n, "count", &count);
	js_num(m, n, "answered", &answered);
	if ((int)count != p->count || (int)answered != expect ||
	    js_array_len(m, n, "unanswered") != p->count - expect || js_array_len(m, n, "flags") != 0)
		verify_fail(p, "review: answered, unanswered or flags differ from what was saved");
	p->w->res->submitted++;
	p_send(p, S_SUBMIT, "{\"type\":\"submit\",\"rid\":\"x\",\"attempt_id\":%lld}",
	       (long long)p->attempt_id);
}

static void on_result(pplayer *p, const char *m, size_t n)
{
	int answered = 0, correct = 0;
	if (p->state != S_SUBMIT) {
		verify_fail(p, "a result before the submission (the attempt expired?)");
		return p_session_end(p, 0);
	}
	hist_record(&p->w->res->submit, p_replied(p));
	for (int i = 0; i < p->count; i++)
		if (!(p->plan[i] & PL_SKIP)) {
			answered++;
			correct += !(p->plan[i] & PL_WRONG);
		}
	cJSON *j = cJSON_ParseWithLength(m, n);
	const cJSON *st = cJSON_GetObjectItemCaseSensitive(j, "status");
	const cJSON *an = cJSON_GetObjectItemCaseSensitive(j, "answered");
	const cJSON *co = cJSON_GetObjectItemCaseSensitive(j, "correct");
	const cJSON *vi = cJSON_GetObjectItemCaseSensitive(j, "visible");
	int ok = cJSON_IsString(st) && strcmp(st->valuestring, "submitted") == 0 && cJSON_IsTrue(vi) &&
		 cJSON_IsNumber(an) && an->valuedouble == answered && cJSON_IsNumber(co) &&
		 co->valuedouble == correct;
	cJSON_Delete(j);
	if (!ok) {
		verify_fail(p, "result: status, answered or correct differ from the saves");
		return p_session_end(p, 0);
	}
	pc_result *r = p->w->res;
	uint64_t now = lg_now_ns();
	uint64_t b = (now - p->w->t0) / 1000000ull / PC_BUCKET_MS;
	r->results_ok++;
	r->results[b < PC_BUCKETS ? b : PC_BUCKETS - 1]++;
	if (!r->t_first_result)
		r->t_first_result = now;
	r->t_last_result = now;
	p_after_result(p);
}

static void on_error(pplayer *p, const char *m, size_t n)
{
	char code[32] = "unknown";
	js_str(m, n, "code", code, sizeof code);
	err_add(p->w->res, code);
	if (awaiting(p->state))
		p_replied(p);
	if (p->state == S_JOINING)
		p->w->prog.failed++;
	p_session_end(p, 0);
}

static void on_joined(pplayer *p, const char *m, size_t n)
{
	pworker *w = p->w;
	if (p->state != S_JOINING)
		return;
	p->w->prog.inflight--;
	w->prog.joined++;
	w->res->joined++;
	hist_record(&w->res->setup, (lg_now_ns() - p->t_start) / 1000);
	p->state = S_READY;
	if (w->cfg->scenario == LG_MASS)
		p_send(p, S_STARTING, "{\"type\":\"attempt_start\",\"rid\":\"s\"}");
	else if (w->go)
		uv_timer_start(&p->timer, pp_on_timer, think_ms(w, 0), 0);
}

static const struct {
	const char *type;
	void (*fn)(pplayer *, const char *, size_t);
} pl_msgs[] = {
	{"joined", on_joined}, {"attempt", on_attempt}, {"saved", on_saved}, {"flagged", on_flagged},
	{"review", on_review}, {"result", on_result},   {"error", on_error},
};

static void pl_on_text(wsc *c, const char *m, size_t n)
{
	pplayer *p = c->user;
	char type[24];
	if (!js_str(m, n, "type", type, sizeof type))
		return verify_fail(p, "a message without type");
	for (size_t i = 0; i < sizeof pl_msgs / sizeof pl_msgs[0]; i++)
		if (strcmp(type, pl_msgs[i].type) == 0)
			return pl_msgs[i].fn(p, m, n);
	/* attempts, leaderboard, mass_board: read and dropped */
}

/* ------------------------------------------------------------ connections */

static void pl_on_open(wsc *c)
{
	pplayer *p = c->user;
	pworker *w = p->w;
	uint32_t g = p->gid;
	w->pending--;
	w->prog.opened++;
	w->res->opened++;
	p->state = S_JOINING;
	p->w->prog.inflight++;
	char msg[256];
	int n = snprintf(msg, sizeof msg,
			 "{\"type\":\"join\",\"code\":\"%s\",\"name\":\"LG%u\",\"employee_no\":\"E%u\","
			 "\"unit\":\"Bench/F%u/W%u\"}",
			 w->cfg->code, g, g, g % 10, g % 200);
	if (wsc_send_text(&p->ws, msg, (size_t)n) < 0)
		err_add(w->res, "send_failed");
}

static void pl_on_close(wsc *c, int reason)
{
	pplayer *p = c->user;
	pworker *w = p->w;
	w->prog.connected--;
	if (p->state == S_CONNECTING)
		w->pending--;
	if (p->state == S_DONE || p->state == S_DEAD)
		return;
	err_add(w->res, wsc_reason_name(reason));
	if (p->state < S_READY)
		w->prog.failed++;
	if (awaiting(p->state)) {
		w->res->missing++;
		w->prog.inflight--;
	}
	p_session_end(p, 0);
}

static const wsc_ops pl_ops = {pl_on_open, pl_on_text, pl_on_close};

void pp_connect(pplayer *p)
{
	pworker *w = p->w;
	p->t_start = lg_now_ns();
	p->state = S_CONNECTING;
	w->pending++;
	w->prog.connected++;
	w->res->sessions++;
	wsc_connect(&p->ws, &w->loop, (const struct sockaddr *)&w->addr[p->port_i], w->hostport[p->port_i],
		    w->cfg->path, &pl_ops, p);
}

void pp_on_timer(uv_timer_t *t)
{
	pplayer *p = t->data;
	if (p->state == S_READY)
		p_send(p, S_STARTING, "{\"type\":\"attempt_start\",\"rid\":\"s\"}");
	else if (p->state == S_THINK)
		p_act(p);
}
