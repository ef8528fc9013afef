/*
 * board.c - the leaderboard and the counts as the screens and players see
 * them: the top N read from Redis (from PostgreSQL while Redis is incomplete
 * or down), the shared leaderboard and stats frames, each player's own rank,
 * and the units board.
 *
 * Players receive their own rank with each leaderboard: the shared top-N
 * JSON is spliced into a small per-player frame (board_send_player); at a
 * reveal and at the end every process fetches the whole ranking once and
 * gives each of its players its rank (board_reveal_ranks). A player's
 * `reveal` travels in the same write as its rank: one send per player
 * rather than two, a fifth of the sends a question costs.
 */
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>
#include <libpq-fe.h>

#include "core/arena.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "core/num.h"
#include "core/utf8.h"
#include "live/board.h"
#include "live/fanout.h"
#include "live/members.h"
#include "live/rebuild.h"
#include "live/run.h"
#include "live/validate.h"
#include "net/frame.h"
#include "net/ws.h"
#include "store/lb.h"
#include "store/store.h"

/* ------------------------------------------------------------ leaderboard frames */

/* The player's leaderboard, after prefix (a frame that must not be dropped,
 * so the two go through the queue, not the newest-only slot) when given. */
frame *board_top_frame(int64_t players, const char *top_json)
{
	return frame_printf("{\"type\":\"leaderboard\",\"players\":%lld,\"top\":%s}", (long long)players,
			    top_json ? top_json : "[]");
}

frame *board_player_frame(int64_t players, const char *top_json, int64_t rank, int64_t score_milli)
{
	char score[32], rk[24];
	frame_points(score, sizeof score, score_milli);
	if (rank > 0)
		snprintf(rk, sizeof rk, "%lld", (long long)rank);
	else
		snprintf(rk, sizeof rk, "null");
	return frame_printf("{\"type\":\"leaderboard\",\"players\":%lld,\"top\":%s,"
			    "\"me\":{\"rank\":%s,\"score\":%s}}",
			    (long long)players, top_json ? top_json : "[]", rk, score);
}

static void send_player_lb(conn *c, int64_t rank, frame *prefix)
{
	crun *r = c->run;
	if (!r || !c->wsi)
		return;
	frame *f = board_player_frame(r->players, r->lb_top_json, rank, c->score_milli);
	if (f && prefix) {
		frame *parts[2] = {prefix, f}, *both = frame_pack(parts, 2);
		if (both) {
			frame_unref(c->slot_lb); /* older than this one */
			c->slot_lb = NULL;
			conn_send(c, both);
			frame_unref(both);
		} else
			conn_send(c, prefix);
	} else if (f)
		conn_send_slot(c, &c->slot_lb, f);
	else if (prefix)
		conn_send(c, prefix);
	frame_unref(f);
}

void board_send_player(conn *c, int64_t rank) { send_player_lb(c, rank, NULL); }

/* One board_reveal_ranks on its way: the reveal its players get with their rank. */
typedef struct ranks_req {
	crun *r; /* referenced */
	frame *reveal;
	uint32_t gen;
} ranks_req;

static void ranks_reply(arena *a, void *reply, void *ud)
{
	ranks_req *q = ud;
	crun *r = q->r;
	redisReply *rr = reply;
	(void)a;
	if (rr && rr->type == REDIS_REPLY_ARRAY) {
		for (size_t i = 0; i < rr->elements; i++) {
			const redisReply *m = rr->element[i];
			int64_t pid = m->type == REDIS_REPLY_STRING ? lb_member_pid(m->str, m->len) : -1;
			conn *c = pid > 0 ? members_find_player(r, pid) : NULL;
			if (c) {
				c->ranks_gen = q->gen;
				send_player_lb(c, (int64_t)i + 1, q->reveal);
			}
		}
	}
	/* Players not in the ranking (or no ranking: Redis down) still get the reveal. */
	for (conn *c = r->members; c; c = c->next)
		if (c->role == ROLE_PLAYER && c->ranks_gen != q->gen)
			send_player_lb(c, 0, q->reveal);
	frame_unref(q->reveal);
	run_unref(r);
	free(q);
}

