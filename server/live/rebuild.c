/*
 * rebuild.c - a contest's Redis state (store/lb.c's keys) is derived from
 * PostgreSQL and rebuilt from it: when this process connects to Redis, when
 * it starts serving a contest, and when a read finds the contest's keys
 * incomplete (after a FLUSHALL, a new Redis).
 *
 * The keys carry the contest's identity: <prefix>CODE:ok holds "id:epoch"
 * (the contests row and its reset count) once they are complete. A code is
 * reused by a new contest after a delete, and a reset starts a contest
 * again: keys of another identity are stale, and are deleted before the
 * rebuild (rebuild_contest) or when their contest stops being served
 * (rebuild_forget, only if still its own: a newer contest may have taken
 * the code meanwhile, on another process).
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>
#include <libpq-fe.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/log.h"
#include "live/board.h"
#include "live/rebuild.h"
#include "live/run.h"
#include "store/lb.h"
#include "store/store.h"

void rebuild_identity(const crun *r, char *buf, size_t n)
{
	snprintf(buf, n, "%lld:%lld", (long long)r->contest_id, (long long)r->epoch);
}

int rebuild_is_current(const crun *r, const void *reply)
{
	const redisReply *rr = reply;
	char id[48];
	rebuild_identity(r, id, sizeof id);
	return rr && rr->type == REDIS_REPLY_STRING && rr->len == strlen(id) && !memcmp(rr->str, id, rr->len);
}

/* The keys of a contest besides its answer counters (ok first: forget_lua reads it). */
static const char *const fixed[] = {"ok", "lb", "who", "online", "shown", "seen"};
#define NFIXED ((int)(sizeof fixed / sizeof fixed[0]))

/* argv of a command on every key of r: head..., then the fixed keys, ans:0..nq-1, then tail. */
static void keys_command(crun *r, const char *const *head, int nhead, const char *tail, lb_cb cb)
{
	arena *a = r->a;
	int n = nhead + NFIXED + r->nq + (tail ? 1 : 0), k = 0;
	const char **argv = calloc((size_t)n, sizeof *argv);
	char(*keys)[256] = calloc((size_t)(NFIXED + r->nq), sizeof *keys);
	if (!argv || !keys) {
		free(argv);
		free(keys);
		return; /* its keys stay; the next rebuild or forget tries again */
	}
	for (int i = 0; i < nhead; i++)
		argv[k++] = head[i];
	for (int i = 0; i < NFIXED + r->nq; i++) {
		if (i < NFIXED)
			lb_key(a, keys[i], sizeof keys[i], r, fixed[i]);
		else {
			char what[24];
			snprintf(what, sizeof what, "ans:%d", i - NFIXED);
			lb_key(a, keys[i], sizeof keys[i], r, what);
		}
		argv[k++] = keys[i];
	}
	if (tail)
		argv[k++] = tail;
	assert(k == n);
	if (cb)
		run_ref(r);
	if (lb_commandv(a, cb, r, n, argv, NULL) && cb)
		run_unref(r);
	free(argv);
	free(keys);
}

/* Deletes the keys when <prefix>CODE:ok still holds r's identity. */
static const char forget_lua[] = "if redis.call('GET', KEYS[1]) == ARGV[1] then "
				 "return redis.call('DEL', unpack(KEYS)) end return 0";

void rebuild_forget(crun *r)
{
	char id[48], nkeys[16];
	rebuild_identity(r, id, sizeof id);
	snprintf(nkeys, sizeof nkeys, "%d", NFIXED + r->nq);
	const char *head[3] = {"EVAL", forget_lua, nkeys};
	keys_command(r, head, 3, id, NULL);
}

/* ------------------------------------------------------------ rebuild */

static void rebuild_done(crun *r, const char *why)
{
	r->rebuilding = 0;
	if (why)
		sa_log(LL_WARN, "rebuild of contest %s failed: %s", r->code, why);
	else if (r->rebuild_again) /* asked for while this one ran: it may have read too early */
		rebuild_contest(r);
	run_unref(r);
}

