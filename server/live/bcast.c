/*
 * bcast.c - fan-out: who is in each contest on this process, shared frames
 * to all of them, and the coalescing tick.
 *
 * A push is serialized once per process and queued by reference on every
 * recipient (ws.c). Leaderboard and stats are not pushed per answer: every
 * tick (--tick-ms) each contest reads its numbers and its top N from Redis
 * and pushes them only if they changed, into newest-only slots, so a burst
 * of 10,000 answers costs a few pushes per second, not 10,000.
 *
 * A push to thousands of members is not written in one go: that would hold
 * the loop for tens of milliseconds (one send per member), and every answer
 * arriving meanwhile would wait. bcast_run writes FANOUT_CHUNK members now
 * and the rest FANOUT_CHUNK per loop iteration (an idle handle), so input is
 * read and acknowledged in between. Order per member still holds: a member
 * not reached yet gets the push first when anything else is sent to it
 * (bcast_catch_up, from conn_send), and a new push to the players first
 * finishes the previous one (a push to screens and hosts only goes to those
 * few at once). Members who arrive during a fan-out got a snapshot of the
 * state that includes it, and are skipped.
 *
 * Players receive their own rank with each leaderboard: the shared top-N
 * JSON is spliced into a small per-player frame (bcast_send_player_lb); at a
 * reveal and at the end every process fetches the whole ranking once and
 * gives each of its players its rank (bcast_reveal_ranks). A player's
 * `reveal` travels in the same write as its rank: one send per player
 * rather than two, a fifth of the sends a question costs.
 */
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>
#include <libpq-fe.h>

#include "core/arena.h"

#define FANOUT_CHUNK 250

/* ------------------------------------------------------------ members */

static size_t ptab_slot(const crun *r, int64_t pid)
{
	uint64_t h = (uint64_t)pid * 0x9E3779B97F4A7C15ull;
	return (size_t)(h >> 20) & (r->pcap - 1);
}

static void ptab_put(crun *r, conn *c);

static void ptab_grow(crun *r)
{
	conn **old = r->ptab;
	size_t oldcap = r->pcap;
	r->pcap = oldcap ? oldcap * 2 : 64;
	r->ptab = calloc(r->pcap, sizeof *r->ptab);
	r->pcount = 0;
	for (size_t i = 0; i < oldcap; i++)
		if (old[i])
			ptab_put(r, old[i]);
	free(old);
}

static void ptab_put(crun *r, conn *c)
{
	if ((r->pcount + 1) * 2 > r->pcap)
		ptab_grow(r);
	size_t i = ptab_slot(r, c->pid);
	while (r->ptab[i] && r->ptab[i]->pid != c->pid)
		i = (i + 1) & (r->pcap - 1);
	if (!r->ptab[i])
		r->pcount++;
	r->ptab[i] = c;
}

static void ptab_del(crun *r, int64_t pid)
{
	if (!r->pcap)
		return;
	size_t i = ptab_slot(r, pid);
	while (r->ptab[i] && r->ptab[i]->pid != pid)
		i = (i + 1) & (r->pcap - 1);
	if (!r->ptab[i])
		return;
	r->ptab[i] = NULL;
	r->pcount--;
	/* Re-insert the rest of the cluster (linear probing deletion). */
	for (size_t j = (i + 1) & (r->pcap - 1); r->ptab[j]; j = (j + 1) & (r->pcap - 1)) {
		conn *c = r->ptab[j];
		r->ptab[j] = NULL;
		r->pcount--;
		ptab_put(r, c);
	}
}

conn *run_find_player(crun *r, int64_t pid)
{
	if (!r->pcap)
		return NULL;
	for (size_t i = ptab_slot(r, pid); r->ptab[i]; i = (i + 1) & (r->pcap - 1))
		if (r->ptab[i]->pid == pid)
			return r->ptab[i];
	return NULL;
}

void run_add_member(crun *r, conn *c)
{
	c->run = r;
	c->fan_seen = r->fan_gen; /* its snapshot includes the push in progress */
	c->prev = NULL;
	c->next = r->members;
	if (r->members)
		r->members->prev = c;
	r->members = c;
	if (c->role == ROLE_PLAYER) {
		r->nplayers_local++;
		ptab_put(r, c);
	} else
		r->nviewers_local++;
	r->stats_dirty = 1;
}

