/*
 * player.c - players arrive: `join` (a new participant row in PostgreSQL,
 * a resume token whose SHA-256 only is stored) and `resume` (the token
 * restores the participant, its score, rank and its answer to the open
 * question, on whichever server process the reconnect lands).
 *
 * A join with an employee number that already joined continues that
 * participant only from the device that joined it (the page's random device
 * key, whose SHA-256 is stored), or once the organizer released it
 * (live/session.c); anyone else gets already_joined. An employee number and
 * a name are known to colleagues: they prove nothing on their own.
 *
 * A roster contest (real-name joining) takes a join only when its employee
 * number and name match a worker of the contest's roster or an approved
 * exception: PostgreSQL's roster_gate decides in the join statement itself,
 * and gives the unit (the roster's); otherwise not_in_roster.
 */
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>
#include <libpq-fe.h>

#include "core/arena.h"
#include "core/auth.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "core/rtoken.h"
#include "live/attempt.h"
#include "live/board.h"
#include "live/live.h"
#include "live/phase.h"
#include "live/player.h"
#include "live/practice.h"
#include "live/run.h"
#include "live/session.h"
#include "live/validate.h"
#include "net/msg.h"
#include "net/ws.h"
#include "store/commit.h"
#include "store/lb.h"
#include "store/pgarr.h"
#include "store/store.h"

typedef struct join_req {
	conn *c;
	crun *r; /* referenced, once known */
	char token[65];
	char hash[65];
	char device[65]; /* SHA-256 of the device key, hex; "" without one */
	char rid[65];
	char *employee_no;
	int resumed;
	int64_t seat_pid; /* a resume: the participant it takes its seat as, with the welcome */
} join_req;

static void join_req_free(join_req *j)
{
	if (j->r)
		run_unref(j->r);
	free(j->employee_no);
	free(j);
}

/* The worker's records token (core/rtoken.h), when there is a records secret and an employee number. */
static void add_records_token(conn *c, cJSON *o, const char *emp)
{
	char t[RTOKEN_MAX + 1];
	if (emp && *emp && !rtoken_make(c->a->cfg.records_secret, emp, wall_ms(), t))
		cJSON_AddStringToObject(o, "records_token", t);
}

static cJSON *joined_msg(conn *c, const join_req *j, const board_me *me)
{
	const char *rid = j->rid, *token = j->token;
	int resumed = j->resumed;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "type", "joined");
	if (rid && *rid)
		cJSON_AddStringToObject(o, "rid", rid);
	cJSON_AddNumberToObject(o, "participant_id", (double)c->pid);
	cJSON_AddStringToObject(o, "token", token);
	cJSON_AddBoolToObject(o, "resumed", resumed);
	cJSON_AddStringToObject(o, "name", c->name);
	cJSON_AddStringToObject(o, "unit", c->unit ? c->unit : "");
	cJSON_AddNumberToObject(o, "score", (double)me->score_milli / 1000.0);
	if (me->rank > 0) {
		cJSON_AddNumberToObject(o, "rank", (double)me->rank);
		cJSON_AddBoolToObject(o, "tied", me->tied);
	} else
		cJSON_AddNullToObject(o, "rank");
	cJSON_AddItemReferenceToObject(o, "contest", c->run->info);
	add_records_token(c, o, j->employee_no);
	return o;
}

/*
 * Last step of join and resume: the standing is known (or not), tell the
 * player everything. A resume takes its seat only now, in the same step as
 * its `joined`: the seat is announced to the other processes, and one whose
 * connection of that participant took its seat earlier closes it (4001);
 * a seat taken before the standing's round trip could be closed before its
 * `joined` was sent.
 */
static void send_welcome(join_req *j, const board_me *me)
{
	conn *c = j->c;
	c->busy = 0;
	if (c->wsi && j->seat_pid && j->r->retired) /* archived, deleted or reset meanwhile */
		conn_send_error(c, j->r->retired, j->rid[0] ? j->rid : NULL, NULL);
	else if (c->wsi && j->seat_pid)
		session_seat(c, j->r, j->seat_pid, 1);
	if (c->wsi && (!j->seat_pid || c->role == ROLE_PLAYER)) {
		conn_send_json(c, joined_msg(c, j, me));
		if (c->run->mode == MODE_PRACTICE) /* no host-paced state: progress, or attempts */
			practice_send_progress(c, NULL);
		else if (c->run->mode != MODE_LIVE)
			attempt_send_list(c, NULL);
		else {
			live_send_snapshot(c);
			board_send_stats(c);
		}
		if (c->run->mode != MODE_PRACTICE) /* practice is never ranked */
			board_send_player(c, me);
	}
	conn_unref(c);
	join_req_free(j);
}

