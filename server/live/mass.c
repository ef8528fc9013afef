/*
 * mass.c - the boards of self-paced contests (exam, mass).
 *
 * A mass contest runs for days: each ended attempt raises the participant's
 * entry on the day's sorted set in Redis (ZADD GT: the best of the day; ties
 * by the shorter duration, as the contest's own set, store/lb.c) and counts
 * the day's attempts. A day whose keys are missing (a new Redis, a FLUSHALL)
 * is rebuilt from PostgreSQL's attempts when next read or written, and read
 * from PostgreSQL meanwhile.
 *
 * `mass_board` puts together, for a day: the top of the day and overall
 * (Redis, PostgreSQL while Redis is incomplete; participants who joined but
 * ended no attempt are left out), and the units (rollup.c: participation
 * rate and average, rolled up the unit tree; today's are kept for
 * MASS_UNITS_MS). Screens and hosts get today's board pushed when it
 * changed, at most every MASS_PUSH_MS, and at once when one starts watching.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>
#include <libpq-fe.h>

#include "core/arena.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "core/num.h"
#include "live/board.h"
#include "live/fanout.h"
#include "live/mass.h"
#include "live/paper.h"
#include "live/rebuild.h"
#include "live/rollup.h"
#include "live/run.h"
#include "live/selfpaced.h"
#include "net/frame.h"
#include "net/msg.h"
#include "net/ws.h"
#include "store/lb.h"
#include "store/store.h"

/*
 * An ended attempt's time on a day board, in deciseconds: at least 1, so
 * that a 0-point attempt ended within 0.1 s is not taken for lb_zscore(0, 0),
 * a participant who joined and ended no attempt (top_names skips those).
 */
static int64_t ended_ds(int64_t duration_ms)
{
	int64_t ds = duration_ms / 100;
	return ds < 1 ? 1 : ds;
}

#define MASS_PUSH_MS 5000
#define MASS_UNITS_MS 30000
#define MASS_TOP 10
#define MASS_READ 30 /* read from the sorted set to find MASS_TOP who ended an attempt */
#define MASS_DAY_TTL_S (40 * 86400)
#define MASS_REBUILD_CHUNK 256

typedef struct mass_state {
	cJSON *units; /* today's units (rollup.c), and when they were computed */
	char units_day[11];
	int64_t units_ms;
	int64_t players, attempts; /* overall, with the units */
	frame *pushed;             /* the last board pushed to screens and hosts */
	int64_t push_ms;
	int viewers;         /* screens and hosts when it was pushed */
	int busy;            /* a push on its way */
	char rebuilding[11]; /* the day being rebuilt in Redis */
} mass_state;

int mass_valid_day(const char *d)
{
	if (!d || strlen(d) != 10 || d[4] != '-' || d[7] != '-')
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (d[i] < '0' || d[i] > '9'))
			return 0;
	int m = (d[5] - '0') * 10 + d[6] - '0', dd = (d[8] - '0') * 10 + d[9] - '0';
	return m >= 1 && m <= 12 && dd >= 1 && dd <= 31;
}

static void day_key(const crun *r, char *buf, size_t n, const char *what, const char *day)
{
	char w[32];
	snprintf(w, sizeof w, "%s:%s", what, day);
	lb_key(r->a, buf, n, r, w);
}

static void mass_free(mass_state *m)
{
	cJSON_Delete(m->units);
	frame_unref(m->pushed);
	free(m);
}

/* r's board state, made on first use (exam, mass); freed with its pool. NULL: out of memory. */
static mass_state *mass_of(crun *r)
{
	paper_pool *pp = r->pool;
	if (!pp || (r->mode != MODE_MASS && r->mode != MODE_EXAM))
		return NULL;
	if (!pp->mass && (pp->mass = calloc(1, sizeof *pp->mass)))
		pp->mass_free = mass_free;
	return pp->mass;
}

/* ------------------------------------------------------------ day boards in Redis */

