/*
 * player.c - one load-generator worker process and its simulated players.
 *
 * A worker owns players [first, first+count) and runs them on its own libuv
 * loop. Each player is a small state machine over docs/protocol.md:
 *
 *   CONNECTING -> (open) JOINING -> (joined) IDLE
 *   IDLE -> (question) THINK -> (timer) WAIT_ACK -> (ack) [WAIT_DUP] -> IDLE
 *   IDLE -> (reconnect share) DOWN -> (timer) RESUMING -> (joined) IDLE
 *
 * Every ack is checked (question id, accepted, duplicate flag on retries);
 * failures are counted with a few samples. What else is checked depends on
 * the contest's feedback (joined.contest.feedback, docs/protocol.md):
 *   instant  the ack's points agree with the known correct option, score =
 *            previous score + points, the same score after a resume;
 *   reveal   the ack tells nothing (no points, no score); at the reveal the
 *            player's leaderboard (me.points, me.score) does: points for an
 *            acknowledged answer only, none for a wrong one, some for a right
 *            one, total = previous total + points. A player that was away
 *            at the reveal learns its total from its resume (the boards'
 *            score), checked the same way. Each total after a question is
 *            kept for the screen's freshness (fresh.c).
 * A reference server that names no feedback (loadgen-echo, -floor) is
 * instant. Connections open at a bounded rate with a bounded number of
 * handshakes in flight. Progress goes to the coordinator every 50 ms;
 * on "Q" from it the worker writes its result file and exits.
 */
#include "lg.h"
#include "wsc.h"

#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum { P_NEW, P_CONNECTING, P_JOINING, P_RESUMING, P_IDLE, P_THINK, P_WAIT_ACK, P_WAIT_DUP, P_DOWN, P_DEAD };
enum { QT_SINGLE, QT_TF, QT_MULTI, QT_OTHER };
enum { P_PH_NONE, P_PH_LOBBY, P_PH_QUESTION, P_PH_REVEAL, P_PH_FINISHED };

#define LG_MAX_PENDING 128
#define LG_MAX_ATTEMPTS 3

typedef struct worker worker;

typedef struct player {
	wsc ws;
	uv_timer_t timer;
	worker *w;
	uint32_t local, gid;
	int64_t pid, score, first_points;
	int16_t qidx, last_done;
	uint8_t state, port_i, qtype, nopt, want_dup, leaving, attempts, correct, resumed;
	uint16_t state_len; /* payload bytes of the latest `state`, which a push sends with its question */
	int response;
	uint64_t t_start, t_sent;
	/* reveal contests */
	uint8_t reveal;       /* the contest shows points at the reveal */
	uint8_t snap;         /* a join's or resume's snapshot is arriving (until its leaderboard) */
	uint8_t resume_check; /* ... of a resume: its total is checked at its end */
	int16_t rev_q;        /* a pushed `reveal`: its leaderboard comes next; -1 */
	int16_t snap_phase;   /* the snapshot's state: P_PH_*, its index, the reveal it carried */
	int16_t snap_index, snap_rev;
	uint64_t answered;      /* bit q: question q acknowledged */
	uint64_t right, judged; /* bit q: its answer was right; we know whether it was */
	char qid[24];
	char token[80];
} player;

struct worker {
	const lg_config *cfg;
	uv_loop_t loop;
	uv_timer_t pace, report;
	uv_poll_t ctl;
	int fd, index;
	player *pl;
	uint32_t count, next_to_open, pending;
	struct sockaddr_in addr[LG_MAXPORTS];
	char hostport[LG_MAXPORTS][64];
	lg_progress prog;
	lg_result *res;
	lg_ackrec *acks;
	size_t nacks, capacks;
	uint64_t *recv; /* [LG_MAXQ][count] */
	int64_t *after; /* [LG_MAXQ][count]: totals after each question (reveal contests) */
	uint64_t q_t0[LG_MAXQ];
	uint64_t rng;
};

static const wsc_ops player_ops;