void run_remove_member(crun *r, conn *c)
{
	if (c->run != r)
		return;
	if (r->fan_cursor == c)
		r->fan_cursor = c->next;
	if (c->prev)
		c->prev->next = c->next;
	else
		r->members = c->next;
	if (c->next)
		c->next->prev = c->prev;
	c->prev = c->next = NULL;
	if (c->role == ROLE_PLAYER) {
		r->nplayers_local--;
		if (run_find_player(r, c->pid) == c)
			ptab_del(r, c->pid);
	} else if (c->role != ROLE_NONE)
		r->nviewers_local--;
	r->stats_dirty = 1;
	/* c->run stays set: in-flight replies still know the contest. */
}

/* The current fan-out to up to budget more members; returns whether it is done. */
static int fanout_step(crun *r, int budget)
{
	while (r->fan_cursor && budget > 0) {
		conn *c = r->fan_cursor;
		r->fan_cursor = c->next; /* conn_send may close a slow consumer */
		if (c->fan_seen == r->fan_gen)
			continue;
		c->fan_seen = r->fan_gen;
		if (r->fan_mask & (1 << c->role)) {
			conn_send(c, r->fan_frame);
			r->fan_sent++;
			budget--;
		}
	}
	if (r->fan_cursor)
		return 0;
	if (r->fan_sent >= 2000)
		sa_log(LL_INFO, "contest %s: push to %d members in %.1f ms", r->code, r->fan_sent,
		       (double)(now_us() - r->fan_start_us) / 1000.0);
	frame_unref(r->fan_frame);
	r->fan_frame = NULL;
	return 1;
}

static void fanout_finish(crun *r)
{
	if (r->fan_frame)
		fanout_step(r, 1 << 30);
}

void bcast_catch_up(conn *c)
{
	crun *r = c->run;
	c->fan_seen = r->fan_gen;
	if (r->fan_mask & (1 << c->role))
		conn_send(c, r->fan_frame);
}

static void on_fanout(uv_idle_t *h)
{
	arena *a = h->data;
	int busy = 0;
	for (int i = 0; i < a->nruns; i++)
		if (a->runs[i]->fan_frame && !fanout_step(a->runs[i], FANOUT_CHUNK))
			busy = 1;
	if (!busy)
		uv_idle_stop(h);
}

void bcast_run(crun *r, frame *f, int roles_mask)
{
	if (!(roles_mask & (1 << ROLE_PLAYER))) {
		/* screens and hosts only: a few, at once; each gets any pending push first
		 * (conn_send), and a pending push to the players keeps its pace */
		for (conn *c = r->members, *next; c; c = next) {
			next = c->next;
			if (roles_mask & (1 << c->role))
				conn_send(c, f);
		}
		return;
	}
	fanout_finish(r);
	r->fan_gen++;
	r->fan_frame = frame_ref(f);
	r->fan_mask = roles_mask;
	r->fan_cursor = r->members;
	r->fan_sent = 0;
	r->fan_start_us = now_us();
	if (!fanout_step(r, FANOUT_CHUNK))
		uv_idle_start(&r->a->fanout, on_fanout);
}

/* ------------------------------------------------------------ leaderboard frames */

void fmt_points(char *buf, size_t n, int64_t milli)
{
	if (milli % 1000 == 0)
		snprintf(buf, n, "%lld", (long long)(milli / 1000));
	else {
		snprintf(buf, n, "%.3f", (double)milli / 1000.0);
		char *e = buf + strlen(buf);
		while (e[-1] == '0')
			*--e = '\0';
	}
}

/* The player's leaderboard, after prefix (a frame that must not be dropped,
 * so the two go through the queue, not the newest-only slot) when given. */