/*
 * The score a board shows of c's participant now, without Redis: its total,
 * less its answer to the open question while scores are hidden (its memo,
 * read at resume or made by the commit).
 */
static int64_t shown_score(const conn *c, const crun *r)
{
	if (run_scores_hidden(r) && c->memo.qindex == r->st.qindex && c->memo.canonical)
		return c->score_milli - c->memo.points_milli;
	return c->score_milli;
}

static void standing_done(crun *r, const board_me *me, void *ud)
{
	join_req *j = ud;
	board_me local = {.score_milli = shown_score(j->c, r)};
	send_welcome(j, me->found ? me : &local);
}

static void fetch_rank_then_welcome(join_req *j)
{
	if (board_standing(j->r, j->c->pid, standing_done, j)) {
		board_me local = {.score_milli = shown_score(j->c, j->r)};
		send_welcome(j, &local);
	}
}

/* The participant on the boards (a new one, or one continued after a removal):
 * its name, unit and employee number's tail for the top N, its total in the
 * ranking (ZADD GT: never below a fresher score a commit wrote). */
static void put_on_boards(crun *r, conn *c, const char *employee_no, int64_t score, int64_t reached_ds)
{
	arena *a = r->a;
	char key[256], member[24], z[32], tail[5];
	lb_member(member, sizeof member, c->pid);
	board_emp_tail(employee_no, tail);
	lb_key(a, key, sizeof key, r, "who");
	lb_command(a, NULL, NULL, "HSET %s %s %s\t%s\t%s", key, member, c->name, c->unit ? c->unit : "",
		   tail);
	lb_key(a, key, sizeof key, r, "lb");
	snprintf(z, sizeof z, "%.17g", lb_zscore(score, reached_ds));
	lb_command(a, NULL, NULL, "ZADD %s GT %s %s", key, z, member);
}

static void resume_lookup(join_req *j, const char *id);

static void join_fail(join_req *j, int code)
{
	conn *c = j->c;
	c->busy = 0;
	if (c->wsi)
		conn_send_error(c, code, j->rid[0] ? j->rid : NULL, NULL);
	free(c->name);
	free(c->unit);
	c->name = c->unit = NULL;
	conn_unref(c);
	join_req_free(j);
}

/* One join's row of the group commit: id (pid, as text), whether the employee
 * number existed, and whether the participant it names was removed by the host. */
static void join_row(join_req *j, const char *id, int64_t pid, int existed, int removed)
{
	conn *c = j->c;
	if (!id) { /* another name, another device, or removed */
		join_fail(j, removed ? SA_E_REMOVED : SA_E_ALREADY_JOINED);
		return;
	}
	if (j->r->retired) { /* archived, deleted or reset while the join was being stored */
		join_fail(j, j->r->retired);
		return;
	}
	if (!c->wsi) {
		c->busy = 0;
		conn_unref(c);
		join_req_free(j);
		return;
	}
	if (existed) {
		/* Same employee number and name again, from the same device or after
		 * the organizer's release: it continues with the new token, like a resume. */
		resume_lookup(j, id);
		return;
	}
	c->busy = 0;
	session_seat(c, j->r, pid, 0);
	put_on_boards(j->r, c, j->employee_no, 0, 0);
	j->r->players++; /* until the next tick counts them all */
	j->r->stats_dirty = 1;
	fetch_rank_then_welcome(j);
}

/* Joins are group-committed like answers (store/commit.h): many joins, one statement.
 * roster_gate (sql/030_roster.sql) lets a join in, with its unit: a roster contest's
 * real-name check, in the same statement (g.ok false: not_in_roster). */
static const char join_sql[] =
	"WITH v AS ("
	"  SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])"
	"  WITH ORDINALITY AS v(cid, name, emp, unit, hash, dev, ord)"
	"), g AS ("
	"  SELECT v.ord, g.ok, g.unit FROM v, LATERAL roster_gate(v.cid, v.emp, v.name, v.unit) g"
	"), ins AS ("
	"  INSERT INTO participants (contest_id, name, employee_no, unit, token_hash, device_hash)"
	"  SELECT cid, name, NULLIF(emp, ''), g.unit, hash, NULLIF(dev, '') FROM v JOIN g USING (ord)"
	"  WHERE g.ok ORDER BY ord"
	"  ON CONFLICT (contest_id, employee_no) DO UPDATE SET token_hash = EXCLUDED.token_hash,"
	"    device_hash = EXCLUDED.device_hash, released = false, removed = false"
	"  WHERE participants.name = EXCLUDED.name"
	"    AND (participants.released"
	"         OR (participants.device_hash = EXCLUDED.device_hash AND NOT participants.removed))"
	"  RETURNING id, token_hash, xmax <> 0 AS existed, unit"
	")"
	" SELECT v.ord, ins.id, ins.existed, g.ok, ins.unit, x.removed FROM v JOIN g USING (ord)"
	" LEFT JOIN ins ON ins.token_hash = v.hash"
	" LEFT JOIN participants x ON x.contest_id = v.cid AND x.employee_no = NULLIF(v.emp, '')";

