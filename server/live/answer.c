/*
 * answer.c - the answer path: dedupe -> deadline -> score -> group commit ->
 * leaderboard -> ack.
 *
 * An answer is acknowledged only after PostgreSQL committed it. Answers wait
 * here at most --commit-delay-ms (or until --commit-max are waiting) and then
 * go to PostgreSQL together, as ONE prepared statement (so one transaction,
 * one disk flush) that inserts them, adds their points to the participants'
 * totals and reports, per answer, whether it was new or already there:
 *
 *   k    each answer judged by PostgreSQL: received within its question's
 *        window (questions.open_ms/deadline_ms, written by every host
 *        command), its participant still there
 *   ins  INSERT ... ON CONFLICT DO NOTHING   the primary key (participant,
 *        question) makes a retry or a second process unable to count twice
 *   upd  UPDATE participants with the sums of what ins inserted
 *   rows 'i' (inserted, new total), 'e' (an earlier answer, its points), or
 *        why not: 'n' not opened, 'l' late, 'x' participant gone
 *
 * Network delay (docs/scoring.md): an answer counts as received half its
 * connection's measured round-trip time earlier (net/rtt.h, at most
 * --rtt-credit-max-ms): its speed bonus and its deadline are judged by
 * received - credit, here and in PostgreSQL, and both are stored with it.
 *
 * This process judges first by what it knows, and PostgreSQL last: an answer
 * naming a question this process does not think open yet (it may have
 * missed the state that opened it) waits for a read of the contests table
 * (live/sync.c) and is judged again by its own receive time.
 *
 * The queue is store/commit.c's: under load, commits start at most every
 * --commit-interval-ms per process and at most --commit-inflight are on
 * their way at once, so a batch grows with the load.
 *
 * Then, per new answer, the Redis sorted set gets the participant's new total
 * (absolute, from PostgreSQL, so a replay is harmless) and the ack carries the
 * rank. A same response again (retry after a lost ack, reconnect, another
 * process) gets the same ack with duplicate:true; a different one gets
 * already_answered.
 */
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>
#include <libpq-fe.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/log.h"
#include "live/answer.h"
#include "live/board.h"
#include "live/live.h"
#include "live/phase.h"
#include "live/rebuild.h"
#include "live/recall.h"
#include "live/run.h"
#include "live/sync.h"
#include "net/msg.h"
#include "net/rtt.h"
#include "net/ws.h"
#include "store/commit.h"
#include "store/lb.h"
#include "store/pgarr.h"
#include "store/store.h"

typedef struct pending {
	conn *c;
	crun *r; /* referenced */
	int64_t pid;
	int qindex;
	char rid[65];
	int dup2; /* the same answer was sent again on this connection meanwhile */
	char rid2[65];
	char *canonical;
	char options[128]; /* PostgreSQL array literal, "{0,2}" */
	int64_t points;
	int correctness;
	int64_t recv_ms;
	int rtt_ms, credit_ms; /* the connection's RTT (-1: unknown), the credit it gave */
	int64_t response_ms;
	int64_t reached_ds;
	int streak;
	int retries;
	int counted; /* in this batch's answer counter already */
	char kind;   /* the commit's row for it: 'i' new, 'e' there already, 0 none */
	/* filled from the commit */
	int64_t total, total_ds;
	int duplicate;
} pending;

/* An answer on its way to being judged: received now, or judged again after
 * this process re-read PostgreSQL (fresh). */
typedef struct answer_in {
	conn *c;
	crun *r;
	int qi;
	const cJSON *response;
	const char *rid;
	int64_t recv_ms;
	int rtt_ms, credit_ms; /* the connection's when it was received */
	int fresh;
} answer_in;

/* A pending answer of in's player to its question; takes canonical. */
static pending *pending_new(const answer_in *in, char *canonical)
{
	conn *c = in->c;
	pending *p = calloc(1, sizeof *p);
	if (!p) {
		free(canonical);
		return NULL;
	}
	p->c = c;
	conn_ref(c);
	c->a->answers_pending++;
	p->r = in->r;
	run_ref(p->r);
	p->pid = c->pid;
	p->qindex = in->qi;
	if (in->rid)
		snprintf(p->rid, sizeof p->rid, "%s", in->rid);
	p->canonical = canonical;
	return p;
}