static void send_player_lb(conn *c, int64_t rank, frame *prefix)
{
	crun *r = c->run;
	char score[32], rk[24];
	if (!r || !c->wsi)
		return;
	fmt_points(score, sizeof score, c->score_milli);
	if (rank > 0)
		snprintf(rk, sizeof rk, "%lld", (long long)rank);
	else
		snprintf(rk, sizeof rk, "null");
	frame *f = frame_printf("{\"type\":\"leaderboard\",\"players\":%lld,\"top\":%s,"
				"\"me\":{\"rank\":%s,\"score\":%s}}",
				(long long)r->players, r->lb_top_json ? r->lb_top_json : "[]", rk, score);
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

void bcast_send_player_lb(conn *c, int64_t rank) { send_player_lb(c, rank, NULL); }

/* One bcast_reveal_ranks on its way: the reveal its players get with their rank. */
typedef struct ranks_req {
	crun *r;
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
			conn *c = run_find_player(r, lb_member_pid(rr->element[i]->str));
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
	free(q);
}

static void tick_top(crun *r, cJSON *top, int64_t players, void *ud);

/* The top N is read fresh first: a reveal pressed right after the last answer
 * must not show players the board of the previous tick. */
static void reveal_top(crun *r, cJSON *top, int64_t players, void *ud)
{
	char key[256];
	tick_top(r, top, players, NULL);
	lb_key(r->a, key, sizeof key, r, "lb");
	if (lb_command(r->a, ranks_reply, ud, "ZREVRANGE %s 0 -1", key))
		ranks_reply(r->a, NULL, ud);
}

void bcast_reveal_ranks(crun *r, frame *reveal)
{
	if (!r->nplayers_local)
		return;
	ranks_req *q = calloc(1, sizeof *q);
	if (!q) {
		if (reveal)
			bcast_run(r, reveal, 1 << ROLE_PLAYER);
		return;
	}
	q->r = r;
	q->reveal = reveal ? frame_ref(reveal) : NULL;
	q->gen = ++r->ranks_gen;
	r->tick_busy++;
	if (bcast_fetch_top(r, r->a->cfg.lb_top > 0 ? r->a->cfg.lb_top : 10, reveal_top, q)) {
		r->tick_busy--;
		ranks_reply(r->a, NULL, q);
	}
}

/* ------------------------------------------------------------ top N */

typedef struct top_req {
	crun *r;
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
	cJSON_Delete(top);
	free(t->pid);
	free(t->score);
	free(t);
}

static cJSON *top_entry(int rank, int64_t pid, const char *name, const char *unit, int64_t milli)
{
	cJSON *e = cJSON_CreateObject();
	cJSON_AddNumberToObject(e, "rank", rank);
	cJSON_AddNumberToObject(e, "participant_id", (double)pid);
	cJSON_AddStringToObject(e, "name", name);
	cJSON_AddStringToObject(e, "unit", unit);
	cJSON_AddNumberToObject(e, "score", (double)milli / 1000.0);
	return e;
}

static void top_names(arena *a, void *reply, void *ud)
{
	top_req *t = ud;
	redisReply *rr = reply;
	cJSON *top = cJSON_CreateArray();
	(void)a;
	for (int i = 0; i < t->n; i++) {
		char name[256] = "", *unit = "";
		if (rr && rr->type == REDIS_REPLY_ARRAY && (size_t)i < rr->elements &&
		    rr->element[i]->type == REDIS_REPLY_STRING) {
			snprintf(name, sizeof name, "%s", rr->element[i]->str);
			char *tab = strchr(name, '\t');
			if (tab) {
				*tab = '\0';
				unit = tab + 1;
			}
		}
		cJSON_AddItemToArray(top, top_entry(i + 1, t->pid[i], name, unit, t->score[i]));
	}
	top_finish(t, top);
}

static void top_ids(arena *a, void *reply, void *ud)
{
	top_req *t = ud;
	redisReply *rr = reply;
	if (!rr || rr->type != REDIS_REPLY_ARRAY) {
		top_finish(t, NULL);
		return;
	}
	t->n = (int)(rr->elements / 2);
	t->pid = calloc((size_t)t->n + 1, sizeof *t->pid);
	t->score = calloc((size_t)t->n + 1, sizeof *t->score);
	const char **argv = calloc((size_t)t->n + 2, sizeof *argv);
	char key[256];
	lb_key(a, key, sizeof key, t->r, "who");
	argv[0] = "HMGET";
	argv[1] = key;
	for (int i = 0; i < t->n; i++) {
		t->pid[i] = lb_member_pid(rr->element[2 * i]->str);
		t->score[i] = lb_score_from_z(strtod(rr->element[2 * i + 1]->str, NULL));
		argv[2 + i] = rr->element[2 * i]->str;
	}
	if (!t->n || lb_commandv(a, top_names, t, t->n + 2, argv, NULL))
		top_names(a, NULL, t);
	free(argv);
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
		t->players = atoll(PQgetvalue(res, i, 4));
		cJSON_AddItemToArray(top,
				     top_entry(i + 1, atoll(PQgetvalue(res, i, 0)), PQgetvalue(res, i, 1),
					       PQgetvalue(res, i, 2), atoll(PQgetvalue(res, i, 3))));
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

/* Redis is complete for this contest (its "ok" key exists): read it; else
 * answer from PostgreSQL and have Redis rebuilt. */
static void top_exists(arena *a, void *reply, void *ud)
{
	top_req *t = ud;
	redisReply *rr = reply;
	char key[256], stop[16];
	if (rr && rr->type == REDIS_REPLY_INTEGER && rr->integer == 1) {
		lb_key(a, key, sizeof key, t->r, "lb");
		snprintf(stop, sizeof stop, "%d", t->limit - 1);
		if (!lb_command(a, top_count, t, "ZCARD %s", key) &&
		    !lb_command(a, top_ids, t, "ZREVRANGE %s 0 %s WITHSCORES", key, stop))
			return;
	} else if (rr)
		lb_rebuild(t->r);
	if (top_from_pg(t))
		top_finish(t, NULL);
}

int bcast_fetch_top(crun *r, int limit, void (*done)(crun *r, cJSON *top, int64_t players, void *ud),
		    void *ud)
{
	arena *a = r->a;
	char key[256];
	top_req *t = calloc(1, sizeof *t);
	if (!t)
		return -1;
	t->r = r;
	t->limit = limit;
	t->done = done;
	t->ud = ud;
	t->players = r->players;
	lb_key(a, key, sizeof key, r, "ok");
	if (!lb_command(a, top_exists, t, "EXISTS %s", key))
		return 0;
	if (top_from_pg(t)) {
		free(t);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------ stats */

static frame *stats_frame(crun *r)
{
	return frame_printf("{\"type\":\"stats\",\"players\":%lld,\"online\":%lld,\"answered\":%lld}",
			    (long long)r->players, (long long)r->online, (long long)r->answered);
}

void bcast_send_stats(conn *c)
{
	frame *f = stats_frame(c->run);
	conn_send_slot(c, &c->slot_stats, f);
	frame_unref(f);
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

cJSON *units_json(void *res)
{
	cJSON *top = cJSON_CreateArray();
	for (int i = 0; i < PQntuples(res); i++) {
		cJSON *e = cJSON_CreateObject();
		cJSON_AddNumberToObject(e, "rank", i + 1);
		cJSON_AddStringToObject(e, "unit", PQgetvalue(res, i, 0));
		cJSON_AddNumberToObject(e, "players", atof(PQgetvalue(res, i, 1)));
		cJSON_AddNumberToObject(e, "score", atof(PQgetvalue(res, i, 2)) / 1000.0);
		cJSON_AddNumberToObject(e, "average", atof(PQgetvalue(res, i, 3)) / 1000.0);
		cJSON_AddItemToArray(top, e);
	}
	return top;
}

static void units_rows(arena *a, void *res, const char *err, void *ud)
{
	crun *r = ud;
	(void)a;
	r->units_busy = 0;
	if (err || !res)
		return;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "type", "units");
	cJSON_AddItemToObject(o, "top", units_json(res));
	frame *f = frame_from_json(o);
	cJSON_Delete(o);
	if (!f)
		return;
	if (r->units_frame && r->units_frame->len == f->len &&
	    !memcmp(frame_text(r->units_frame), frame_text(f), f->len)) {
		frame_unref(f);
		return;
	}
	frame_unref(r->units_frame);
	r->units_frame = f;
	bcast_run(r, f, (1 << ROLE_HOST) | (1 << ROLE_SCREEN));
}

int bcast_units_query(crun *r, store_cb cb, void *ud)
{
	char cid[24], lim[16];
	snprintf(cid, sizeof cid, "%lld", (long long)r->contest_id);
	snprintf(lim, sizeof lim, "%d", UNITS_TOP);
	const char *p[2] = {cid, lim};
	return store_query(r->a, units_sql, 2, p, cb, ud);
}

static void tick_units(crun *r)
{
	if (!r->def->leaderboard_unit || !r->nviewers_local || r->units_busy ||
	    ++r->units_tick * r->a->cfg.tick_ms < 1000)
		return;
	r->units_tick = 0;
	r->units_busy = 1;
	if (bcast_units_query(r, units_rows, r))
		r->units_busy = 0;
}

/* ------------------------------------------------------------ the tick */

static void tick_top(crun *r, cJSON *top, int64_t players, void *ud)
{
	(void)ud;
	if (r->tick_busy > 0)
		r->tick_busy--;
	if (players != r->players) {
		r->players = players;
		r->stats_dirty = 1;
	}
	if (top) {
		char *json = cJSON_PrintUnformatted(top);
		if (json && (!r->lb_top_json || strcmp(json, r->lb_top_json))) {
			free(r->lb_top_json);
			r->lb_top_json = strdup(json);
			frame *f = frame_printf("{\"type\":\"leaderboard\",\"players\":%lld,\"top\":%s}",
						(long long)r->players, json);
			frame_unref(r->lb_frame);
			r->lb_frame = f;
			for (conn *c = r->members; c; c = c->next)
				if (c->role == ROLE_HOST || c->role == ROLE_SCREEN)
					conn_send_slot(c, &c->slot_lb, f);
		}
		cJSON_free(json);
	}
	if (r->stats_dirty) {
		r->stats_dirty = 0;
		frame *f = stats_frame(r);
		for (conn *c = r->members; c; c = c->next)
			if (c->role == ROLE_HOST || c->role == ROLE_SCREEN)
				conn_send_slot(c, &c->slot_stats, f);
		frame_unref(f);
	}
}

static void tick_online(arena *a, void *reply, void *ud)
{
	crun *r = ud;
	redisReply *rr = reply;
	int64_t total = 0, now = now_ms();
	(void)a;
	if (!rr || rr->type != REDIS_REPLY_ARRAY)
		return;
	for (size_t i = 0; i + 1 < rr->elements; i += 2) {
		const char *v = rr->element[i + 1]->str, *colon = strchr(v, ':');
		if (colon && now - atoll(colon + 1) < 5000)
			total += atoll(v);
	}
	if (total != r->online) {
		r->online = total;
		r->stats_dirty = 1;
	}
}

static void tick_answered(arena *a, void *reply, void *ud)
{
	crun *r = ud;
	redisReply *rr = reply;
	(void)a;
	int64_t n = rr && rr->type == REDIS_REPLY_STRING ? atoll(rr->str) : 0;
	if (rr && n != r->answered) {
		r->answered = n;
		r->stats_dirty = 1;
	}
}

static void tick_run(arena *a, crun *r)
{
	char key[256], ans[256], val[64];
	if (r->tick_busy || !lb_ready(a))
		return;
	lb_key(a, key, sizeof key, r, "online");
	snprintf(val, sizeof val, "%d:%lld", r->nplayers_local, (long long)now_ms());
	lb_command(a, NULL, NULL, "HSET %s %s %s", key, a->cfg.instance, val);
	lb_command(a, tick_online, r, "HGETALL %s", key);
	lb_key(a, ans, sizeof ans, r, "ans:");
	size_t al = strlen(ans);
	snprintf(ans + al, sizeof ans - al, "%d", r->st.qindex);
	lb_command(a, tick_answered, r, "GET %s", ans);
	r->tick_busy++;
	if (bcast_fetch_top(r, a->cfg.lb_top > 0 ? a->cfg.lb_top : 10, tick_top, NULL))
		r->tick_busy--;
}

void bcast_tick_now(arena *a)
{
	for (int i = 0; i < a->nruns; i++) {
		tick_run(a, a->runs[i]);
		tick_units(a->runs[i]);
	}
}

static void on_tick(uv_timer_t *t) { bcast_tick_now(t->data); }

int bcast_start(arena *a)
{
	uv_timer_init(a->loop, &a->tick);
	a->tick.data = a;
	uv_idle_init(a->loop, &a->fanout);
	a->fanout.data = a;
	int ms = a->cfg.tick_ms > 0 ? a->cfg.tick_ms : 200;
	return uv_timer_start(&a->tick, on_tick, (uint64_t)ms, (uint64_t)ms);
}

void bcast_stop(arena *a)
{
	uv_timer_stop(&a->tick);
	uv_close((uv_handle_t *)&a->tick, NULL);
	for (int i = 0; i < a->nruns; i++)
		fanout_finish(a->runs[i]);
	uv_idle_stop(&a->fanout);
	uv_close((uv_handle_t *)&a->fanout, NULL);
}