/* A day of a contest, for a Redis check or rebuild; holds a reference to r. */
typedef struct day_req {
	crun *r;
	char day[11];
} day_req;

static day_req *day_req_new(crun *r, const char *day)
{
	day_req *d = calloc(1, sizeof *d);
	if (!d)
		return NULL;
	d->r = r;
	run_ref(r);
	snprintf(d->day, sizeof d->day, "%s", day);
	return d;
}

static void day_req_free(day_req *d)
{
	run_unref(d->r);
	free(d);
}

static void day_rows(arena *a, void *res, const char *err, void *ud)
{
	day_req *d = ud;
	crun *r = d->r;
	mass_state *m = mass_of(r);
	char lbd[256], attd[256], okd[256];
	if (m)
		m->rebuilding[0] = '\0';
	if (err || !m || r->retired) {
		if (err)
			sa_log(LL_WARN, "day board %s of contest %s: %s", d->day, r->code, err);
		return day_req_free(d);
	}
	day_key(r, lbd, sizeof lbd, "lbd", d->day);
	day_key(r, attd, sizeof attd, "attd", d->day);
	day_key(r, okd, sizeof okd, "okd", d->day);
	int n = PQntuples(res);
	for (int base = 0; base < n; base += MASS_REBUILD_CHUNK) {
		const char *argv[3 + 2 * MASS_REBUILD_CHUNK];
		char z[MASS_REBUILD_CHUNK][32], mem[MASS_REBUILD_CHUNK][24];
		int argc = 0;
		argv[argc++] = "ZADD";
		argv[argc++] = lbd;
		argv[argc++] = "GT";
		for (int i = base; i < n && i < base + MASS_REBUILD_CHUNK; i++) {
			int k = i - base;
			snprintf(z[k], sizeof z[k], "%.17g",
				 lb_zscore(atoll(PQgetvalue(res, i, 1)),
					   ended_ds(atoll(PQgetvalue(res, i, 2)))));
			lb_member(mem[k], sizeof mem[k], atoll(PQgetvalue(res, i, 0)));
			argv[argc++] = z[k];
			argv[argc++] = mem[k];
		}
		lb_commandv(a, NULL, NULL, argc, argv, NULL);
	}
	lb_command(a, NULL, NULL, "SET %s %s EX %d", attd, n ? PQgetvalue(res, 0, 3) : "0", MASS_DAY_TTL_S);
	lb_command(a, NULL, NULL, "EXPIRE %s %d", lbd, MASS_DAY_TTL_S);
	char id[48];
	rebuild_identity(r, id, sizeof id);
	lb_command(a, NULL, NULL, "SET %s %s EX %d", okd, id, MASS_DAY_TTL_S);
	sa_log(LL_INFO, "day board %s of contest %s rebuilt from postgresql (%d participants)", d->day,
	       r->code, n);
	day_req_free(d);
}

/* The day's keys from PostgreSQL (ZADD GT: a fresher best is never lowered). */
static void day_rebuild_start(crun *r, const char *day)
{
	mass_state *m = mass_of(r);
	char cid[24];
	if (!m || !strcmp(m->rebuilding, day) || !lb_ready(r->a))
		return;
	day_req *d = day_req_new(r, day);
	if (!d)
		return;
	snprintf(m->rebuilding, sizeof m->rebuilding, "%s", day);
	snprintf(cid, sizeof cid, "%lld", (long long)r->contest_id);
	const char *p[2] = {cid, day};
	if (store_query(
		    r->a,
		    "SELECT b.*, (SELECT count(*) FROM attempts t WHERE t.contest_id = $1 AND t.day = $2::date "
		    "AND t.status <> 'open') FROM (SELECT DISTINCT ON (participant_id) participant_id, "
		    "score_milli, duration_ms FROM attempts WHERE contest_id = $1 AND day = $2::date "
		    "AND status <> 'open' ORDER BY participant_id, score_milli DESC, duration_ms) b",
		    2, p, day_rows, d)) {
		m->rebuilding[0] = '\0';
		day_req_free(d);
	}
}