static void join_cols(const void *item, pgarr *col)
{
	const join_req *j = item;
	pgarr_num(&col[0], j->r->contest_id);
	pgarr_text(&col[1], j->c->name);
	pgarr_text(&col[2], j->employee_no);
	pgarr_text(&col[3], j->c->unit);
	pgarr_text(&col[4], j->hash);
	pgarr_text(&col[5], j->device);
}

/* Two joins with one employee number must not share a statement (ON CONFLICT
 * DO UPDATE may touch a row once): the later one waits for the next batch. */
static int same_employee(const void *earlier, const void *item)
{
	const join_req *x = earlier, *y = item;
	return x->r == y->r && x->employee_no[0] && !strcmp(x->employee_no, y->employee_no);
}

static void joins_done(arena *a, void **items, int n, void *res, const char *err)
{
	if (!res) {
		if (err)
			sa_log(LL_WARN, "join commit of %d failed: %s", n, err);
		for (int i = 0; i < n; i++)
			join_fail(items[i], SA_E_UNAVAILABLE);
		return;
	}
	for (int i = 0; i < PQntuples(res); i++) {
		int64_t ord, pid = 0;
		const char *id = store_text(res, i, 1), *existed = store_text(res, i, 2);
		const char *removed = store_text(res, i, 5);
		if (store_int(res, i, 0, 1, n, &ord) || !items[ord - 1] ||
		    (id && (store_int(res, i, 1, 1, INT64_MAX, &pid) || !existed)))
			continue; /* a row that is not one of ours: its join fails below */
		join_req *j = items[ord - 1];
		items[ord - 1] = NULL;
		const char *gate = store_text(res, i, 3), *unit = store_text(res, i, 4);
		if (!id && gate && gate[0] == 'f') {
			join_fail(j, SA_E_NOT_IN_ROSTER);
			continue;
		}
		if (id && unit && strcmp(unit, j->c->unit)) { /* the roster's unit */
			char *u = strdup(unit);
			if (u) {
				free(j->c->unit);
				j->c->unit = u;
			}
		}
		join_row(j, id, pid, id && existed[0] == 't', !id && removed && removed[0] == 't');
	}
	for (int i = 0; i < n; i++)
		if (items[i])
			join_fail(items[i], SA_E_INTERNAL);
}

static const commit_ops join_commit = {
	.sql = join_sql,
	.ncols = 6,
	.row = join_cols,
	.conflicts = same_employee,
	.done = joins_done,
};

/* Joins wait at most --commit-delay-ms; no interval or in-flight limit: a join
 * is rare next to answers, and its statement is small. */
int player_open(arena *a)
{
	commit_policy pol = {.max = a->cfg.commit_max, .delay_ms = a->cfg.commit_delay_ms};
	a->joins = commit_open(a, &join_commit, pol);
	return a->joins ? 0 : SA_E_INTERNAL;
}

/* Joins still waiting are refused (unavailable). */
void player_close(arena *a)
{
	if (a->joins) {
		commit_close(a->joins);
		a->joins = NULL;
	}
}