int answer_pending(arena *a) { return a->answers_pending > 0; }

static void pending_free(pending *p)
{
	if (p->c->answer_inflight == p)
		p->c->answer_inflight = NULL;
	p->c->a->answers_pending--;
	conn_unref(p->c);
	run_unref(p->r);
	free(p->canonical);
	free(p);
}

/* Waits for the group commit; refused at once when it cannot. */
static void refuse(pending *p, int code);
static void enqueue(arena *a, pending *p)
{
	if (!a->answers || commit_add(a->answers, p))
		refuse(p, SA_E_UNAVAILABLE);
}

/* ------------------------------------------------------------ acks */

static void send_ack(pending *p, const board_me *me)
{
	conn *c = p->c;
	crun *r = p->r;
	if (!c->wsi)
		return;
	live_ack k = {.qi = p->qindex,
		      .rid = p->rid[0] ? p->rid : NULL,
		      .points = p->points,
		      .score = p->total,
		      .rank = me->rank,
		      .tied = me->tied,
		      .duplicate = p->duplicate};
	conn_send_frame(c, live_ack_frame(r, &k));
	if (p->dup2) {
		k.rid = p->rid2[0] ? p->rid2 : NULL;
		k.duplicate = 1;
		conn_send_frame(c, live_ack_frame(r, &k));
	}
}

static void standing_ack(crun *r, const board_me *me, void *ud)
{
	(void)r;
	send_ack(ud, me);
	pending_free(ud);
}

/* GET <prefix>CODE:ok: not this contest's (a FLUSHALL, a reset elsewhere): rebuild. */
static void ok_reply(arena *a, void *reply, void *ud)
{
	crun *r = ud;
	(void)a;
	if (reply && !rebuild_is_current(r, reply))
		rebuild_contest(r);
	run_unref(r);
}

/* The answer is in PostgreSQL: update the derived state, then ack with the rank. */
static void committed(arena *a, pending *p, int fresh)
{
	conn *c = p->c;
	crun *r = p->r;
	char key[256], member[24];
	lb_member(member, sizeof member, p->pid);
	if (c->pid == p->pid) {
		c->score_milli = p->total;
		c->reached_ds = p->total_ds;
		if (fresh)
			c->streak = p->streak;
		char *copy = strdup(p->canonical); /* out of memory: a retry asks PostgreSQL */
		if (copy) {
			free(c->memo.canonical);
			c->memo.qindex = p->qindex;
			c->memo.canonical = copy;
			c->memo.points_milli = p->points;
			c->memo.correctness = p->correctness;
		}
	}
	/* The total is PostgreSQL's, so setting it again is harmless: a duplicate also
	 * heals Redis when a process died between its commit and its ZADD. */
	char z[32];
	snprintf(z, sizeof z, "%.17g", lb_zscore(p->total, p->total_ds));
	lb_key(a, key, sizeof key, r, "lb");
	lb_command(a, NULL, NULL, "ZADD %s %s %s", key, z, member);
	if (fresh)
		a->stat_acks++;
	/* the rank only where the ack tells it (instant feedback) */
	if (!r->def->feedback_instant || board_standing(r, p->pid, standing_ack, p)) {
		board_me none = {0};
		send_ack(p, &none);
		pending_free(p);
	}
}

static void refuse(pending *p, int code)
{
	conn *c = p->c;
	if (c->wsi) {
		conn_send_error(c, code, p->rid[0] ? p->rid : NULL, NULL);
		if (p->dup2)
			conn_send_error(c, code, p->rid2[0] ? p->rid2 : NULL, NULL);
	}
	pending_free(p);
}

/* ------------------------------------------------------------ group commit */