static double w_rand(worker *w)
{
	w->rng ^= w->rng << 13;
	w->rng ^= w->rng >> 7;
	w->rng ^= w->rng << 17;
	return (double)(w->rng >> 11) / 9007199254740992.0;
}

static void verify_fail(worker *w, player *p, const char *what)
{
	lg_result *r = w->res;
	if (r->verify_failed < 4)
		snprintf(r->verify_sample[r->verify_failed], sizeof(r->verify_sample[0]), "player %u q%d: %s",
			 p->gid, p->qidx, what);
	r->verify_failed++;
}

static double w_rand_ud(void *ud) { return w_rand(ud); }

static double think_ms(worker *w) { return lg_think_draw(&w->cfg->think, w_rand_ud, w); }

static void p_connect(player *p);

static void p_send(player *p, const char *msg, int len)
{
	if (wsc_send_text(&p->ws, msg, (size_t)len) < 0)
		lg_err_add(p->w->res, "send_failed", 1);
}

/* The question is over for this player: count it once. */
static void p_finish_q(player *p, bool acked, uint64_t lat_ns)
{
	worker *w = p->w;
	int q = p->qidx;
	if (q < 0 || q >= LG_MAXQ || p->last_done >= q)
		return;
	p->last_done = (int16_t)q;
	w->prog.done[q]++;
	if (acked) {
		w->prog.acked[q]++;
		if ((double)lat_ns / 1e6 > w->cfg->slow_ms)
			w->prog.slow[q]++;
	}
	p->state = P_IDLE;
}

static void p_on_timer(uv_timer_t *t);

static void p_answer(player *p)
{
	worker *w = p->w;
	char msg[160];
	const char *resp;
	char rbuf[16];
	p->correct = 0;
	switch (p->qtype) {
	case QT_SINGLE: {
		int good = p->qidx % (p->nopt ? p->nopt : 1);
		bool wrong = w_rand(w) < w->cfg->wrong && p->nopt > 1;
		p->response = wrong ? (good + 1) % p->nopt : good;
		p->correct = !wrong;
		snprintf(rbuf, sizeof(rbuf), "%d", p->response);
		resp = rbuf;
		break;
	}
	case QT_TF:
		resp = "true";
		p->correct = 2; /* unknown */
		break;
	case QT_MULTI:
		resp = "[0]";
		p->correct = 2;
		break;
	default:
		w->res->unsupported++;
		p_finish_q(p, false, 0);
		return;
	}
	int n = snprintf(msg, sizeof(msg),
			 "{\"type\":\"answer\",\"rid\":\"a%d\",\"question_id\":\"%s\",\"response\":%s}",
			 p->qidx, p->qid, resp);
	p->t_sent = lg_now_ns();
	if (w->res->t_first_sent[p->qidx] == 0 || p->t_sent < w->res->t_first_sent[p->qidx])
		w->res->t_first_sent[p->qidx] = p->t_sent;
	w->res->answers++;
	p->state = P_WAIT_ACK;
	p->want_dup = w_rand(w) < w->cfg->retry;
	p->leaving = w_rand(w) < w->cfg->reconnect;
	p_send(p, msg, n);
}