static void day_exists(arena *a, void *reply, void *ud)
{
	day_req *d = ud;
	redisReply *rr = reply;
	(void)a;
	if (rr && !d->r->retired && !rebuild_is_current(d->r, rr))
		day_rebuild_start(d->r, d->day);
	day_req_free(d);
}

void mass_attempt_ended(crun *r, int64_t pid, const char *day, int64_t score_milli, int64_t duration_ms)
{
	arena *a = r->a;
	char key[256], member[24], z[32];
	if (!mass_valid_day(day))
		return;
	lb_member(member, sizeof member, pid);
	snprintf(z, sizeof z, "%.17g", lb_zscore(score_milli, ended_ds(duration_ms)));
	day_key(r, key, sizeof key, "lbd", day);
	lb_command(a, NULL, NULL, "ZADD %s GT %s %s", key, z, member);
	lb_command(a, NULL, NULL, "EXPIRE %s %d", key, MASS_DAY_TTL_S);
	day_key(r, key, sizeof key, "attd", day);
	lb_command(a, NULL, NULL, "INCR %s", key);
	lb_command(a, NULL, NULL, "EXPIRE %s %d", key, MASS_DAY_TTL_S);
	day_req *d = day_req_new(r, day);
	if (!d)
		return;
	day_key(r, key, sizeof key, "okd", day);
	if (lb_command(a, day_exists, d, "GET %s", key))
		day_req_free(d);
}

/* ------------------------------------------------------------ a board */

typedef struct board_job {
	crun *r;
	char day[11];
	int is_today;
	int pending;
	cJSON *part[2]; /* [0] the day's individuals, [1] overall: {"players","attempts","top"} */
	cJSON *units;   /* owned */
	int64_t players, attempts;
	/* who gets it */
	conn *c;
	char rid[65];
	mass_board_cb done;
	void *ud;
	int push;
} board_job;

static void job_deliver(board_job *j);

static void part_done(board_job *j)
{
	if (--j->pending == 0)
		job_deliver(j);
}

/* One top read: Redis first, PostgreSQL while Redis is incomplete or down. */
typedef struct top_read {
	board_job *j;
	int which; /* 0 the day, 1 overall */
	char key[256];
	int64_t players, attempts;
	int n;
	int64_t pid[MASS_READ];
	double z[MASS_READ];
} top_read;

static cJSON *part_new(int64_t players, int64_t attempts, cJSON *top)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "players", (double)players);
	if (attempts >= 0)
		cJSON_AddNumberToObject(o, "attempts", (double)attempts);
	else
		cJSON_AddNullToObject(o, "attempts");
	cJSON_AddItemToObject(o, "top", top);
	return o;
}

static void top_finish(top_read *t, cJSON *top)
{
	board_job *j = t->j;
	j->part[t->which] = top ? part_new(t->players, t->attempts, top) : cJSON_CreateNull();
	free(t);
	part_done(j);
}

static cJSON *entry(int rank, int64_t pid, const char *who, size_t wlen, int64_t score, int64_t dur_ms)
{
	cJSON *e = board_entry_who(rank, pid, who, wlen, score);
	cJSON_AddNumberToObject(e, "duration_ms", (double)dur_ms);
	return e;
}

static void top_names(arena *a, void *reply, void *ud)
{
	top_read *t = ud;
	redisReply *rr = reply;
	cJSON *top = cJSON_CreateArray();
	(void)a;
	for (int i = 0, rank = 0; i < t->n && rank < MASS_TOP; i++) {
		if (t->z[i] == lb_zscore(0, 0))
			continue; /* joined, no attempt ended */
		const redisReply *w = rr && rr->type == REDIS_REPLY_ARRAY && (size_t)i < rr->elements &&
						      rr->element[i]->type == REDIS_REPLY_STRING
					      ? rr->element[i]
					      : NULL;
		cJSON_AddItemToArray(top, entry(++rank, t->pid[i], w ? w->str : "", w ? w->len : 0,
						lb_score_from_z(t->z[i]), lb_ds_from_z(t->z[i]) * 100));
	}
	top_finish(t, top);
}

