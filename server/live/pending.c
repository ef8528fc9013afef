/*
 * pending.c - who has not answered the open question yet, for the hosts,
 * and who is online.
 *
 *   {"type":"pending","question_id":"q3","count":12,
 *    "players":[{"participant_id":17,"name":"李四","unit":"二车间","emp_tail":"1234","online":false}]}
 *
 * While a question is played (phase question, running, paused or past its
 * deadline until the reveal), each process with a host connected asks at
 * most once a second and pushes the list to its hosts when it changed: at
 * most PENDING_MAX players, the offline ones first, `count` all of them.
 * An answer counts once PostgreSQL committed it (the answers table says who
 * answered); the participants the host removed are not listed.
 *
 * Online: <prefix>CODE:seen is a sorted set of participants and the time
 * (epoch ms) a process last saw their connection open: each process adds
 * its players when they take their seat and every PENDING_SEEN_MS; a
 * participant not seen for PENDING_STALE_MS is offline (its process may
 * have died: nothing is removed, it simply grows old).
 */
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>
#include <libpq-fe.h>

#include "core/arena.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "live/board.h"
#include "live/pending.h"
#include "live/run.h"
#include "net/frame.h"
#include "net/ws.h"
#include "store/lb.h"
#include "store/pgarr.h"
#include "store/store.h"

#define PENDING_MAX 50
#define PENDING_EVERY_MS 1000
#define PENDING_SEEN_MS 2000
#define PENDING_STALE_MS 6000
#define PENDING_CHUNK 256 /* members per ZADD */

/* ------------------------------------------------------------ online */

void pending_seen(crun *r, int64_t pid)
{
	char key[256], member[24], now[24];
	lb_key(r->a, key, sizeof key, r, "seen");
	lb_member(member, sizeof member, pid);
	snprintf(now, sizeof now, "%lld", (long long)now_ms());
	const char *argv[4] = {"ZADD", key, now, member};
	lb_commandv(r->a, NULL, NULL, 4, argv, NULL);
}

/* This process' players, seen now: one ZADD per PENDING_CHUNK of them. */
static void seen_refresh(crun *r)
{
	const char *argv[2 + 2 * PENDING_CHUNK];
	char members[PENDING_CHUNK][24], key[256], now[24];
	lb_key(r->a, key, sizeof key, r, "seen");
	snprintf(now, sizeof now, "%lld", (long long)now_ms());
	argv[0] = "ZADD";
	argv[1] = key;
	int n = 0;
	for (conn *c = r->members;; c = c->next) {
		if (c && c->role == ROLE_PLAYER) {
			lb_member(members[n], sizeof members[n], c->pid);
			argv[2 + 2 * n] = now;
			argv[3 + 2 * n] = members[n];
			n++;
		}
		if (n && (n == PENDING_CHUNK || !c)) {
			lb_commandv(r->a, NULL, NULL, 2 + 2 * n, argv, NULL);
			n = 0;
		}
		if (!c)
			break;
	}
}

/* ------------------------------------------------------------ the list */

/* One pending query on its way: the question it is about. */
typedef struct pending_req {
	crun *r; /* referenced */
	int qindex;
} pending_req;

static void pending_end(pending_req *q)
{
	q->r->pending_busy = 0;
	run_unref(q->r);
	free(q);
}

static cJSON *pending_msg(const crun *r, int qi, void *res)
{
	cJSON *o = cJSON_CreateObject(), *list;
	int64_t count = 0;
	cJSON_AddStringToObject(o, "type", "pending");
	cJSON_AddStringToObject(o, "question_id", r->qs[qi].cq->id);
	cJSON_AddNumberToObject(o, "count", 0);
	list = cJSON_AddArrayToObject(o, "players");
	for (int i = 0; i < PQntuples(res); i++) {
		int64_t pid, n;
		int online;
		const char *name = store_text(res, i, 1), *unit = store_text(res, i, 2),
			   *emp = store_text(res, i, 3);
		if (store_int(res, i, 0, 1, INT64_MAX, &pid) || !name || !unit || !emp ||
		    store_bool(res, i, 4, &online) || store_int(res, i, 5, 0, INT64_MAX, &n))
			continue;
		count = n;
		board_who w = {name, strlen(name), unit, strlen(unit), emp, strlen(emp)};
		cJSON *e = board_entry(0, pid, &w, 0);
		cJSON_DeleteItemFromObjectCaseSensitive(e, "rank");
		cJSON_DeleteItemFromObjectCaseSensitive(e, "score");
		cJSON_AddBoolToObject(e, "online", online);
		cJSON_AddItemToArray(list, e);
	}
	cJSON_SetNumberValue(cJSON_GetObjectItemCaseSensitive(o, "count"), (double)count);
	return o;
}