enum {
	COL_PID,
	COL_QIDX,
	COL_QID,
	COL_RID,
	COL_RESP,
	COL_OPTS,
	COL_PTS,
	COL_CORR,
	COL_RCV,
	COL_RMS,
	COL_RDS,
	COL_STREAK,
	COL_CID,
	COL_RTT,
	COL_CREDIT,
	NCOLS
};

/*
 * PostgreSQL judges too: an answer is inserted only if its participant is
 * still there and not removed by the host (k.known: a reset deletes them)
 * and it was received within its question's window (k.inwin:
 * questions.open_ms/deadline_ms, written with every host command; received
 * less its credit for the network's delay), whatever this process believed
 * when it took it. Rows back: 'i' inserted, 'e' there already, else why
 * not: 'n' the question was never opened, 'p' received while the host had
 * paused it, 'l' received after its window closed, 'r' the participant was
 * removed, 'x' the participant is gone.
 */
static const char commit_sql[] =
	"WITH v AS ("
	"  SELECT * FROM unnest($1::bigint[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[],"
	"    $7::bigint[], $8::smallint[], $9::bigint[], $10::int[], $11::bigint[], $12::int[], $13::bigint[],"
	"    $14::int[], $15::int[])"
	"  WITH ORDINALITY AS v(pid, qidx, qid, rid, resp, opts, pts, corr, rcv, rms, rds, streak, cid, rtt, credit,"
	"    ord)"
	"), k AS ("
	"  SELECT v.*, p.id IS NOT NULL AS present, p.id IS NOT NULL AND NOT p.removed AS known,"
	"    COALESCE(q.open_ms > 0, false) AS opened,"
	"    COALESCE(q.open_ms > 0 AND v.rcv - v.credit <= q.deadline_ms, false) AS inwin,"
	"    COALESCE(c.paused_ms > 0 AND c.qindex = v.qidx, false) AS paused"
	"  FROM v LEFT JOIN questions q ON q.contest_id = v.cid AND q.idx = v.qidx"
	"    LEFT JOIN participants p ON p.id = v.pid AND p.contest_id = v.cid"
	"    LEFT JOIN contests c ON c.id = v.cid"
	"), ins AS ("
	"  INSERT INTO answers (participant_id, question_idx, contest_id, question_id, request_id, response,"
	"    options, points_milli, correctness, received_ms, response_ms, instance, rtt_ms, credit_ms, reached_ds)"
	"  SELECT pid, qidx, cid, qid, NULLIF(rid, ''), resp, opts::int[], pts, corr, rcv, rms, $16,"
	"    NULLIF(rtt, -1), credit, rds FROM k"
	"  WHERE known AND inwin"
	"  ON CONFLICT DO NOTHING"
	"  RETURNING participant_id, question_idx"
	"), sums AS ("
	"  SELECT v.pid, sum(v.pts) AS pts, max(v.rds) AS rds, max(v.streak) AS streak"
	"  FROM ins JOIN v ON v.pid = ins.participant_id AND v.qidx = ins.question_idx GROUP BY v.pid"
	"), upd AS ("
	"  UPDATE participants p SET score_milli = p.score_milli + s.pts,"
	"    reached_ds = CASE WHEN s.pts <> 0 THEN s.rds ELSE p.reached_ds END, streak = s.streak"
	"  FROM sums s WHERE p.id = s.pid RETURNING p.id, p.score_milli, p.reached_ds"
	")"
	" SELECT 'i', v.ord, u.score_milli, u.reached_ds, v.pts, v.corr, v.resp"
	"   FROM ins JOIN v ON v.pid = ins.participant_id AND v.qidx = ins.question_idx"
	"   JOIN upd u ON u.id = v.pid"
	" UNION ALL"
	" SELECT 'e', v.ord, p.score_milli, p.reached_ds, a.points_milli, a.correctness, a.response"
	"   FROM v JOIN answers a ON a.participant_id = v.pid AND a.question_idx = v.qidx"
	"   JOIN participants p ON p.id = v.pid"
	" UNION ALL"
	" SELECT CASE WHEN NOT present THEN 'x' WHEN NOT known THEN 'r' WHEN NOT opened THEN 'n'"
	"   WHEN paused THEN 'p' ELSE 'l' END, ord, 0, 0, 0, 0, ''"
	"   FROM k WHERE NOT (known AND inwin)";