static void top_pg(arena *a, void *res, const char *err, void *ud)
{
	top_read *t = ud;
	(void)a;
	if (err)
		return top_finish(t, NULL);
	cJSON *top = cJSON_CreateArray();
	for (int i = 0; i < PQntuples(res); i++) {
		t->players = atoll(PQgetvalue(res, i, 5));
		if (t->which == 0)
			t->attempts = atoll(PQgetvalue(res, i, 6));
		int last = PQnfields(res) - 1; /* the employee number, last in both queries */
		char tail[5];
		board_emp_tail(PQgetvalue(res, i, last), tail);
		board_who w = {PQgetvalue(res, i, 1),
			       (size_t)PQgetlength(res, i, 1),
			       PQgetvalue(res, i, 2),
			       (size_t)PQgetlength(res, i, 2),
			       tail,
			       strlen(tail)};
		cJSON *e = board_entry(i + 1, atoll(PQgetvalue(res, i, 0)), &w, atoll(PQgetvalue(res, i, 3)));
		cJSON_AddNumberToObject(e, "duration_ms", (double)atoll(PQgetvalue(res, i, 4)));
		cJSON_AddItemToArray(top, e);
	}
	top_finish(t, top);
}

static void top_from_pg(top_read *t)
{
	crun *r = t->j->r;
	char cid[24];
	snprintf(cid, sizeof cid, "%lld", (long long)r->contest_id);
	const char *p[2] = {cid, t->j->day};
	int rc =
		t->which == 0
			? store_query(
				  r->a,
				  "SELECT b.participant_id, p.name, p.unit, b.score_milli, b.duration_ms, "
				  "count(*) OVER (), (SELECT count(*) FROM attempts x WHERE x.contest_id = $1 "
				  "AND x.day = $2::date AND x.status <> 'open'), coalesce(p.employee_no, '') FROM (SELECT DISTINCT ON "
				  "(participant_id) participant_id, score_milli, duration_ms FROM attempts "
				  "WHERE contest_id = $1 AND day = $2::date AND status <> 'open' ORDER BY "
				  "participant_id, score_milli DESC, duration_ms) b JOIN participants p ON "
				  "p.id = b.participant_id ORDER BY b.score_milli DESC, b.duration_ms, "
				  "b.participant_id LIMIT 10",
				  2, p, top_pg, t)
			: store_query(
				  r->a,
				  "SELECT p.id, p.name, p.unit, p.score_milli, p.reached_ds * 100, count(*) OVER (), "
				  "coalesce(p.employee_no, '') "
				  "FROM participants p WHERE p.contest_id = $1 AND EXISTS (SELECT 1 FROM attempts a "
				  "WHERE a.participant_id = p.id AND a.status <> 'open') "
				  "ORDER BY p.score_milli DESC, p.reached_ds, p.id LIMIT 10",
				  1, p, top_pg, t);
	if (rc)
		top_finish(t, NULL);
}

/* The entries of a ZREVRANGE WITHSCORES reply; one that is not a member lb_member
 * made with a finite score (another writer's, a damaged Redis) is left out. */