int player_join(msg_ctx *x)
{
	conn *c = x->c;
	int rc = 0;
	char *name = NULL, *unit = NULL, *emp = NULL;

	if (c->busy || conn_limit_join(c))
		return SA_E_RATE_LIMITED;
	msg_lang(x);
	const char *jcode = msg_string(x, "code", 1, &rc);
	const char *jname = msg_string(x, "name", 1, &rc);
	if (rc) {
		conn_send_error(c, rc, x->rid, "code, name");
		return 0;
	}
	const char *jemp = msg_string(x, "employee_no", 0, &rc);
	const char *junit = msg_string(x, "unit", 0, &rc);
	const char *jdev = msg_string(x, "device_key", 0, &rc);
	if (rc) {
		conn_send_error(c, rc, x->rid, "employee_no, unit, device_key");
		return 0;
	}
	if (jdev && validate_device_key(jdev)) {
		conn_send_error(c, SA_E_INVALID_FIELD, x->rid, "device_key");
		return 0;
	}
	crun *r = run_find(c->a, jcode);
	if (!r)
		return SA_E_UNKNOWN_CONTEST;
	if (r->st.phase == PHASE_FINISHED)
		return SA_E_CONTEST_FINISHED;
	if ((rc = validate_name(jname, &name)))
		return rc;
	if (validate_unit(junit ? junit : "", &unit)) {
		free(name);
		conn_send_error(c, SA_E_INVALID_FIELD, x->rid, "unit");
		return 0;
	}
	if (validate_employee_no(jemp ? jemp : "", &emp)) {
		free(name);
		free(unit);
		conn_send_error(c, SA_E_INVALID_FIELD, x->rid, "employee_no");
		return 0;
	}
	join_req *j = calloc(1, sizeof *j);
	if (!j || auth_random_hex(j->token, 16)) {
		free(j);
		free(name);
		free(unit);
		free(emp);
		return SA_E_INTERNAL;
	}
	j->c = c;
	j->r = r;
	run_ref(r);
	j->employee_no = emp;
	if (x->rid)
		snprintf(j->rid, sizeof j->rid, "%s", x->rid);
	auth_sha256_hex(j->token, j->hash);
	if (jdev)
		auth_sha256_hex(jdev, j->device);
	free(c->name);
	free(c->unit);
	c->name = name;
	c->unit = unit;
	c->busy = 1;
	conn_ref(c);
	if (!c->a->joins || commit_add(c->a->joins, j))
		join_fail(j, SA_E_UNAVAILABLE);
	return 0;
}

/* A resume that cannot go on: the error (when the socket is still there). */
static void resume_fail(join_req *j, int code)
{
	conn *c = j->c;
	c->busy = 0;
	if (c->wsi)
		conn_send_error(c, code, j->rid[0] ? j->rid : NULL, NULL);
	conn_unref(c);
	join_req_free(j);
}

static void adopted(arena *a, void *res, const char *err, void *ud)
{
	(void)a;
	(void)res;
	(void)ud;
	if (err)
		sa_log(LL_WARN, "device key not stored: %s", err);
}

/* A participant without a device key (joined by an older client) takes the
 * key of the device that resumed it with its token. */
static void adopt_device(arena *a, const char *id, const char *device)
{
	const char *p[2] = {id, device};
	store_query(a, "UPDATE participants SET device_hash = $2 WHERE id = $1 AND device_hash IS NULL", 2, p,
		    adopted, NULL);
}

/* A participant row of resume_lookup, every field checked (other processes wrote it). */
typedef struct resume_row {
	int64_t pid, score, streak, reached_ds, qidx, points, correctness;
	int removed;
	const char *code, *name, *unit, *employee_no;
	const char *canonical; /* its answer to the open question, NULL when none */
} resume_row;

static int resume_read(void *res, resume_row *w)
{
	if (store_int(res, 0, 0, 1, INT64_MAX, &w->pid) || !(w->code = store_text(res, 0, 6)) ||
	    !(w->name = store_text(res, 0, 2)) || !(w->unit = store_text(res, 0, 3)) ||
	    store_int(res, 0, 4, INT64_MIN, INT64_MAX, &w->score) ||
	    store_int(res, 0, 5, 0, INT32_MAX, &w->streak) ||
	    store_int(res, 0, 11, 0, INT64_MAX, &w->reached_ds) || store_bool(res, 0, 13, &w->removed) ||
	    !(w->employee_no = store_text(res, 0, 14)))
		return SA_E_INVALID_FIELD;
	w->qidx = -1;
	w->canonical = NULL;
	if (!store_text(res, 0, 7))
		return 0;
	if (store_int(res, 0, 7, 0, INT32_MAX, &w->qidx) || !(w->canonical = store_text(res, 0, 8)) ||
	    store_int(res, 0, 9, INT64_MIN, INT64_MAX, &w->points) ||
	    store_int(res, 0, 10, 0, 2, &w->correctness))
		return SA_E_INVALID_FIELD;
	return 0;
}