static void answer_row(const void *item, pgarr *col)
{
	const pending *p = item;
	pgarr_num(&col[COL_PID], p->pid);
	pgarr_num(&col[COL_QIDX], p->qindex);
	pgarr_text(&col[COL_QID], p->r->qs[p->qindex].cq->id);
	pgarr_text(&col[COL_RID], p->rid);
	pgarr_text(&col[COL_RESP], p->canonical);
	pgarr_text(&col[COL_OPTS], p->options);
	pgarr_num(&col[COL_PTS], p->points);
	pgarr_num(&col[COL_CORR], p->correctness);
	pgarr_num(&col[COL_RCV], p->recv_ms);
	pgarr_num(&col[COL_RMS], p->response_ms);
	pgarr_num(&col[COL_RDS], p->reached_ds);
	pgarr_num(&col[COL_STREAK], p->streak);
	pgarr_num(&col[COL_CID], p->r->contest_id);
	pgarr_num(&col[COL_RTT], p->rtt_ms);
	pgarr_num(&col[COL_CREDIT], p->credit_ms);
}

static const char *answer_instance(arena *a, int k)
{
	(void)k;
	return a->cfg.instance; /* $16 */
}

/*
 * Per batch, not per answer: one INCRBY per question for the answer counters,
 * and one GET of the "ok" key per contest, so that a flushed Redis is noticed
 * at the first batch after it (and rebuilt) rather than at the next tick.
 */
static void batch_counters(arena *a, void **items, int n)
{
	char key[256];
	for (int i = 0; i < n; i++) {
		pending *p = items[i];
		if (!p || p->kind != 'i' || p->counted)
			continue;
		int64_t count = 0;
		int first_of_run = 1;
		for (int k = 0; k < n; k++) {
			pending *q = items[k];
			if (!q || q->r != p->r)
				continue;
			if (k < i)
				first_of_run = 0;
			if (q->kind == 'i' && q->qindex == p->qindex && !q->counted) {
				q->counted = 1;
				count++;
			}
		}
		lb_key(a, key, sizeof key, p->r, "ans:");
		size_t kl = strlen(key);
		snprintf(key + kl, sizeof key - kl, "%d", p->qindex);
		lb_command(a, NULL, NULL, "INCRBY %s %lld", key, (long long)count);
		if (first_of_run) {
			lb_key(a, key, sizeof key, p->r, "ok");
			run_ref(p->r);
			if (lb_command(a, ok_reply, p->r, "GET %s", key))
				run_unref(p->r);
		}
	}
}

/* Row i of the commit says answer p was already there with another response:
 * remember what is stored (retries of it still get their ack), refuse p. */
static void refuse_other(pending *p, void *res, int i)
{
	conn *c = p->c;
	const char *resp = store_text(res, i, 6);
	int64_t pts, corr;
	if (c->pid == p->pid && resp && !store_int(res, i, 4, INT64_MIN, INT64_MAX, &pts) &&
	    !store_int(res, i, 5, 0, 2, &corr)) {
		char *stored = strdup(resp);
		if (stored) {
			free(c->memo.canonical);
			c->memo.qindex = p->qindex;
			c->memo.canonical = stored;
			c->memo.points_milli = pts;
			c->memo.correctness = (int)corr;
		}
		c->score_milli = p->total;
		c->reached_ds = p->total_ds;
	}
	refuse(p, SA_E_ALREADY_ANSWERED);
}

/* The refusals PostgreSQL's judgement gives, by the kind of its row. */
static int refusal(char kind)
{
	switch (kind) {
	case 'n':
		return SA_E_NOT_OPEN;
	case 'l':
		return SA_E_QUESTION_CLOSED;
	case 'p':
		return SA_E_PAUSED;
	case 'r':
		return SA_E_REMOVED;
	case 'x':
		return SA_E_CONTEST_RESET;
	default:
		return 0;
	}
}