static void rebuild_counter(arena *a, void *res, const char *err, void *ud)
{
	crun *r = ud;
	char key[256], id[48];
	int64_t n;
	if (!err && !r->retired && !store_int(res, 0, 0, 0, INT64_MAX, &n)) {
		char what[24];
		snprintf(what, sizeof what, "ans:%d", r->st.qindex);
		lb_key(a, key, sizeof key, r, what);
		lb_command(a, NULL, NULL, "SET %s %lld", key, (long long)n);
		lb_key(a, key, sizeof key, r, "ok");
		rebuild_identity(r, id, sizeof id);
		lb_command(a, NULL, NULL, "SET %s %s", key, id);
		sa_log(LL_INFO, "redis state of contest %s rebuilt from postgresql", r->code);
	}
	rebuild_done(r, err);
}

enum { REBUILD_CHUNK = 256 };

/* The keys a rebuild writes; shown[0] is "" unless scores are hidden now (live/board.h). */
typedef struct rebuild_keys {
	char lb[256], who[256], shown[256];
} rebuild_keys;

/* Columns of rebuild_sql: the live total, the names, and what the boards show. */
enum { RB_ID, RB_NAME, RB_UNIT, RB_SCORE, RB_DS, RB_EMP, RB_SHOWN, RB_SHOWN_DS };

/*
 * Participants [base, base + m) of res into the sorted set, the names hash
 * and (while scores are hidden) the boards' set: one ZADD GT, one HSET and
 * one ZADD for the chunk; a malformed row is skipped. 0, or SA_E_INTERNAL
 * (out of memory).
 */
static int rebuild_chunk(arena *a, void *res, int base, int m, const rebuild_keys *k)
{
	const char *zargv[3 + 2 * REBUILD_CHUNK], *hargv[2 + 2 * REBUILD_CHUNK],
		*sargv[2 + 2 * REBUILD_CHUNK];
	char zbuf[REBUILD_CHUNK][32], sbuf[REBUILD_CHUNK][32], mbuf[REBUILD_CHUNK][24];
	int zc = 0, hc = 0, sc = 0;
	size_t wl = 0;
	assert(m > 0 && m <= REBUILD_CHUNK);
	for (int i = 0; i < m; i++) {
		const char *name = store_text(res, base + i, RB_NAME),
			   *unit = store_text(res, base + i, RB_UNIT);
		wl += (name ? strlen(name) : 0) + (unit ? strlen(unit) : 0) + 8;
	}
	char *who = malloc(wl), *w = who; /* every "name\tunit\temp" of the chunk */
	if (!who)
		return SA_E_INTERNAL;
	zargv[zc++] = "ZADD";
	zargv[zc++] = k->lb;
	zargv[zc++] = "GT"; /* a stale snapshot never lowers a fresher score */
	hargv[hc++] = "HSET";
	hargv[hc++] = k->who;
	sargv[sc++] = "ZADD";
	sargv[sc++] = k->shown;
	for (int i = 0; i < m; i++) {
		int row = base + i;
		int64_t pid, score, ds, shown, shown_ds;
		const char *name = store_text(res, row, RB_NAME), *unit = store_text(res, row, RB_UNIT);
		const char *emp = store_text(res, row, RB_EMP);
		if (store_int(res, row, RB_ID, 1, INT64_MAX, &pid) ||
		    store_int(res, row, RB_SCORE, INT64_MIN, INT64_MAX, &score) ||
		    store_int(res, row, RB_DS, 0, INT64_MAX, &ds) ||
		    store_int(res, row, RB_SHOWN, INT64_MIN, INT64_MAX, &shown) ||
		    store_int(res, row, RB_SHOWN_DS, 0, INT64_MAX, &shown_ds) || !name || !unit || !emp ||
		    strlen(emp) > 4) {
			sa_log(LL_WARN, "rebuild: participant row %d skipped: a field is missing or invalid",
			       row);
			continue;
		}
		snprintf(zbuf[i], sizeof zbuf[i], "%.17g", lb_zscore(score, ds));
		snprintf(sbuf[i], sizeof sbuf[i], "%.17g", lb_zscore(shown, shown_ds));
		lb_member(mbuf[i], sizeof mbuf[i], pid);
		zargv[zc++] = zbuf[i];
		zargv[zc++] = mbuf[i];
		sargv[sc++] = sbuf[i];
		sargv[sc++] = mbuf[i];
		hargv[hc++] = mbuf[i];
		hargv[hc++] = w;
		w += sprintf(w, "%s\t%s\t%s", name, unit, emp) + 1;
	}
	if (zc > 3) {
		lb_commandv(a, NULL, NULL, zc, zargv, NULL);
		lb_commandv(a, NULL, NULL, hc, hargv, NULL);
		if (k->shown[0])
			lb_commandv(a, NULL, NULL, sc, sargv, NULL);
	}
	free(who); /* hiredis copied the arguments */
	return 0;
}