static void pending_rows(arena *a, void *res, const char *err, void *ud)
{
	pending_req *q = ud;
	crun *r = q->r;
	(void)a;
	if (err || !res || r->retired || r->st.phase != PHASE_QUESTION || r->st.qindex != q->qindex) {
		if (err)
			sa_log(LL_DEBUG, "contest %s: who has not answered: %s", r->code, err);
		return pending_end(q);
	}
	cJSON *o = pending_msg(r, q->qindex, res);
	frame *f = frame_from_json(o);
	cJSON_Delete(o);
	if (f && !(r->pending_frame && r->pending_frame->len == f->len &&
		   !memcmp(frame_text(r->pending_frame), frame_text(f), f->len))) {
		frame_unref(r->pending_frame);
		r->pending_frame = frame_ref(f);
		for (conn *c = r->members; c; c = c->next)
			if (c->role == ROLE_HOST)
				conn_send(c, f);
	}
	frame_unref(f);
	pending_end(q);
}

static const char pending_sql[] =
	"SELECT p.id, p.name, p.unit, right(coalesce(p.employee_no, ''), 4), o.id IS NOT NULL AS online, "
	"count(*) OVER () FROM participants p LEFT JOIN unnest($3::bigint[]) AS o(id) ON o.id = p.id "
	"WHERE p.contest_id = $1 AND NOT p.removed AND NOT EXISTS "
	"(SELECT 1 FROM answers a WHERE a.participant_id = p.id AND a.question_idx = $2) "
	"ORDER BY online, p.id LIMIT $4";

/* Those seen lately (ZRANGEBYSCORE), then who of everyone has not answered. */
static void pending_online(arena *a, void *reply, void *ud)
{
	pending_req *q = ud;
	crun *r = q->r;
	redisReply *rr = reply;
	char cid[24], qi[16], max[16];
	pgarr online;
	if (!rr || rr->type != REDIS_REPLY_ARRAY || r->retired)
		return pending_end(q);
	pgarr_init(&online);
	for (size_t i = 0; i < rr->elements; i++) {
		const redisReply *m = rr->element[i];
		int64_t pid = m->type == REDIS_REPLY_STRING ? lb_member_pid(m->str, m->len) : -1;
		if (pid > 0)
			pgarr_num(&online, pid);
	}
	snprintf(cid, sizeof cid, "%lld", (long long)r->contest_id);
	snprintf(qi, sizeof qi, "%d", q->qindex);
	snprintf(max, sizeof max, "%d", PENDING_MAX);
	const char *p[4] = {cid, qi, pgarr_end(&online), max};
	if (!p[2] || store_query(a, pending_sql, 4, p, pending_rows, q))
		pending_end(q);
	pgarr_release(&online);
}

static void pending_refresh(crun *r, int64_t now)
{
	char key[256], since[24];
	pending_req *q = calloc(1, sizeof *q);
	if (!q)
		return;
	q->r = r;
	q->qindex = r->st.qindex;
	run_ref(r);
	r->pending_busy = 1;
	r->pending_ms = now;
	lb_key(r->a, key, sizeof key, r, "seen");
	snprintf(since, sizeof since, "%lld", (long long)(now - PENDING_STALE_MS));
	if (lb_command(r->a, pending_online, q, "ZRANGEBYSCORE %s %s +inf", key, since))
		pending_end(q);
}

void pending_tick(crun *r)
{
	int64_t now = now_ms();
	if (r->retired || !lb_ready(r->a))
		return;
	if (r->nplayers_local && r->st.phase != PHASE_FINISHED && now - r->seen_ms >= PENDING_SEEN_MS) {
		r->seen_ms = now;
		seen_refresh(r);
	}
	if (r->nhosts_local && r->st.phase == PHASE_QUESTION && !r->pending_busy &&
	    now - r->pending_ms >= PENDING_EVERY_MS)
		pending_refresh(r, now);
}

void pending_send(conn *c)
{
	crun *r = c->run;
	if (r && r->pending_frame && r->st.phase == PHASE_QUESTION)
		conn_send(c, r->pending_frame);
}