/* Row i of the commit: what it says of its answer (p->kind, totals). 0, or SA_E_INVALID_FIELD. */
static int answer_kind(void *res, int i, int n, long *ord, char *kind, int64_t *total, int64_t *total_ds)
{
	const char *k = store_text(res, i, 0);
	int64_t o;
	if (!k || !k[0] || k[1] || !strchr("ielnprx", k[0]) || store_int(res, i, 1, 1, n, &o))
		return SA_E_INVALID_FIELD;
	*kind = k[0];
	*ord = (long)o - 1;
	if (*kind != 'i' && *kind != 'e')
		return 0;
	return store_int(res, i, 2, INT64_MIN, INT64_MAX, total) ||
			       store_int(res, i, 3, 0, INT64_MAX, total_ds)
		       ? SA_E_INVALID_FIELD
		       : 0;
}

/* The group commit's outcome (store/commit.h): one row per answer, 'i' or 'e' first. */
static void answers_done(arena *a, void **items, int n, void *res, const char *err)
{
	if (!res) {
		if (err)
			sa_log(LL_WARN, "answer commit of %d failed: %s", n, err);
		for (int i = 0; i < n; i++)
			refuse(items[i], SA_E_UNAVAILABLE);
		return;
	}
	a->stat_commits++;
	for (int i = 0; i < n; i++)
		((pending *)items[i])->kind = 0;
	int rows = PQntuples(res);
	for (int i = 0; i < rows; i++) {
		long ord;
		char kind;
		int64_t total, total_ds;
		if (answer_kind(res, i, n, &ord, &kind, &total, &total_ds) || !items[ord])
			continue;
		pending *p = items[ord];
		/* a stored answer ('e') beats a refusal: its retry gets its ack, late or not */
		if (p->kind && !(kind == 'e' && refusal(p->kind)))
			continue;
		p->kind = kind;
		if (refusal(kind))
			continue;
		p->total = total;
		p->total_ds = total_ds;
		if (kind == 'e') {
			const char *resp = store_text(res, i, 6);
			int64_t pts, corr;
			if (!resp || strcmp(resp, p->canonical)) {
				refuse_other(p, res, i);
				items[ord] = NULL;
				continue;
			}
			if (!store_int(res, i, 4, INT64_MIN, INT64_MAX, &pts) &&
			    !store_int(res, i, 5, 0, 2, &corr)) {
				p->points = pts;
				p->correctness = (int)corr;
			}
			p->duplicate = 1;
		}
	}
	for (int i = 0; i < n; i++) {
		pending *p = items[i];
		if (p && refusal(p->kind)) {
			refuse(p, refusal(p->kind));
			items[i] = NULL;
		}
	}
	batch_counters(a, items, n);
	for (int i = 0; i < n; i++) {
		pending *p = items[i];
		if (!p)
			continue;
		if (p->kind)
			committed(a, p, p->kind == 'i');
		else if (p->retries++ < 3)
			enqueue(a, p); /* raced with a concurrent insert of the same key: look again */
		else
			refuse(p, SA_E_UNAVAILABLE);
	}
}

static const commit_ops answer_commit = {
	.sql = commit_sql,
	.ncols = NCOLS,
	.nextra = 1,
	.row = answer_row,
	.extra = answer_instance,
	.done = answers_done,
};

int answer_open(arena *a)
{
	commit_policy pol = {
		.max = a->cfg.commit_max,
		.delay_ms = a->cfg.commit_delay_ms,
		.interval_ms = a->cfg.commit_interval_ms,
		.inflight = a->cfg.commit_inflight > 0 ? a->cfg.commit_inflight : 1,
	};
	a->answers = commit_open(a, &answer_commit, pol);
	return a->answers ? 0 : SA_E_INTERNAL;
}

void answer_close(arena *a)
{
	if (a->answers) {
		commit_close(a->answers);
		a->answers = NULL;
	}
}

void answer_flush_now(arena *a)
{
	if (a->answers)
		commit_flush(a->answers);
}

/* An answer to a question no longer open (live/recall.c). */
static int lookup_past(const answer_in *in, int closed_code)
{
	return recall_answer(in->c, in->r, in->qi, in->response, in->rid, closed_code);
}