/* The top N is read fresh first: a reveal pressed right after the last answer
 * must not show players the board of the previous tick. */
static void reveal_top(crun *r, cJSON *top, int64_t players, void *ud)
{
	char key[256];
	if (r->tick_busy > 0)
		r->tick_busy--;
	board_apply_top(r, top, players);
	board_push_stats(r);
	lb_key(r->a, key, sizeof key, r, "lb");
	if (lb_command(r->a, ranks_reply, ud, "ZREVRANGE %s 0 -1", key))
		ranks_reply(r->a, NULL, ud);
}

void board_reveal_ranks(crun *r, frame *reveal)
{
	if (!r->nplayers_local)
		return;
	ranks_req *q = calloc(1, sizeof *q);
	if (!q) {
		if (reveal)
			fanout_push(r, reveal, 1 << ROLE_PLAYER);
		return;
	}
	q->r = r;
	run_ref(r);
	q->reveal = reveal ? frame_ref(reveal) : NULL;
	q->gen = ++r->ranks_gen;
	r->tick_busy++;
	if (board_fetch_top(r, r->a->cfg.lb_top > 0 ? r->a->cfg.lb_top : 10, reveal_top, q)) {
		r->tick_busy--;
		ranks_reply(r->a, NULL, q);
	}
}

/* ------------------------------------------------------------ top N */

typedef struct top_req {
	crun *r; /* referenced */
	int limit;
	void (*done)(crun *r, cJSON *top, int64_t players, void *ud);
	void *ud;
	int64_t players;
	int n;
	int64_t *pid;
	int64_t *score;
} top_req;

static void top_finish(top_req *t, cJSON *top)
{
	t->done(t->r, top, t->players, t->ud);
	run_unref(t->r);
	cJSON_Delete(top);
	free(t->pid);
	free(t->score);
	free(t);
}

/* A copy of s[0..len) for a JSON string: as it is when valid UTF-8, else repaired. */
static void add_text(cJSON *e, const char *key, const char *s, size_t len)
{
	char *copy = utf8_repair(s, len); /* NUL-terminated; the same bytes when valid */
	cJSON_AddStringToObject(e, key, copy ? copy : "");
	free(copy);
}

cJSON *board_entry(int rank, int64_t pid, const char *name, size_t nlen, const char *unit, size_t ulen,
		   int64_t milli)
{
	cJSON *e = cJSON_CreateObject();
	cJSON_AddNumberToObject(e, "rank", rank);
	cJSON_AddNumberToObject(e, "participant_id", (double)pid);
	add_text(e, "name", name, nlen);
	add_text(e, "unit", unit, ulen);
	cJSON_AddNumberToObject(e, "score", (double)milli / 1000.0);
	return e;
}

cJSON *board_entry_who(int rank, int64_t pid, const char *who, size_t len, int64_t milli)
{
	const char *tab = memchr(who, '\t', len);
	size_t nlen = tab ? (size_t)(tab - who) : len;
	return board_entry(rank, pid, who, nlen, tab ? tab + 1 : "", tab ? len - nlen - 1 : 0, milli);
}

/* ------------------------------------------------------------ values read back from Redis */

void board_bad_redis(crun *r, const char *what)
{
	int64_t now = now_ms();
	if (now - r->bad_redis_ms < 10000)
		return;
	r->bad_redis_ms = now;
	sa_log(LL_WARN, "contest %s: %s in redis is malformed: left out or repaired", r->code, what);
}

/*
 * A "name\tunit" of the names hash (written by any process, or by hand) that
 * is not what a process writes (both valid display text) is logged; the
 * board shows it repaired (board_entry_who: never cut, valid UTF-8), and
 * the next rebuild from PostgreSQL writes it again.
 */