/* Every participant not removed: the live total, and while scores are hidden
 * ($2: the open question, else -1) what the boards show (sa_shown, 050). */
static const char rebuild_sql[] =
	"SELECT l.id, l.name, l.unit, l.score_milli, l.reached_ds, right(coalesce(l.employee_no, ''), 4), "
	"s.score_milli, s.reached_ds FROM sa_shown($1, -1) l JOIN sa_shown($1, $2) s ON s.id = l.id";

static void rebuild_rows(arena *a, void *res, const char *err, void *ud)
{
	crun *r = ud;
	char cid[24], qi[16];
	rebuild_keys k;
	if (err || !res || r->retired)
		return rebuild_done(r, r->retired ? NULL : err ? err : "no result");
	lb_key(a, k.lb, sizeof k.lb, r, "lb");
	lb_key(a, k.who, sizeof k.who, r, "who");
	k.shown[0] = '\0';
	if (run_scores_hidden(r))
		lb_key(a, k.shown, sizeof k.shown, r, "shown");
	int n = PQntuples(res);
	for (int base = 0; base < n; base += REBUILD_CHUNK)
		if (rebuild_chunk(a, res, base, n - base < REBUILD_CHUNK ? n - base : REBUILD_CHUNK, &k))
			return rebuild_done(r, "out of memory"); /* its "ok" key stays absent: tried again */
	snprintf(cid, sizeof cid, "%lld", (long long)r->contest_id);
	snprintf(qi, sizeof qi, "%d", r->st.qindex);
	const char *p[2] = {cid, qi};
	if (store_query(a, "SELECT count(*) FROM answers WHERE contest_id = $1 AND question_idx = $2", 2, p,
			rebuild_counter, r))
		rebuild_done(r, "postgresql unavailable");
}

/* What Redis holds for the contest: its keys, someone else's (deleted first), or none. */
static void rebuild_ok(arena *a, void *reply, void *ud)
{
	crun *r = ud;
	const redisReply *rr = reply;
	char cid[24];
	if (!rr || r->retired)
		return rebuild_done(r, r->retired ? NULL : "redis went down");
	if (rr->type != REDIS_REPLY_NIL && !rebuild_is_current(r, rr)) {
		const char *head[1] = {"DEL"};
		sa_log(LL_INFO,
		       "contest %s: redis keys of an earlier contest of that code (or reset) deleted",
		       r->code);
		keys_command(r, head, 1, NULL, NULL);
	}
	char open[16];
	snprintf(cid, sizeof cid, "%lld", (long long)r->contest_id);
	snprintf(open, sizeof open, "%d", run_scores_hidden(r) ? r->st.qindex : -1);
	const char *p[2] = {cid, open};
	if (store_query(a, rebuild_sql, 2, p, rebuild_rows, r))
		rebuild_done(r, "postgresql unavailable");
}

void rebuild_contest(crun *r)
{
	arena *a = r->a;
	char key[256];
	if (r->rebuilding)
		r->rebuild_again = 1;
	if (r->rebuilding || r->retired || !lb_ready(a))
		return;
	r->rebuilding = 1;
	r->rebuild_again = 0;
	run_ref(r);
	lb_key(a, key, sizeof key, r, "ok");
	if (lb_command(a, rebuild_ok, r, "GET %s", key))
		rebuild_done(r, NULL);
}
