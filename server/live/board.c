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
 *
 * Fair play (docs/scoring.md): in a contest that shows points at the reveal
 * ("feedback": "reveal", the default), nothing a board shows may change with
 * the answers to the question being played. The host's process copies the
 * live sorted set into <prefix>CODE:shown when a question opens (live/host.c);
 * while it is in play every board reads that copy (board_set): screens,
 * hosts, the players' own scores and ranks, GET .../leaderboard, and from
 * PostgreSQL sa_shown() (server/sql/050_fairplay.sql), which leaves the open
 * question's points out. At the reveal the boards read the live set again.
 *
 * Ranks are shared: equal points, equal rank ("1 1 3"), the first key of the
 * ranking only (the time the total was reached orders them, and ranks them
 * no further). A player's own rank is 1 + the number of players with more
 * points, and `tied` says whether anyone else has as many (BOARD_STANDING).
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

/* ------------------------------------------------------------ where the boards read */

void board_set(const crun *r, char *key, size_t n)
{
	lb_key(r->a, key, n, r, run_scores_hidden(r) ? "shown" : "lb");
}

/* ------------------------------------------------------------ leaderboard frames */

/* The player's leaderboard, after prefix (a frame that must not be dropped,
 * so the two go through the queue, not the newest-only slot) when given. */
frame *board_top_frame(int64_t players, const char *top_json)
{
	return frame_printf("{\"type\":\"leaderboard\",\"players\":%lld,\"top\":%s}", (long long)players,
			    top_json ? top_json : "[]");
}

frame *board_player_frame(int64_t players, const char *top_json, const board_me *me)
{
	char score[32], rk[24], pts[48] = "", p[32];
	frame_points(score, sizeof score, me->score_milli);
	if (me->rank > 0)
		snprintf(rk, sizeof rk, "%lld", (long long)me->rank);
	else
		snprintf(rk, sizeof rk, "null");
	if (me->has_points) {
		frame_points(p, sizeof p, me->points_milli);
		snprintf(pts, sizeof pts, ",\"points\":%s", p);
	}
	return frame_printf("{\"type\":\"leaderboard\",\"players\":%lld,\"top\":%s,"
			    "\"me\":{\"rank\":%s,\"tied\":%s,\"score\":%s%s}}",
			    (long long)players, top_json ? top_json : "[]", rk,
			    me->rank > 0 && me->tied ? "true" : "false", score, pts);
}