static void p_on_question(player *p, const char *m, size_t n)
{
	worker *w = p->w;
	double idx;
	if (!js_num(m, n, "index", &idx) || idx < 0 || idx >= LG_MAXQ) {
		verify_fail(w, p, "question without a valid index");
		return;
	}
	int q = (int)idx;
	uint64_t now = lg_now_ns();
	uint64_t *rt = &w->recv[(size_t)q * w->count + p->local];
	/* fan-out counts pushes only, not the snapshot a resume gets */
	if (*rt == 0 && !p->resumed) {
		*rt = now;
		if (p->state_len + n > w->res->push_bytes)
			w->res->push_bytes = p->state_len + n;
	}
	p->resumed = 0;
	if (w->q_t0[q] == 0)
		w->q_t0[q] = now;
	if (q <= p->last_done)
		return; /* already answered (a resume re-sends the open question) */
	if (p->state == P_WAIT_ACK || p->state == P_WAIT_DUP) {
		w->res->missing_acks++;
		p_finish_q(p, false, 0);
	}
	if (p->state == P_THINK && q != p->qidx) { /* the host moved on before we answered */
		uv_timer_stop(&p->timer);
		lg_err_add(w->res, "not_answered_in_time", 1);
		p_finish_q(p, false, 0);
	}
	if (p->state != P_IDLE)
		return;
	if (!js_is_null(m, n, "answered") && strstr(m, "\"answered\":{")) {
		/* resumed while our answer was in flight: the server already has it */
		p->qidx = (int16_t)q;
		p_finish_q(p, false, 0);
		return;
	}
	char qt[32] = "";
	js_str(m, n, "qtype", qt, sizeof(qt));
	if (!js_str(m, n, "id", p->qid, sizeof(p->qid))) {
		verify_fail(w, p, "question without id");
		return;
	}
	p->qtype = strcmp(qt, "single_choice") == 0     ? QT_SINGLE
		   : strcmp(qt, "true_false") == 0      ? QT_TF
		   : strcmp(qt, "multiple_choice") == 0 ? QT_MULTI
							: QT_OTHER;
	int no = js_array_len(m, n, "options");
	p->nopt = (uint8_t)(no > 0 && no < 255 ? no : 0);
	p->qidx = (int16_t)q;
	p->state = P_THINK;
	double delay;
	if (w->cfg->scenario == LG_RAMP) {
		int step = q < w->cfg->nrates ? q : w->cfg->nrates - 1;
		double rate = w->cfg->rates[step] * (double)w->count / (double)w->cfg->players;
		double at_ms = (double)p->local / rate * 1000.0;
		double since = (double)(now - w->q_t0[q]) / 1e6;
		delay = at_ms > since ? at_ms - since : 0;
	} else {
		delay = think_ms(w);
	}
	uv_timer_start(&p->timer, p_on_timer, (uint64_t)delay, 0);
}

/* Instant contests: the first ack's points and total, checked and kept for freshness. */
static void p_ack_points(player *p, int64_t pts, int64_t sc, uint64_t now)
{
	worker *w = p->w;
	if (p->correct == 1 && pts <= 0)
		verify_fail(w, p, "correct answer earned no points");
	if (p->correct == 0 && pts != 0)
		verify_fail(w, p, "wrong answer earned points");
	if (sc != p->score + pts)
		verify_fail(w, p, "score is not previous score + points");
	p->score = sc;
	p->first_points = pts;
	/* freshness needs a score the leaderboard did not show before: only acks with points */
	if (pts > 0 && w->nacks == w->capacks) {
		size_t nc = w->capacks ? w->capacks * 2 : 4096;
		lg_ackrec *na = realloc(w->acks, nc * sizeof(*na));
		if (na) {
			w->acks = na;
			w->capacks = nc;
		}
	}
	if (pts > 0 && w->nacks < w->capacks)
		w->acks[w->nacks++] = (lg_ackrec){p->pid, sc, p->t_sent, now};
}

/* The first ack of the question: latency, checks, then a retry or done. */
static void p_first_ack(player *p, bool dup, int64_t pts, int64_t sc, uint64_t now)
{
	worker *w = p->w;
	uint64_t lat = now - p->t_sent, bit = 1ull << p->qidx;
	w->res->acks++;
	hist_record(&w->res->ack, lat / 1000);
	hist_record(&w->res->ack_q[p->qidx], lat / 1000);
	if (now > w->res->t_last_ack[p->qidx])
		w->res->t_last_ack[p->qidx] = now;
	if (dup)
		verify_fail(w, p, "first ack marked duplicate");
	p->answered |= bit;
	if (p->correct != 2)
		p->judged |= bit;
	if (p->correct == 1)
		p->right |= bit;
	if (!p->reveal)
		p_ack_points(p, pts, sc, now);
	if (p->want_dup) {
		char msg[160], r[16];
		int len = snprintf(
			msg, sizeof(msg),
			"{\"type\":\"answer\",\"rid\":\"r%d\",\"question_id\":\"%s\",\"response\":%s}",
			p->qidx, p->qid,
			p->qtype == QT_SINGLE ? (snprintf(r, sizeof(r), "%d", p->response), r)
			: p->qtype == QT_TF   ? "true"
					      : "[0]");
		w->res->retries++;
		p->state = P_WAIT_DUP;
		p->t_sent = lat; /* keep the first latency for p_finish_q */
		p_send(p, msg, len);
		return;
	}
	p_finish_q(p, true, lat);
}