static void who_check(crun *r, const redisReply *v)
{
	const char *tab = memchr(v->str, '\t', v->len);
	char *name = tab ? strndup(v->str, (size_t)(tab - v->str)) : NULL;
	int ok = tab && name && !memchr(v->str, '\0', v->len) && !validate_text(name, 0, 64, NULL) &&
		 !validate_text(tab + 1, 0, 64, NULL);
	free(name);
	if (!ok)
		board_bad_redis(r, "a name");
}

static void top_names(arena *a, void *reply, void *ud)
{
	top_req *t = ud;
	redisReply *rr = reply;
	cJSON *top = cJSON_CreateArray();
	(void)a;
	for (int i = 0; i < t->n; i++) {
		const redisReply *who = rr && rr->type == REDIS_REPLY_ARRAY && (size_t)i < rr->elements &&
							rr->element[i]->type == REDIS_REPLY_STRING
						? rr->element[i]
						: NULL;
		if (t->pid[i] <= 0)
			continue; /* not a member this server writes: its rank stays empty */
		if (who)
			who_check(t->r, who);
		cJSON_AddItemToArray(top, board_entry_who(i + 1, t->pid[i], who ? who->str : "",
							  who ? who->len : 0, t->score[i]));
	}
	top_finish(t, top);
}

/* A ZREVRANGE WITHSCORES entry: a member lb_member made and a finite score,
 * else pid -1 and the entry removed (it would shift every rank below it). */
static void top_member(crun *r, const redisReply *m, const redisReply *z, int64_t *pid, int64_t *score)
{
	double d;
	*pid = m->type == REDIS_REPLY_STRING ? lb_member_pid(m->str, m->len) : -1;
	if (*pid > 0 && z->type == REDIS_REPLY_STRING && !num_double(z->str, z->len, &d)) {
		*score = lb_score_from_z(d);
		return;
	}
	board_bad_redis(r, "a leaderboard entry");
	*pid = -1;
	if (m->type == REDIS_REPLY_STRING) {
		char key[256];
		lb_key(r->a, key, sizeof key, r, "lb");
		const char *argv[3] = {"ZREM", key, m->str};
		size_t len[3] = {4, strlen(key), m->len};
		lb_commandv(r->a, NULL, NULL, 3, argv, len);
	}
}

static void top_ids(arena *a, void *reply, void *ud)
{
	top_req *t = ud;
	redisReply *rr = reply;
	if (!rr || rr->type != REDIS_REPLY_ARRAY || t->r->retired) {
		top_finish(t, NULL);
		return;
	}
	t->n = (int)(rr->elements / 2);
	t->pid = calloc((size_t)t->n + 1, sizeof *t->pid);
	t->score = calloc((size_t)t->n + 1, sizeof *t->score);
	const char **argv = calloc((size_t)t->n + 2, sizeof *argv);
	size_t *argvlen = calloc((size_t)t->n + 2, sizeof *argvlen);
	if (!t->pid || !t->score || !argv || !argvlen) {
		free(argv);
		free(argvlen);
		top_finish(t, NULL); /* frees pid and score */
		return;
	}
	char key[256];
	lb_key(a, key, sizeof key, t->r, "who");
	argv[0] = "HMGET";
	argv[1] = key;
	argvlen[0] = 5;
	argvlen[1] = strlen(key);
	for (int i = 0; i < t->n; i++) {
		const redisReply *m = rr->element[2 * i];
		top_member(t->r, m, rr->element[2 * i + 1], &t->pid[i], &t->score[i]);
		argv[2 + i] = m->type == REDIS_REPLY_STRING ? m->str : "";
		argvlen[2 + i] = m->type == REDIS_REPLY_STRING ? m->len : 0;
	}
	if (!t->n || lb_commandv(a, top_names, t, t->n + 2, argv, argvlen))
		top_names(a, NULL, t);
	free(argv);
	free(argvlen);
}

static void top_count(arena *a, void *reply, void *ud)
{
	top_req *t = ud;
	redisReply *rr = reply;
	(void)a;
	if (rr && rr->type == REDIS_REPLY_INTEGER)
		t->players = rr->integer;
}