static void send_player_lb(conn *c, const board_me *me, frame *prefix)
{
	crun *r = c->run;
	if (!r || !c->wsi)
		return;
	frame *f = board_player_frame(r->players, r->lb_top_json, me);
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

void board_send_player(conn *c, const board_me *me) { send_player_lb(c, me, NULL); }

/* ------------------------------------------------------------ a player's standing */

/*
 * KEYS[1] the board's sorted set, ARGV[1] the member: its score, how many
 * have more points (a higher score slot, lb_zscore), how many as many.
 * Numbers go to ZCOUNT as Lua numbers, which Redis passes on with 17
 * digits: exact up to 2^53, as the scores are.
 */
static const char standing_lua[] = "local z = redis.call('ZSCORE', KEYS[1], ARGV[1]) "
				   "if not z then return false end "
				   "local p = math.floor(tonumber(z) / 4194304) "
				   "return {z, redis.call('ZCOUNT', KEYS[1], (p + 1) * 4194304, '+inf'), "
				   "redis.call('ZCOUNT', KEYS[1], p * 4194304, (p + 1) * 4194304 - 1)}";

typedef struct standing_req {
	crun *r; /* referenced */
	void (*done)(crun *r, const board_me *me, void *ud);
	void *ud;
} standing_req;

static void standing_reply(arena *a, void *reply, void *ud)
{
	standing_req *q = ud;
	const redisReply *rr = reply;
	board_me me = {0};
	double z;
	(void)a;
	if (rr && rr->type == REDIS_REPLY_ARRAY && rr->elements == 3 &&
	    rr->element[0]->type == REDIS_REPLY_STRING && rr->element[1]->type == REDIS_REPLY_INTEGER &&
	    rr->element[2]->type == REDIS_REPLY_INTEGER &&
	    !num_double(rr->element[0]->str, rr->element[0]->len, &z)) {
		me.found = 1;
		me.score_milli = lb_score_from_z(z);
		me.rank = rr->element[1]->integer + 1;
		me.tied = rr->element[2]->integer > 1;
	}
	q->done(q->r, &me, q->ud);
	run_unref(q->r);
	free(q);
}

int board_standing(crun *r, int64_t pid, void (*done)(crun *r, const board_me *me, void *ud), void *ud)
{
	char key[256], member[24];
	standing_req *q = calloc(1, sizeof *q);
	if (!q)
		return SA_E_INTERNAL;
	q->r = r;
	run_ref(r);
	q->done = done;
	q->ud = ud;
	board_set(r, key, sizeof key);
	lb_member(member, sizeof member, pid);
	int rc = lb_command(r->a, standing_reply, q, "EVAL %s 1 %s %s", standing_lua, key, member);
	if (rc) {
		run_unref(r);
		free(q);
	}
	return rc;
}

/* One board_reveal_ranks on its way: the reveal its players get with their rank. */
typedef struct ranks_req {
	crun *r; /* referenced */
	frame *reveal;
	int qindex; /* the revealed question, -1 without a reveal */
	uint32_t gen;
} ranks_req;

/* With a reveal, what c's answer to the revealed question earned (its memo:
 * made by the commit, or read at resume); nothing when it did not answer. */
static void reveal_points(const ranks_req *q, const conn *c, board_me *me)
{
	if (q->qindex >= 0 && c->memo.qindex == q->qindex && c->memo.canonical) {
		me->has_points = 1;
		me->points_milli = c->memo.points_milli;
	}
}

/* The points of entry i of a ZREVRANGE ... WITHSCORES reply, INT64_MIN when unreadable. */
static int64_t next_points(const redisReply *rr, size_t i)
{
	const redisReply *z = rr->element[2 * i + 1];
	double d;
	if (z->type != REDIS_REPLY_STRING || num_double(z->str, z->len, &d))
		return INT64_MIN;
	return lb_score_from_z(d);
}

/* Everyone's score and shared rank, from ZREVRANGE ... WITHSCORES: each of
 * this process' players gets its own. */
static void ranks_reply(arena *a, void *reply, void *ud)
{
	ranks_req *q = ud;
	crun *r = q->r;
	redisReply *rr = reply;
	(void)a;
	if (rr && rr->type == REDIS_REPLY_ARRAY) {
		size_t n = rr->elements / 2;
		int64_t prev = 0, rank = 0;
		for (size_t i = 0; i < n; i++) {
			const redisReply *m = rr->element[2 * i], *z = rr->element[2 * i + 1];
			double d;
			if (z->type != REDIS_REPLY_STRING || num_double(z->str, z->len, &d))
				continue;
			int64_t pts = lb_score_from_z(d);
			if (!i || pts != prev)
				rank = (int64_t)i + 1; /* equal points share the first one's rank */
			prev = pts;
			int64_t pid = m->type == REDIS_REPLY_STRING ? lb_member_pid(m->str, m->len) : -1;
			conn *c = pid > 0 ? members_find_player(r, pid) : NULL;
			if (!c)
				continue;
			board_me me = {.found = 1, .score_milli = pts, .rank = rank};
			me.tied = (i > 0 && rank != (int64_t)i + 1) ||
				  (i + 1 < n && next_points(rr, i + 1) == pts);
			c->ranks_gen = q->gen;
			reveal_points(q, c, &me);
			send_player_lb(c, &me, q->reveal);
		}
	}
	/* Players not in the ranking (or no ranking: Redis down) still get the reveal. */
	for (conn *c = r->members; c; c = c->next)
		if (c->role == ROLE_PLAYER && c->ranks_gen != q->gen) {
			board_me me = {.score_milli = c->score_milli};
			reveal_points(q, c, &me);
			send_player_lb(c, &me, q->reveal);
		}
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
	board_set(r, key, sizeof key);
	if (lb_command(r->a, ranks_reply, ud, "ZREVRANGE %s 0 -1 WITHSCORES", key))
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
	q->qindex = reveal ? r->st.qindex : -1;
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

void board_who_parse(const char *who, size_t len, board_who *w)
{
	const char *tab = memchr(who, '\t', len);
	w->name = who;
	w->nlen = tab ? (size_t)(tab - who) : len;
	w->unit = tab ? tab + 1 : "";
	w->ulen = tab ? len - w->nlen - 1 : 0;
	const char *tab2 = memchr(w->unit, '\t', w->ulen);
	w->emp = tab2 ? tab2 + 1 : "";
	w->elen = tab2 ? w->ulen - (size_t)(tab2 - w->unit) - 1 : 0;
	if (tab2)
		w->ulen = (size_t)(tab2 - w->unit);
}

cJSON *board_entry(int64_t rank, int64_t pid, const board_who *w, int64_t milli)
{
	cJSON *e = cJSON_CreateObject();
	cJSON_AddNumberToObject(e, "rank", (double)rank);
	cJSON_AddNumberToObject(e, "participant_id", (double)pid);
	add_text(e, "name", w->name, w->nlen);
	add_text(e, "unit", w->unit, w->ulen);
	if (w->elen) /* told apart from others of the same name by it (docs/protocol.md) */
		add_text(e, "emp_tail", w->emp, w->elen);
	cJSON_AddNumberToObject(e, "score", (double)milli / 1000.0);
	return e;
}

cJSON *board_entry_who(int64_t rank, int64_t pid, const char *who, size_t len, int64_t milli)
{
	board_who w;
	board_who_parse(who, len, &w);
	return board_entry(rank, pid, &w, milli);
}

/* The last 4 characters of an employee number (ASCII: validate.c) into out[5]. */
void board_emp_tail(const char *emp, char out[5])
{
	size_t n = emp ? strlen(emp) : 0;
	snprintf(out, 5, "%s", n > 4 ? emp + n - 4 : emp ? emp : "");
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
	board_who w;
	board_who_parse(v->str, v->len, &w);
	char *name = strndup(w.name, w.nlen), *unit = strndup(w.unit, w.ulen), *emp = strndup(w.emp, w.elen);
	int ok = w.nlen < v->len && name && unit && emp && !memchr(v->str, '\0', v->len) &&
		 !validate_text(name, 0, 64, NULL) && !validate_text(unit, 0, 64, NULL) && w.elen <= 4 &&
		 !validate_employee_no(emp, NULL);
	free(name);
	free(unit);
	free(emp);
	if (!ok)
		board_bad_redis(r, "a name");
}

static void top_names(arena *a, void *reply, void *ud)
{
	top_req *t = ud;
	redisReply *rr = reply;
	cJSON *top = cJSON_CreateArray();
	int64_t rank = 0;
	(void)a;
	for (int i = 0; i < t->n; i++) {
		const redisReply *who = rr && rr->type == REDIS_REPLY_ARRAY && (size_t)i < rr->elements &&
							rr->element[i]->type == REDIS_REPLY_STRING
						? rr->element[i]
						: NULL;
		if (!i || t->score[i] != t->score[i - 1])
			rank = i + 1; /* equal points share the first one's rank */
		if (t->pid[i] <= 0)
			continue; /* not a member this server writes: its rank stays empty */
		if (who)
			who_check(t->r, who);
		cJSON_AddItemToArray(top, board_entry_who(rank, t->pid[i], who ? who->str : "",
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

/* PostgreSQL fallback when Redis is down: the same order and scores as the sorted set. */
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
	int64_t rank = 0, prev = 0;
	for (int i = 0; i < n; i++) {
		int64_t pid, milli, players;
		const char *name = store_text(res, i, 1), *unit = store_text(res, i, 2),
			   *emp = store_text(res, i, 5);
		if (store_int(res, i, 0, 1, INT64_MAX, &pid) ||
		    store_int(res, i, 3, INT64_MIN, INT64_MAX, &milli) ||
		    store_int(res, i, 4, 0, INT64_MAX, &players) || !name || !unit || !emp)
			continue;
		if (!i || milli != prev)
			rank = i + 1;
		prev = milli;
		t->players = players;
		board_who w = {name, strlen(name), unit, strlen(unit), emp, strlen(emp)};
		cJSON_AddItemToArray(top, board_entry(rank, pid, &w, milli));
	}
	top_finish(t, top);
}

static int top_from_pg(top_req *t)
{
	crun *r = t->r;
	char cid[24], lim[16], open[16];
	snprintf(cid, sizeof cid, "%lld", (long long)r->contest_id);
	snprintf(lim, sizeof lim, "%d", t->limit);
	snprintf(open, sizeof open, "%d", run_scores_hidden(r) ? r->st.qindex : -1);
	const char *p[3] = {cid, lim, open};
	return store_query(
		r->a,
		"SELECT id, name, unit, score_milli, count(*) OVER (), right(coalesce(employee_no, ''), 4) "
		"FROM sa_shown($1, $3) ORDER BY score_milli DESC, reached_ds, id LIMIT $2",
		3, p, top_pg, t);
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
		char set[256];
		lb_key(a, key, sizeof key, t->r, "lb"); /* the players: every one joined */
		board_set(t->r, set, sizeof set);
		snprintf(stop, sizeof stop, "%d", t->limit - 1);
		if (!lb_command(a, top_count, t, "ZCARD %s", key) &&
		    !lb_command(a, top_ids, t, "ZREVRANGE %s 0 %s WITHSCORES", set, stop))
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

/* Players are told the number of players only (the lobby's count). */
static frame *players_frame(crun *r)
{
	return frame_printf("{\"type\":\"stats\",\"players\":%lld}", (long long)r->players);
}

void board_send_stats(conn *c)
{
	frame *f = c->role == ROLE_PLAYER ? players_frame(c->run) : stats_frame(c->run);
	conn_send_slot(c, &c->slot_stats, f);
	frame_unref(f);
}

/*
 * The players' count changed: to every player, at most once a second (once
 * per BOARD_PLAYERS_PER_S players beyond that many, up to 5 s: 10,000 phones
 * of a join rush are told every 5 s), never while a push is on its way to
 * them (it would have to be finished at once: live/fanout.c).
 */
#define BOARD_PLAYERS_PER_S 2000

static void push_players(crun *r)
{
	int64_t now = now_ms(), every = 1000 * (1 + r->nplayers_local / BOARD_PLAYERS_PER_S);
	if (r->players_pushed == r->players || r->fan.frame || !r->nplayers_local ||
	    now - r->players_pushed_ms < (every < 5000 ? every : 5000))
		return;
	frame *f = players_frame(r);
	if (!f)
		return;
	r->players_pushed = r->players;
	r->players_pushed_ms = now;
	fanout_push(r, f, 1 << ROLE_PLAYER);
	frame_unref(f);
}

void board_push_stats(crun *r)
{
	push_players(r);
	if (!r->stats_dirty)
		return;
	r->stats_dirty = 0;
	frame *f = stats_frame(r);
	for (conn *c = r->members; c; c = c->next)
		if (c->role == ROLE_HOST || c->role == ROLE_SCREEN)
			conn_send_slot(c, &c->slot_stats, f);
	frame_unref(f);
}

/* Whether c gets the shared leaderboard now: hosts always, screens unless the host hid it. */
static int gets_board(const crun *r, const conn *c)
{
	return c->role == ROLE_HOST || (c->role == ROLE_SCREEN && !r->st.board_hidden);
}

void board_send_top(conn *c)
{
	crun *r = c->run;
	if (!r || !gets_board(r, c))
		return;
	if (r->lb_frame)
		conn_send_slot(c, &c->slot_lb, r->lb_frame);
}

void board_to_screens(crun *r)
{
	for (conn *c = r->members; c; c = c->next)
		if (c->role == ROLE_SCREEN) {
			board_send_top(c);
			if (r->units_frame)
				conn_send(c, r->units_frame);
		}
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
			if (gets_board(r, c))
				conn_send_slot(c, &c->slot_lb, f);
	}
	cJSON_free(json);
}

/* ------------------------------------------------------------ units */

/*
 * The workshop/enterprise board ("leaderboards": {"unit": true}): units
 * ranked by their members' average score, then by size (while scores are
 * hidden, as of the question's opening: sa_shown). Computed by one
 * GROUP BY over the contest's participants in PostgreSQL (indexed, exact,
 * nothing to rebuild), at most once a second and only while screens or hosts
 * watch on this process.
 */
#define UNITS_TOP 10

static const char units_sql[] =
	"SELECT unit, count(*), sum(score_milli), round(avg(score_milli)) AS avg FROM sa_shown($1, $3) "
	"WHERE unit <> '' GROUP BY unit ORDER BY avg DESC, count(*) DESC, unit LIMIT $2";

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
		for (conn *c = r->members; c; c = c->next)
			if (gets_board(r, c))
				conn_send(c, f);
	}
	run_unref(r);
}

int board_units_query(crun *r, store_cb cb, void *ud)
{
	char cid[24], lim[16], open[16];
	snprintf(cid, sizeof cid, "%lld", (long long)r->contest_id);
	snprintf(lim, sizeof lim, "%d", UNITS_TOP);
	snprintf(open, sizeof open, "%d", run_scores_hidden(r) ? r->st.qindex : -1);
	const char *p[3] = {cid, lim, open};
	return store_query(r->a, units_sql, 3, p, cb, ud);
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