static void p_on_ack(player *p, const char *m, size_t n)
{
	worker *w = p->w;
	uint64_t now = lg_now_ns();
	char qid[24] = "";
	js_str(m, n, "question_id", qid, sizeof(qid));
	if (p->state != P_WAIT_ACK && p->state != P_WAIT_DUP) {
		verify_fail(w, p, "ack while no answer was outstanding");
		return;
	}
	if (strcmp(qid, p->qid) != 0) {
		verify_fail(w, p, "ack names another question");
		return;
	}
	bool accepted = false, dup = false;
	double points = -1, score = -1;
	js_bool(m, n, "accepted", &accepted);
	js_bool(m, n, "duplicate", &dup);
	bool told = js_num(m, n, "points", &points) | js_num(m, n, "score", &score);
	int64_t pts = llround(points * 1000), sc = llround(score * 1000);
	if (!accepted)
		verify_fail(w, p, "ack with accepted=false");
	if (p->reveal && told)
		verify_fail(w, p, "reveal contest: the ack tells points or score");
	if (!p->reveal && (points < 0 || score < 0))
		verify_fail(w, p, "ack without points/score");
	if (p->state == P_WAIT_ACK) {
		p_first_ack(p, dup, pts, sc, now);
		if (p->state == P_WAIT_DUP)
			return;
	} else {
		w->res->dup_acks++;
		if (!dup)
			verify_fail(w, p, "retry ack not marked duplicate");
		if (!p->reveal && (pts != p->first_points || sc != p->score))
			verify_fail(w, p, "retry ack differs from the first");
		p_finish_q(p, true, p->t_sent);
	}
	if (p->leaving) {
		p->leaving = 0;
		p->state = P_DOWN;
		w->res->reconnects++;
		wsc_close(&p->ws);
	}
}

static void p_on_error(player *p, const char *m, size_t n)
{
	char code[32] = "unknown";
	js_str(m, n, "code", code, sizeof(code));
	lg_err_add(p->w->res, code, 1);
	if (p->state == P_WAIT_ACK || p->state == P_WAIT_DUP) {
		p_finish_q(p, false, 0);
	} else if (p->state == P_JOINING || p->state == P_RESUMING) {
		p->state = P_DEAD;
		p->w->prog.failed++;
		wsc_close(&p->ws);
	}
}

static void p_on_joined(player *p, const char *m, size_t n)
{
	worker *w = p->w;
	double v;
	if (p->state == P_JOINING) {
		char fb[16] = "";
		if (!js_num(m, n, "participant_id", &v) ||
		    !js_str(m, n, "token", p->token, sizeof(p->token))) {
			verify_fail(w, p, "joined without participant_id/token");
			return;
		}
		p->pid = (int64_t)v;
		js_str(m, n, "feedback", fb, sizeof(fb));
		p->reveal = strcmp(fb, "reveal") == 0;
		w->prog.joined++;
		w->res->joined++;
		hist_record(&w->res->setup, (lg_now_ns() - p->t_start) / 1000);
		p->state = P_IDLE;
	} else if (p->state == P_RESUMING) {
		bool resumed = false;
		js_bool(m, n, "resumed", &resumed);
		double score = -1;
		js_num(m, n, "score", &score);
		if (!resumed)
			verify_fail(w, p, "resume reply without resumed=true");
		else if (p->reveal) /* checked at the snapshot's end: was a reveal missed? */
			p->resume_check = 1;
		else if (llround(score * 1000) != p->score)
			verify_fail(w, p, "resumed score differs from the last ack");
		if (resumed && (p->reveal || llround(score * 1000) == p->score))
			w->res->resumes_ok++;
		p->state = P_IDLE;
		p->resumed = 1;
	} else {
		return;
	}
	p->snap = 1;
	p->snap_phase = P_PH_NONE;
	p->snap_index = p->snap_rev = -1;
}