/* PostgreSQL fallback when Redis is down: the same order as the sorted set. */
static void top_pg(arena *a, void *res, const char *err, void *ud)
{
	top_req *t = ud;
	(void)a;
	if (err || !res) {
		top_finish(t, NULL);
		return;
	}
	cJSON *top = cJSON_CreateArray();
	int n = PQntuples(res);
	for (int i = 0; i < n; i++) {
		int64_t pid, milli, players;
		const char *name = store_text(res, i, 1), *unit = store_text(res, i, 2);
		if (store_int(res, i, 0, 1, INT64_MAX, &pid) ||
		    store_int(res, i, 3, INT64_MIN, INT64_MAX, &milli) ||
		    store_int(res, i, 4, 0, INT64_MAX, &players) || !name || !unit)
			continue;
		t->players = players;
		cJSON_AddItemToArray(top,
				     board_entry(i + 1, pid, name, strlen(name), unit, strlen(unit), milli));
	}
	top_finish(t, top);
}

static int top_from_pg(top_req *t)
{
	crun *r = t->r;
	char cid[24], lim[16];
	snprintf(cid, sizeof cid, "%lld", (long long)r->contest_id);
	snprintf(lim, sizeof lim, "%d", t->limit);
	const char *p[2] = {cid, lim};
	return store_query(r->a,
			   "SELECT id, name, unit, score_milli, count(*) OVER () FROM participants "
			   "WHERE contest_id = $1 ORDER BY score_milli DESC, reached_ds, id LIMIT $2",
			   2, p, top_pg, t);
}

/* Redis is complete for this contest (its "ok" key names it): read it; else
 * answer from PostgreSQL and have Redis rebuilt. */
static void top_exists(arena *a, void *reply, void *ud)
{
	top_req *t = ud;
	redisReply *rr = reply;
	char key[256], stop[16];
	if (t->r->retired) {
		top_finish(t, NULL);
		return;
	}
	if (rebuild_is_current(t->r, rr)) {
		lb_key(a, key, sizeof key, t->r, "lb");
		snprintf(stop, sizeof stop, "%d", t->limit - 1);
		if (!lb_command(a, top_count, t, "ZCARD %s", key) &&
		    !lb_command(a, top_ids, t, "ZREVRANGE %s 0 %s WITHSCORES", key, stop))
			return;
	} else if (rr)
		rebuild_contest(t->r);
	if (top_from_pg(t))
		top_finish(t, NULL);
}

int board_fetch_top(crun *r, int limit, void (*done)(crun *r, cJSON *top, int64_t players, void *ud),
		    void *ud)
{
	arena *a = r->a;
	char key[256];
	top_req *t = calloc(1, sizeof *t);
	int rc;
	if (!t)
		return SA_E_INTERNAL;
	t->r = r;
	run_ref(r);
	t->limit = limit;
	t->done = done;
	t->ud = ud;
	t->players = r->players;
	lb_key(a, key, sizeof key, r, "ok");
	if (!lb_command(a, top_exists, t, "GET %s", key))
		return 0;
	if ((rc = top_from_pg(t))) {
		run_unref(r);
		free(t);
		return rc;
	}
	return 0;
}

/* ------------------------------------------------------------ stats */

static frame *stats_frame(crun *r)
{
	return frame_printf("{\"type\":\"stats\",\"players\":%lld,\"online\":%lld,\"answered\":%lld}",
			    (long long)r->players, (long long)r->online, (long long)r->answered);
}

void board_send_stats(conn *c)
{
	frame *f = stats_frame(c->run);
	conn_send_slot(c, &c->slot_stats, f);
	frame_unref(f);
}

void board_push_stats(crun *r)
{
	if (!r->stats_dirty)
		return;
	r->stats_dirty = 0;
	frame *f = stats_frame(r);
	for (conn *c = r->members; c; c = c->next)
		if (c->role == ROLE_HOST || c->role == ROLE_SCREEN)
			conn_send_slot(c, &c->slot_stats, f);
	frame_unref(f);
}

/* A fresh top N (NULL: none could be read) and player count: the shared
 * leaderboard frame, pushed to screens and hosts when it changed. */