/* ------------------------------------------------------------ a question this process thinks not open */

/* An answer waiting for this process to re-read PostgreSQL (live/sync.c). */
typedef struct parked {
	conn *c; /* referenced */
	crun *r; /* referenced */
	int qi;
	int64_t pid, recv_ms;
	int rtt_ms, credit_ms;
	cJSON *response;
	char rid[65];
} parked;

static int judge(const answer_in *in);

static void parked_done(arena *a, int rc, void *ud)
{
	parked *w = ud;
	conn *c = w->c;
	(void)a;
	/* Still this player's connection in this contest: judge it again, by what PostgreSQL said. */
	if (c->wsi && c->role == ROLE_PLAYER && c->run == w->r && c->pid == w->pid && !w->r->retired) {
		answer_in in = {.c = c,
				.r = w->r,
				.qi = w->qi,
				.response = w->response,
				.rid = w->rid[0] ? w->rid : NULL,
				.recv_ms = w->recv_ms,
				.rtt_ms = w->rtt_ms,
				.credit_ms = w->credit_ms,
				.fresh = 1};
		if (!rc)
			rc = judge(&in);
		if (rc < 0)
			conn_send_error(c, rc, in.rid, NULL);
	}
	conn_unref(c);
	run_unref(w->r);
	cJSON_Delete(w->response);
	free(w);
}

/*
 * The answer names a question this process does not think open yet: it may
 * have missed the state that opened it (Redis down, a lost event). It is
 * judged again once PostgreSQL was read, by its own receive time: a process
 * that learned late still takes an answer received in time.
 */
static int park(const answer_in *in)
{
	parked *w = calloc(1, sizeof *w);
	if (!w || !(w->response = cJSON_Duplicate(in->response, 1))) {
		free(w);
		return SA_E_INTERNAL;
	}
	w->c = in->c;
	w->r = in->r;
	w->qi = in->qi;
	w->pid = in->c->pid;
	w->recv_ms = in->recv_ms;
	w->rtt_ms = in->rtt_ms;
	w->credit_ms = in->credit_ms;
	if (in->rid)
		snprintf(w->rid, sizeof w->rid, "%s", in->rid);
	conn_ref(w->c);
	run_ref(w->r);
	int rc = sync_wait(in->c->a, parked_done, w);
	if (rc) {
		conn_unref(w->c);
		run_unref(w->r);
		cJSON_Delete(w->response);
		free(w);
	}
	return rc;
}

/* ------------------------------------------------------------ submit */