/* Player p's total after question q is sc: kept once, and counted for the coordinator. */
static void p_record(player *p, int q, int64_t sc)
{
	worker *w = p->w;
	if (q < 0 || q >= LG_MAXQ || w->after[(size_t)q * w->count + p->local] != LG_SCORE_UNKNOWN)
		return;
	w->after[(size_t)q * w->count + p->local] = sc;
	w->prog.revealed[q]++;
}

/* What p learns of question q at its reveal: its total sc, and pts when it answered. */
static void p_learn(player *p, int q, bool has_pts, int64_t pts, int64_t sc)
{
	worker *w = p->w;
	uint64_t bit = 1ull << q;
	if ((p->answered & bit) && !has_pts)
		verify_fail(w, p, "reveal: no points for an acknowledged answer");
	if (!(p->answered & bit) && has_pts && p->qidx != q) /* sent and not acked: may count */
		verify_fail(w, p, "reveal: points for a question it did not answer");
	if (has_pts && (p->judged & bit) && (p->right & bit) && pts <= 0)
		verify_fail(w, p, "reveal: a right answer earned no points");
	if (has_pts && (p->judged & bit) && !(p->right & bit) && pts != 0)
		verify_fail(w, p, "reveal: a wrong answer earned points");
	if (sc != p->score + (has_pts ? pts : 0))
		verify_fail(w, p, "reveal: total is not the previous total + points");
	p->score = sc;
	p_record(p, q, sc);
	w->res->reveals_seen++;
}

/* A leaderboard's me.score (false without), and me.points into *pts when there (*has_pts). */
static bool p_me(const char *m, size_t n, int64_t *sc, bool *has_pts, int64_t *pts)
{
	const char *me = js_at(m, n, "me");
	size_t left = me ? (size_t)(m + n - me) : 0;
	double score = -1, points = -1;
	if (!me || !js_num(me, left, "score", &score))
		return false;
	*has_pts = js_num(me, left, "points", &points);
	*sc = llround(score * 1000);
	*pts = llround(points * 1000);
	return true;
}

/* A pushed reveal's leaderboard: me.points (when it answered) and me.score. */
static void p_revealed(player *p, const char *m, size_t n)
{
	int q = p->rev_q;
	int64_t sc, pts;
	bool has_pts;
	p->rev_q = -1;
	if (!p_me(m, n, &sc, &has_pts, &pts))
		verify_fail(p->w, p, "reveal: leaderboard without me.score");
	else
		p_learn(p, q, has_pts, pts, sc);
}

/*
 * The end of a resume's snapshot in a reveal contest (its leaderboard, or
 * the reveal's that replaced it on the way). The boards show the questions
 * up to `shown`: a finished contest's last, a question whose reveal came,
 * else the one before the open or still settling one; me.score is that
 * total. An acknowledged answer without its total yet, at or before
 * `shown`: its reveal went by while the player was away, the resume tells
 * what it earned. Otherwise the total must be the last one it learnt.
 */
static void p_resume_end(player *p, const char *m, size_t n)
{
	worker *w = p->w;
	int shown = p->snap_phase == P_PH_FINISHED   ? p->snap_index
		    : p->snap_phase >= P_PH_QUESTION ? p->snap_index - 1
						     : -1;
	int64_t sc, pts;
	bool has_pts;
	p->resume_check = 0;
	if (p->snap_rev > shown)
		shown = p->snap_rev;
	if (!p_me(m, n, &sc, &has_pts, &pts)) {
		verify_fail(w, p, "resume: leaderboard without me.score");
		return;
	}
	int q = 0; /* the acknowledged answer without a total, if any */
	while (q < LG_MAXQ &&
	       !((p->answered >> q & 1) && w->after[(size_t)q * w->count + p->local] == LG_SCORE_UNKNOWN))
		q++;
	if (q < LG_MAXQ && shown >= q)
		p_learn(p, q, true, has_pts ? pts : sc - p->score, sc);
	else if (sc != p->score)
		verify_fail(w, p, "resumed total differs from the last one revealed");
	p_record(p, shown, sc);
}