static void top_ids(arena *a, void *reply, void *ud)
{
	top_read *t = ud;
	redisReply *rr = reply;
	char who[256];
	const char *argv[2 + MASS_READ];
	size_t len[2 + MASS_READ];
	if (!rr || rr->type != REDIS_REPLY_ARRAY)
		return top_from_pg(t);
	lb_key(a, who, sizeof who, t->j->r, "who");
	argv[0] = "HMGET";
	argv[1] = who;
	len[0] = 5;
	len[1] = strlen(who);
	t->n = 0;
	for (size_t i = 0; i + 1 < rr->elements && t->n < MASS_READ; i += 2) {
		const redisReply *m = rr->element[i], *z = rr->element[i + 1];
		int64_t pid = m->type == REDIS_REPLY_STRING ? lb_member_pid(m->str, m->len) : -1;
		double d;
		if (pid <= 0 || z->type != REDIS_REPLY_STRING || num_double(z->str, z->len, &d)) {
			sa_log(LL_WARN, "contest %s: a malformed entry in %s left out", t->j->r->code,
			       t->key);
			continue;
		}
		t->pid[t->n] = pid;
		t->z[t->n] = d;
		argv[2 + t->n] = m->str;
		len[2 + t->n++] = m->len;
	}
	if (!t->n || lb_commandv(a, top_names, t, t->n + 2, argv, len))
		top_names(a, NULL, t);
}

static void top_count(arena *a, void *reply, void *ud)
{
	top_read *t = ud;
	redisReply *rr = reply;
	(void)a;
	int64_t v;
	if (rr && rr->type == REDIS_REPLY_INTEGER)
		t->players = rr->integer;
	else if (rr && rr->type == REDIS_REPLY_STRING && !num_i64n(rr->str, rr->len, 0, INT64_MAX, &v))
		t->attempts = v;
}

static void top_exists(arena *a, void *reply, void *ud)
{
	top_read *t = ud;
	redisReply *rr = reply;
	char attd[256];
	if (!rr || !rebuild_is_current(t->j->r, rr)) { /* incomplete, another contest's, or Redis down */
		if (rr && t->which == 0)
			day_rebuild_start(t->j->r, t->j->day);
		else if (rr)
			rebuild_contest(t->j->r);
		return top_from_pg(t);
	}
	day_key(t->j->r, attd, sizeof attd, "attd", t->j->day);
	if (t->which == 0 &&
	    (lb_command(a, top_count, t, "ZCARD %s", t->key) || lb_command(a, top_count, t, "GET %s", attd)))
		return top_from_pg(t);
	if (lb_command(a, top_ids, t, "ZREVRANGE %s 0 %d WITHSCORES", t->key, MASS_READ - 1))
		top_from_pg(t);
}

static void top_read_start(board_job *j, int which)
{
	crun *r = j->r;
	char ok[256];
	top_read *t = calloc(1, sizeof *t);
	if (!t) {
		j->part[which] = cJSON_CreateNull();
		return part_done(j);
	}
	t->j = j;
	t->which = which;
	t->attempts = which ? j->attempts : 0;
	t->players = which ? j->players : 0;
	if (which == 0) {
		day_key(r, t->key, sizeof t->key, "lbd", j->day);
		day_key(r, ok, sizeof ok, "okd", j->day);
	} else {
		lb_key(r->a, t->key, sizeof t->key, r, "lb");
		lb_key(r->a, ok, sizeof ok, r, "ok");
	}
	/* Only mass contests keep day boards in Redis. */
	if ((which == 0 && r->mode != MODE_MASS) || lb_command(r->a, top_exists, t, "GET %s", ok))
		top_from_pg(t);
}

static void units_done(crun *r, cJSON *units, int64_t players, int64_t attempts, void *ud)
{
	board_job *j = ud;
	mass_state *m = mass_of(r);
	j->units = units;
	j->players = players;
	j->attempts = attempts;
	if (j->is_today && m && units) {
		cJSON_Delete(m->units);
		m->units = cJSON_Duplicate(units, 1);
		snprintf(m->units_day, sizeof m->units_day, "%s", j->day);
		m->units_ms = now_ms();
		m->players = players;
		m->attempts = attempts;
	}
	/* Overall needs the players and attempts the units counted. */
	top_read_start(j, 1);
}