static void resume_done(arena *a, void *res, const char *err, void *ud)
{
	join_req *j = ud;
	conn *c = j->c;
	resume_row w;
	if (!c->wsi || err || PQntuples(res) != 1)
		return resume_fail(j, err ? SA_E_UNAVAILABLE : SA_E_BAD_TOKEN);
	if (resume_read(res, &w)) {
		sa_log(LL_WARN, "resume: the participant's row is malformed");
		return resume_fail(j, SA_E_INTERNAL);
	}
	if (w.removed) /* by the host: until the organizer releases it */
		return resume_fail(j, SA_E_REMOVED);
	crun *r = run_find(a, w.code);
	if (!r)
		return resume_fail(j, SA_E_UNKNOWN_CONTEST);
	char *name = strdup(w.name), *unit = strdup(w.unit);
	char *canonical = w.canonical ? strdup(w.canonical) : NULL;
	if (!name || !unit || (w.canonical && !canonical)) {
		free(name);
		free(unit);
		free(canonical);
		return resume_fail(j, SA_E_INTERNAL);
	}
	run_ref(r);
	int continued = j->r != NULL; /* a join that continued a participant: the same contest */
	if (j->r)
		run_unref(j->r);
	j->r = r;
	free(c->name);
	free(c->unit);
	c->name = name;
	c->unit = unit;
	c->score_milli = w.score;
	c->streak = (int)w.streak;
	c->reached_ds = w.reached_ds;
	free(c->memo.canonical);
	c->memo.canonical = canonical;
	c->memo.qindex = (int)w.qidx;
	if (canonical) {
		c->memo.points_milli = w.points;
		c->memo.correctness = (int)w.correctness;
	}
	j->resumed = 1;
	j->seat_pid = c->pid = w.pid; /* seated with its welcome (send_welcome) */
	if (continued)                /* back on the boards, if the host had removed it */
		put_on_boards(r, c, w.employee_no, w.score, w.reached_ds);
	if (!j->employee_no && *w.employee_no) /* a resume: the worker's number from the row */
		j->employee_no = strdup(w.employee_no);
	if (j->device[0] && !store_text(res, 0, 12)) /* joined by a client without a device key */
		adopt_device(a, store_text(res, 0, 0), j->device);
	fetch_rank_then_welcome(j);
}

/*
 * Looks the participant up by j->token (resume), or by its id (a join that
 * continued a participant: concurrent joins of one employee number may have
 * rotated the token again meanwhile). The connection is referenced and busy.
 */
static void resume_lookup(join_req *j, const char *id)
{
	char hash[65];
	auth_sha256_hex(j->token, hash);
	const char *p[1] = {id ? id : hash};
	if (store_query(j->c->a,
			id ? "SELECT p.id, p.contest_id, p.name, p.unit, p.score_milli, p.streak, c.code, "
			     "a.question_idx, a.response, a.points_milli, a.correctness, p.reached_ds, "
			     "p.device_hash, p.removed, coalesce(p.employee_no, '') "
			     "FROM participants p JOIN contests c ON c.id = p.contest_id "
			     "LEFT JOIN answers a ON a.participant_id = p.id AND a.question_idx = c.qindex "
			     "WHERE p.id = $1"
			   : "SELECT p.id, p.contest_id, p.name, p.unit, p.score_milli, p.streak, c.code, "
			     "a.question_idx, a.response, a.points_milli, a.correctness, p.reached_ds, "
			     "p.device_hash, p.removed, coalesce(p.employee_no, '') "
			     "FROM participants p JOIN contests c ON c.id = p.contest_id "
			     "LEFT JOIN answers a ON a.participant_id = p.id AND a.question_idx = c.qindex "
			     "WHERE p.token_hash = $1",
			1, p, resume_done, j)) {
		j->c->busy = 0;
		conn_send_error(j->c, SA_E_UNAVAILABLE, j->rid[0] ? j->rid : NULL, NULL);
		conn_unref(j->c);
		join_req_free(j);
	}
}

int player_resume(msg_ctx *x)
{
	conn *c = x->c;
	int rc = 0;
	if (c->busy || conn_limit_join(c))
		return SA_E_RATE_LIMITED;
	msg_lang(x);
	const char *token = msg_string(x, "token", 1, &rc);
	const char *dev = msg_string(x, "device_key", 0, &rc);
	if (rc) {
		conn_send_error(c, rc, x->rid, "token, device_key");
		return 0;
	}
	if (dev && validate_device_key(dev)) {
		conn_send_error(c, SA_E_INVALID_FIELD, x->rid, "device_key");
		return 0;
	}
	if (strlen(token) != 32)
		return SA_E_BAD_TOKEN;
	join_req *j = calloc(1, sizeof *j);
	if (!j)
		return SA_E_INTERNAL;
	j->c = c;
	snprintf(j->token, sizeof j->token, "%s", token);
	if (dev)
		auth_sha256_hex(dev, j->device);
	if (x->rid)
		snprintf(j->rid, sizeof j->rid, "%s", x->rid);
	c->busy = 1;
	conn_ref(c);
	resume_lookup(j, NULL);
	return 0;
}