/* The leaderboard ends a join/resume snapshot: later questions are pushes. */
static void p_on_leaderboard(player *p, const char *m, size_t n)
{
	p->resumed = 0;
	if (p->snap) {
		p->snap = 0;
		if (p->resume_check)
			p_resume_end(p, m, n);
	} else if (p->reveal && p->rev_q >= 0) {
		p_revealed(p, m, n);
	}
}

static void p_on_state(player *p, const char *m, size_t n)
{
	static const char *const phases[] = {"", "lobby", "question", "reveal", "finished"};
	char ph[16] = "";
	double idx = -1;
	p->state_len = n < 65535 ? (uint16_t)n : 65535;
	if (!p->snap || !p->reveal)
		return;
	js_str(m, n, "phase", ph, sizeof(ph));
	js_num(m, n, "index", &idx);
	p->snap_phase = P_PH_NONE;
	for (int i = 1; i < (int)(sizeof(phases) / sizeof(phases[0])); i++)
		if (strcmp(ph, phases[i]) == 0)
			p->snap_phase = (int16_t)i;
	p->snap_index = (int16_t)(idx >= -1 && idx < LG_MAXQ ? idx : -1);
}

/* A reveal: pushed, its leaderboard (with me.points) follows; in a snapshot, noted. */
static void p_on_reveal(player *p, const char *m, size_t n)
{
	double idx = -1;
	if (!p->reveal || !js_num(m, n, "index", &idx) || idx < 0 || idx >= LG_MAXQ)
		return;
	if (p->snap)
		p->snap_rev = (int16_t)idx;
	else
		p->rev_q = (int16_t)idx;
}

/* Table of the messages a player acts on; the rest (state, leaderboard...) are read and dropped. */
static const struct {
	const char *type;
	void (*fn)(player *, const char *, size_t);
} p_msgs[] = {
	{"question", p_on_question},
	{"ack", p_on_ack},
	{"error", p_on_error},
	{"joined", p_on_joined},
	{"leaderboard", p_on_leaderboard},
	{"state", p_on_state},
	{"reveal", p_on_reveal},
};

static void p_on_text(wsc *c, const char *m, size_t n)
{
	player *p = c->user;
	char type[24];
	if (!js_str(m, n, "type", type, sizeof(type))) {
		verify_fail(p->w, p, "message without type");
		return;
	}
	for (size_t i = 0; i < sizeof(p_msgs) / sizeof(p_msgs[0]); i++)
		if (strcmp(type, p_msgs[i].type) == 0) {
			p_msgs[i].fn(p, m, n);
			return;
		}
}

static void p_on_open(wsc *c)
{
	player *p = c->user;
	worker *w = p->w;
	char msg[256];
	int n;
	if (p->token[0]) {
		p->state = P_RESUMING;
		n = snprintf(msg, sizeof(msg), "{\"type\":\"resume\",\"token\":\"%s\"}", p->token);
	} else {
		p->state = P_JOINING;
		w->pending--;
		w->prog.opened++;
		w->res->opened++;
		hist_record(&w->res->open, (lg_now_ns() - p->t_start) / 1000);
		n = snprintf(msg, sizeof(msg),
			     "{\"type\":\"join\",\"code\":\"%s\",\"name\":\"LG%u\",\"unit\":\"U%u\"}",
			     w->cfg->code, p->gid, p->gid % 50);
	}
	p_send(p, msg, n);
}

static void p_on_timer(uv_timer_t *t)
{
	player *p = t->data;
	if (p->state == P_THINK)
		p_answer(p);
	else if (p->state == P_DOWN)
		p_connect(p);
}