/* An answer to question in->qi: refused, acknowledged again, or queued for the commit. */
static int judge(const answer_in *in)
{
	conn *c = in->c;
	crun *r = in->r;
	int qi = in->qi;
	const run_question *q = &r->qs[qi];
	int64_t eff = in->recv_ms - in->credit_ms; /* as if received without the network's delay */
	/* The question being played, or the one revealed a moment ago: an answer on its
	 * way when it closed counts, credited (and PostgreSQL judges it by its window). */
	int current = qi == r->st.qindex && (r->st.phase == PHASE_QUESTION ||
					     (r->st.phase == PHASE_REVEAL && eff <= r->st.deadline_ms));

	/* Not the open question: a retry of a stored answer, too late, or too early by our view. */
	if (!current) {
		if (r->st.phase == PHASE_FINISHED && qi > r->st.qindex)
			return SA_E_NOT_OPEN;
		if (qi > r->st.qindex || r->st.phase == PHASE_LOBBY)
			return in->fresh ? SA_E_NOT_OPEN : park(in);
		return lookup_past(in, r->st.phase == PHASE_FINISHED ? SA_E_NOT_OPEN : SA_E_QUESTION_CLOSED);
	}

	score_result res;
	score_ctx sctx = {.response_ms = eff - r->st.open_ms,
			  .limit_ms = q->cq->time_limit_ms,
			  .streak = c->streak,
			  .lang = c->lang_en ? "en" : "zh-CN"};
	if (sctx.response_ms < 0)
		sctx.response_ms = 0;
	int src = score_answer(q->cq->compiled, in->response, &sctx, &res);
	if (src)
		return err_from_score(src);
	char *canonical = score_canonical_response(q->cq->compiled, in->response);
	if (!canonical)
		return SA_E_INVALID_RESPONSE;

	/* Answered already (this process knows): same response -> same ack. */
	if (c->memo.qindex == qi && c->memo.canonical) {
		if (strcmp(c->memo.canonical, canonical)) {
			free(canonical);
			return SA_E_ALREADY_ANSWERED;
		}
		pending *d = pending_new(in, canonical);
		if (!d)
			return SA_E_INTERNAL;
		d->points = c->memo.points_milli;
		d->correctness = c->memo.correctness;
		d->total = c->score_milli;
		d->total_ds = c->reached_ds;
		d->duplicate = 1;
		committed(c->a, d, 0);
		return 0;
	}
	if (eff > (r->st.paused_ms ? r->st.paused_ms : r->st.deadline_ms)) {
		free(canonical);
		/* while paused it waits (the client sends it again after the resume) */
		return lookup_past(in, r->st.paused_ms ? SA_E_PAUSED : SA_E_QUESTION_CLOSED);
	}
	/* On its way already from this connection: the same answer shares its result. */
	pending *inflight = c->answer_inflight;
	if (inflight && inflight->qindex == qi) {
		int same = !strcmp(inflight->canonical, canonical) && !inflight->dup2;
		free(canonical);
		if (!same)
			return SA_E_ALREADY_ANSWERED;
		inflight->dup2 = 1;
		snprintf(inflight->rid2, sizeof inflight->rid2, "%s", in->rid ? in->rid : "");
		return 0;
	}

	pending *p = pending_new(in, canonical);
	if (!p)
		return SA_E_INTERNAL;
	int idx[64], no = score_response_options(q->cq->compiled, in->response, idx, 64);
	size_t ol = (size_t)snprintf(p->options, sizeof p->options, "{");
	for (int i = 0; i < no && ol < sizeof p->options - 8; i++)
		ol += (size_t)snprintf(p->options + ol, sizeof p->options - ol, "%s%d", i ? "," : "", idx[i]);
	snprintf(p->options + ol, sizeof p->options - ol, "}");
	p->points = res.points_milli;
	p->correctness = res.correctness;
	p->recv_ms = in->recv_ms;
	p->rtt_ms = in->rtt_ms;
	p->credit_ms = in->credit_ms;
	p->response_ms = sctx.response_ms;
	p->reached_ds = (eff > r->st.started_ms ? eff - r->st.started_ms : 0) / 100;
	p->streak = res.streak;
	c->answer_inflight = p;
	enqueue(c->a, p);
	return 0;
}

int answer_submit(msg_ctx *x)
{
	conn *c = x->c;
	crun *r = c->run;
	int rc = 0, qi = -1;

	if (c->a->stopping)
		return SA_E_UNAVAILABLE; /* the client retries on another process or after the restart */
	const char *qid = msg_string(x, "question_id", 1, &rc);
	cJSON *response = cJSON_GetObjectItemCaseSensitive(x->m, "response");
	if (rc || !response) {
		conn_send_error(c, SA_E_BAD_MESSAGE, x->rid, "question_id, response");
		return 0;
	}
	for (int i = 0; i < r->nq; i++)
		if (!strcmp(r->qs[i].cq->id, qid)) {
			qi = i;
			break;
		}
	if (qi < 0)
		return SA_E_NOT_OPEN;
	c->a->stat_answers++;
	const sa_config *cfg = &c->a->cfg;
	int rtt = conn_rtt(c);
	answer_in in = {.c = c,
			.r = r,
			.qi = qi,
			.response = response,
			.rid = x->rid,
			.recv_ms = x->recv_ms,
			.rtt_ms = rtt,
			.credit_ms = cfg->rtt_ping_ms > 0 ? rtt_credit(rtt, cfg->rtt_credit_max_ms) : 0};
	return judge(&in);
}