void board_apply_top(crun *r, cJSON *top, int64_t players)
{
	if (players != r->players) {
		r->players = players;
		r->stats_dirty = 1;
	}
	if (!top)
		return;
	char *json = cJSON_PrintUnformatted(top);
	if (json && (!r->lb_top_json || strcmp(json, r->lb_top_json))) {
		free(r->lb_top_json);
		r->lb_top_json = strdup(json);
		frame *f = board_top_frame(r->players, json);
		frame_unref(r->lb_frame);
		r->lb_frame = f;
		for (conn *c = r->members; c; c = c->next)
			if (c->role == ROLE_HOST || c->role == ROLE_SCREEN)
				conn_send_slot(c, &c->slot_lb, f);
	}
	cJSON_free(json);
}

/* ------------------------------------------------------------ units */

/*
 * The workshop/enterprise board ("leaderboards": {"unit": true}): units
 * ranked by their members' average score, then by size. Computed by one
 * GROUP BY over the contest's participants in PostgreSQL (indexed, exact,
 * nothing to rebuild), at most once a second and only while screens or hosts
 * watch on this process.
 */
#define UNITS_TOP 10

static const char units_sql[] =
	"SELECT unit, count(*), sum(score_milli), round(avg(score_milli)) AS avg FROM participants "
	"WHERE contest_id = $1 AND unit <> '' GROUP BY unit ORDER BY avg DESC, count(*) DESC, unit LIMIT $2";

cJSON *board_units_json(void *res)
{
	cJSON *top = cJSON_CreateArray();
	for (int i = 0, rank = 0; i < PQntuples(res); i++) {
		const char *unit = store_text(res, i, 0);
		int64_t players, sum, avg;
		/* sum and round(avg) are numeric: whole numbers while the scores are */
		if (!unit || store_int(res, i, 1, 0, INT64_MAX, &players) ||
		    store_int(res, i, 2, INT64_MIN, INT64_MAX, &sum) ||
		    store_int(res, i, 3, INT64_MIN, INT64_MAX, &avg))
			continue;
		cJSON *e = cJSON_CreateObject();
		cJSON_AddNumberToObject(e, "rank", ++rank);
		add_text(e, "unit", unit, strlen(unit));
		cJSON_AddNumberToObject(e, "players", (double)players);
		cJSON_AddNumberToObject(e, "score", (double)sum / 1000.0);
		cJSON_AddNumberToObject(e, "average", (double)avg / 1000.0);
		cJSON_AddItemToArray(top, e);
	}
	return top;
}

static void units_rows(arena *a, void *res, const char *err, void *ud)
{
	crun *r = ud;
	(void)a;
	r->units_busy = 0;
	if (err || !res || r->retired) {
		run_unref(r);
		return;
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "type", "units");
	cJSON_AddItemToObject(o, "top", board_units_json(res));
	frame *f = frame_from_json(o);
	cJSON_Delete(o);
	if (f && r->units_frame && r->units_frame->len == f->len &&
	    !memcmp(frame_text(r->units_frame), frame_text(f), f->len)) {
		frame_unref(f);
		f = NULL;
	}
	if (f) {
		frame_unref(r->units_frame);
		r->units_frame = f;
		fanout_push(r, f, (1 << ROLE_HOST) | (1 << ROLE_SCREEN));
	}
	run_unref(r);
}

int board_units_query(crun *r, store_cb cb, void *ud)
{
	char cid[24], lim[16];
	snprintf(cid, sizeof cid, "%lld", (long long)r->contest_id);
	snprintf(lim, sizeof lim, "%d", UNITS_TOP);
	const char *p[2] = {cid, lim};
	return store_query(r->a, units_sql, 2, p, cb, ud);
}

/* Queries the units board and pushes it to screens and hosts if it changed. */
void board_units_refresh(crun *r)
{
	if (r->units_busy || r->retired)
		return;
	r->units_busy = 1;
	run_ref(r);
	if (board_units_query(r, units_rows, r)) {
		r->units_busy = 0;
		run_unref(r);
	}
}