static void p_on_close(wsc *c, int reason)
{
	player *p = c->user;
	worker *w = p->w;
	if (p->state == P_DEAD)
		return;
	if (p->state == P_DOWN) { /* we closed it on purpose: resume shortly */
		uv_timer_start(&p->timer, p_on_timer, 100 + (uint64_t)(200 * w_rand(w)), 0);
		return;
	}
	bool initial = !p->token[0];
	if (p->state == P_CONNECTING && initial)
		w->pending--;
	lg_err_add(w->res, wsc_reason_name(reason), 1);
	if (p->state == P_WAIT_ACK || p->state == P_WAIT_DUP) {
		w->res->missing_acks++;
		p_finish_q(p, false, 0);
	}
	uv_timer_stop(&p->timer);
	if (++p->attempts >= LG_MAX_ATTEMPTS) {
		p->state = P_DEAD;
		if (initial)
			w->prog.failed++;
		return;
	}
	p->state = P_DOWN;
	uv_timer_start(&p->timer, p_on_timer, 200 + (uint64_t)(300 * w_rand(w)), 0);
}

static const wsc_ops player_ops = {p_on_open, p_on_text, p_on_close};

static void p_connect(player *p)
{
	worker *w = p->w;
	if (!p->token[0]) {
		p->t_start = lg_now_ns();
		w->pending++;
	}
	p->state = P_CONNECTING;
	wsc_connect(&p->ws, &w->loop, (const struct sockaddr *)&w->addr[p->port_i], w->hostport[p->port_i],
		    w->cfg->path, &player_ops, p);
}

/* Opens new connections at the configured rate, with bounded handshakes in flight. */
static void w_on_pace(uv_timer_t *t)
{
	worker *w = t->data;
	double per_tick = (double)w->cfg->connect_rate / w->cfg->procs / 100.0;
	uint32_t budget = per_tick < 1 ? 1 : (uint32_t)per_tick;
	while (budget-- && w->next_to_open < w->count && w->pending < LG_MAX_PENDING)
		p_connect(&w->pl[w->next_to_open++]);
	if (w->next_to_open == w->count)
		uv_timer_stop(t);
}

static void w_send_progress(worker *w, uint32_t type)
{
	w->prog.type = type;
	w->prog.worker = (uint32_t)w->index;
	if (send(w->fd, &w->prog, sizeof(w->prog), MSG_DONTWAIT) < 0 && errno != EAGAIN)
		_exit(3);
}

static void w_on_report(uv_timer_t *t) { w_send_progress(t->data, LG_MSG_PROGRESS); }

/*
 * Reveal contests: the totals a player did not need to be told. Not
 * answering a question leaves the total as it was (a player away at its
 * reveal, back later); an acknowledged answer whose total never came stays
 * unknown and is counted.
 */
static void w_fill_totals(worker *w, player *p)
{
	if (!p->reveal)
		return;
	int64_t prev = 0;
	for (int q = 0; q < LG_MAXQ && q <= p->last_done; q++) {
		int64_t *a = &w->after[(size_t)q * w->count + p->local];
		if (*a == LG_SCORE_UNKNOWN && !(p->answered >> q & 1) && prev != LG_SCORE_UNKNOWN)
			*a = prev;
		else if (*a == LG_SCORE_UNKNOWN)
			w->res->reveals_missed++;
		prev = *a;
	}
}