static void job_start(board_job *j)
{
	mass_state *m = mass_of(j->r);
	int64_t now = now_ms();
	j->pending = 2;
	top_read_start(j, 0);
	if (j->is_today && m && m->units && !strcmp(m->units_day, j->day) &&
	    now - m->units_ms < MASS_UNITS_MS)
		return units_done(j->r, cJSON_Duplicate(m->units, 1), m->players, m->attempts, j);
	if (rollup_units(j->r, j->day, units_done, j))
		units_done(j->r, NULL, 0, -1, j);
}

static void job_deliver(board_job *j)
{
	crun *r = j->r;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "type", "mass_board");
	if (j->rid[0])
		cJSON_AddStringToObject(o, "rid", j->rid);
	cJSON_AddStringToObject(o, "day", j->day);
	cJSON_AddStringToObject(o, "time_zone", r->def->time_zone ? r->def->time_zone : "Asia/Shanghai");
	cJSON_AddItemToObject(o, "today", j->part[0]);
	cJSON_AddItemToObject(o, "overall", j->part[1]);
	cJSON_AddItemToObject(o, "units", j->units ? j->units : cJSON_CreateNull());
	j->units = NULL;
	if (j->done)
		j->done(r, o, 0, j->ud);
	if (j->c && j->c->wsi) {
		cJSON_AddNumberToObject(o, "server_time", (double)now_ms());
		conn_send_json(j->c, o);
		o = NULL;
	}
	if (j->push) {
		mass_state *m = mass_of(r);
		frame *f = r->retired ? NULL : frame_from_json(o);
		m->busy = 0;
		if (f && (!m->pushed || m->pushed->len != f->len ||
			  memcmp(frame_text(m->pushed), frame_text(f), f->len))) {
			frame_unref(m->pushed);
			m->pushed = frame_ref(f);
			fanout_push(r, f, (1 << ROLE_HOST) | (1 << ROLE_SCREEN));
		}
		frame_unref(f);
	}
	cJSON_Delete(o);
	if (j->c)
		conn_unref(j->c);
	run_unref(r);
	free(j);
}

static board_job *job_new(crun *r, const char *day)
{
	board_job *j = calloc(1, sizeof *j);
	char today[11];
	if (!j)
		return NULL;
	j->r = r;
	run_ref(r); /* until job_deliver */
	paper_day(r, now_ms(), today);
	snprintf(j->day, sizeof j->day, "%s", day && *day ? day : today);
	j->is_today = !strcmp(j->day, today);
	return j;
}

void mass_tick(crun *r, int64_t now)
{
	mass_state *m = mass_of(r);
	if (!m || m->busy || !r->nviewers_local)
		return;
	if (now - m->push_ms < MASS_PUSH_MS && r->nviewers_local <= m->viewers)
		return;
	board_job *j = job_new(r, NULL);
	if (!j)
		return;
	m->push_ms = now;
	m->viewers = r->nviewers_local;
	m->busy = 1;
	j->push = 1;
	job_start(j);
}

int mass_board_msg(msg_ctx *x)
{
	conn *c = x->c;
	int rc = 0;
	const char *day = msg_string(x, "day", 0, &rc);
	if (rc)
		return rc;
	if (day && !mass_valid_day(day)) {
		conn_send_error(c, SA_E_INVALID_FIELD, x->rid, "day");
		return 0;
	}
	board_job *j = job_new(c->run, day);
	if (!j)
		return SA_E_INTERNAL;
	j->c = c;
	conn_ref(c);
	if (x->rid)
		snprintf(j->rid, sizeof j->rid, "%s", x->rid);
	job_start(j);
	return 0;
}

int mass_board_fetch(crun *r, const char *day, mass_board_cb done, void *ud)
{
	if (day && *day && !mass_valid_day(day))
		return SA_E_INVALID_FIELD;
	board_job *j = job_new(r, day);
	if (!j)
		return SA_E_INTERNAL;
	j->done = done;
	j->ud = ud;
	job_start(j);
	return 0;
}