static int w_write_result(worker *w)
{
	char path[320];
	snprintf(path, sizeof(path), "%s/w%d.bin", w->cfg->tmpdir, w->index);
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	/* a player still waiting for an ack at the end never got it */
	for (uint32_t i = 0; i < w->count; i++)
		if (w->pl[i].state == P_WAIT_ACK || w->pl[i].state == P_WAIT_DUP)
			w->res->missing_acks++;
	int64_t *pids = calloc(w->count + 1, sizeof(*pids));
	if (!pids) {
		fclose(f);
		return -1;
	}
	for (uint32_t i = 0; i < w->count; i++) {
		pids[i] = w->pl[i].pid;
		w_fill_totals(w, &w->pl[i]);
	}
	w->res->nackrec = w->nacks;
	w->res->nrecv_q = LG_MAXQ;
	w->res->nrecv_p = w->count;
	int ok = fwrite(w->res, sizeof(*w->res), 1, f) == 1 &&
		 (!w->nacks || fwrite(w->acks, sizeof(lg_ackrec), w->nacks, f) == w->nacks) &&
		 fwrite(w->recv, sizeof(uint64_t), (size_t)LG_MAXQ * w->count, f) ==
			 (size_t)LG_MAXQ * w->count &&
		 fwrite(pids, sizeof(*pids), w->count, f) == w->count &&
		 fwrite(w->after, sizeof(int64_t), (size_t)LG_MAXQ * w->count, f) ==
			 (size_t)LG_MAXQ * w->count;
	free(pids);
	return fclose(f) == 0 && ok ? 0 : -1;
}

static void w_on_ctl(uv_poll_t *h, int status, int events)
{
	worker *w = h->data;
	char buf[16];
	ssize_t n = recv(w->fd, buf, sizeof(buf), MSG_DONTWAIT);
	if (n < 0 && errno == EAGAIN)
		return;
	if (n <= 0) /* the coordinator is gone */
		_exit(2);
	if (buf[0] == 'Q') {
		w_send_progress(w, LG_MSG_PROGRESS);
		int rc = w_write_result(w);
		w_send_progress(w, rc == 0 ? LG_MSG_FINAL : 0);
		_exit(rc == 0 ? 0 : 4);
	}
}

void lg_worker_main(const lg_config *cfg, int index, int first, int count, int fd)
{
	static worker w;
	w.cfg = cfg;
	w.fd = fd;
	w.index = index;
	w.count = (uint32_t)count;
	w.rng = 0x2545F4914F6CDD1Dull ^ ((uint64_t)cfg->seed << 20) ^
		(uint64_t)(index + 1) * 0x9E3779B97F4A7C15ull;
	w.res = calloc(1, sizeof(*w.res));
	w.pl = calloc((size_t)count ? (size_t)count : 1, sizeof(player));
	w.recv = calloc((size_t)LG_MAXQ * (count ? (size_t)count : 1), sizeof(uint64_t));
	w.after = malloc((size_t)LG_MAXQ * (count ? (size_t)count : 1) * sizeof(int64_t));
	if (!w.res || !w.pl || !w.recv || !w.after || uv_loop_init(&w.loop) < 0)
		_exit(5);
	for (size_t i = 0; i < (size_t)LG_MAXQ * (size_t)count; i++)
		w.after[i] = LG_SCORE_UNKNOWN;
	w.res->players = (uint64_t)count;
	for (int i = 0; i < cfg->nports; i++) {
		uv_ip4_addr(cfg->host, cfg->ports[i], &w.addr[i]);
		snprintf(w.hostport[i], sizeof(w.hostport[i]), "%s:%d", cfg->host, cfg->ports[i]);
	}
	for (int i = 0; i < count; i++) {
		player *p = &w.pl[i];
		p->w = &w;
		p->local = (uint32_t)i;
		p->gid = (uint32_t)(first + i);
		p->port_i = (uint8_t)(p->gid % (uint32_t)cfg->nports);
		p->qidx = -1;
		p->last_done = -1;
		p->rev_q = -1;
		uv_timer_init(&w.loop, &p->timer);
		p->timer.data = p;
	}
	uv_timer_init(&w.loop, &w.pace);
	w.pace.data = &w;
	uv_timer_start(&w.pace, w_on_pace, 0, 10);
	uv_timer_init(&w.loop, &w.report);
	w.report.data = &w;
	uv_timer_start(&w.report, w_on_report, 50, 50);
	uv_poll_init(&w.loop, &w.ctl, fd);
	w.ctl.data = &w;
	uv_poll_start(&w.ctl, UV_READABLE, w_on_ctl);
	uv_run(&w.loop, UV_RUN_DEFAULT);
	_exit(6);
}
