/*
 * moderate.c - the host's hand on the participants: `remove` (a bot, someone
 * playing in another's place) and `rename` (a typo, a name that should not
 * be on the hall's screen).
 *
 * Each changes the participant's row in PostgreSQL first (the truth: answer
 * commits, joins, resumes and the boards' fallback read it), then the
 * contest's derived state in Redis (the boards), then tells every process
 * over the event channel; the process holding the participant's connection
 * acts on it:
 *
 *   remove  participants.removed: off the sorted sets, the names hash and the
 *           online set; its connection gets `removed` and is closed (4004);
 *           its token (resume), its employee number (join) and any answer
 *           still on its way are refused `removed`, until the organizer's
 *           `release` lets a join with its employee number and name continue
 *           it (back on the boards with its score: live/player.c). Its
 *           answers stay stored; reveals count them no more.
 *   rename  participants.name, checked as a join's name: the names hash
 *           (every board at its next read) and the player's own page
 *           (`renamed`). A later join with its employee number must use the
 *           new name.
 *
 * Like the state commands (live/host.c) they need Redis: without it the
 * other processes would not hear of them now. Each goes to the audit log
 * (host.remove, host.rename) with the host who did it.
 */
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "live/board.h"
#include "live/members.h"
#include "live/moderate.h"
#include "live/run.h"
#include "live/validate.h"
#include "net/ws.h"
#include "store/audit.h"
#include "store/lb.h"
#include "store/store.h"

#define MOD_ID_MAX ((double)((int64_t)1 << 53))

/* A host's `remove` or `rename` on its way to PostgreSQL. */
typedef struct mod_req {
	conn *c; /* the host, referenced */
	crun *r; /* referenced */
	int64_t pid;
	char *name; /* rename: the new name, checked and trimmed; owned */
	char rid[65];
} mod_req;

static void mod_free(mod_req *q)
{
	conn_unref(q->c);
	run_unref(q->r);
	free(q->name);
	free(q);
}

/* A whole participant id in a message or an event: 0 and *pid, or -1. */
static int id_field(const cJSON *o, const char *name, int64_t *pid)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
	if (!cJSON_IsNumber(v) || v->valuedouble < 1 || v->valuedouble > MOD_ID_MAX ||
	    v->valuedouble != (double)(int64_t)v->valuedouble)
		return -1;
	*pid = (int64_t)v->valuedouble;
	return 0;
}

static void reply_ok(mod_req *q, const char *name)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "type", "ok");
	if (q->rid[0])
		cJSON_AddStringToObject(o, "rid", q->rid);
	cJSON_AddNumberToObject(o, "participant_id", (double)q->pid);
	cJSON_AddStringToObject(o, "name", name);
	conn_send_json(q->c, o);
}

/* Tells every other process (they skip their own instance's events). */
static void publish(crun *r, const char *ev, int64_t pid, const char *name)
{
	cJSON *e = cJSON_CreateObject();
	cJSON_AddStringToObject(e, "ev", ev);
	cJSON_AddStringToObject(e, "code", r->code);
	cJSON_AddNumberToObject(e, "pid", (double)pid);
	if (name)
		cJSON_AddStringToObject(e, "name", name);
	cJSON_AddStringToObject(e, "instance", r->a->cfg.instance);
	char *json = cJSON_PrintUnformatted(e);
	cJSON_Delete(e);
	if (!json || lb_publish(r->a, json))
		sa_log(LL_WARN,
		       "contest %s: %s of participant %lld not published: other processes learn it late",
		       r->code, ev, (long long)pid);
	cJSON_free(json);
}

/* The audit log's entry of a done remove (name: the name it had) or rename (the new one). */
static void mod_audit(const mod_req *q, const char *action, const char *name)
{
	char target[48];
	cJSON *after = cJSON_CreateObject();
	snprintf(target, sizeof target, "participant %lld", (long long)q->pid);
	cJSON_AddStringToObject(after, "name", name);
	if (!q->name)
		cJSON_AddBoolToObject(after, "removed", 1);
	audit_write(q->r->a, q->c->who, action, q->r->code, target, NULL, after);
	cJSON_Delete(after);
}

/* ------------------------------------------------------------ remove */

/* The participant's connection on this process, if any, leaves with a reason. */
static void kick(crun *r, int64_t pid)
{
	conn *c = members_find_player(r, pid);
	if (!c)
		return;
	conn_send_error(c, SA_E_REMOVED, NULL, NULL);
	members_remove(r, c);
	c->role = ROLE_NONE;
	conn_close(c, WS_CLOSE_KICKED, "removed by the host");
}

static void removed_done(arena *a, void *res, const char *err, void *ud)
{
	mod_req *q = ud;
	crun *r = q->r;
	const char *rid = q->rid[0] ? q->rid : NULL;
	if (err || PQntuples(res) != 1 || !store_text(res, 0, 0)) {
		/* no name: not there, or removed already (another host, another tab): say which */
		int was = !err && PQntuples(res) == 1 && !PQgetisnull(res, 0, 1);
		if (q->c->wsi)
			conn_send_error(q->c,
					err   ? SA_E_UNAVAILABLE
					: was ? SA_E_CONFLICT
					      : SA_E_NOT_FOUND,
					rid, "participant_id");
		return mod_free(q);
	}
	char member[24], key[256];
	static const char *const sets[] = {"lb", "shown", "seen"};
	lb_member(member, sizeof member, q->pid);
	for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++) {
		lb_key(a, key, sizeof key, r, sets[i]);
		lb_command(a, NULL, NULL, "ZREM %s %s", key, member);
	}
	lb_key(a, key, sizeof key, r, "who");
	lb_command(a, NULL, NULL, "HDEL %s %s", key, member);
	r->stats_dirty = 1;
	kick(r, q->pid);
	publish(r, "removed", q->pid, NULL);
	sa_log(LL_INFO, "contest %s: participant %lld removed by the host", r->code, (long long)q->pid);
	mod_audit(q, "host.remove", store_text(res, 0, 0));
	if (q->c->wsi)
		reply_ok(q, store_text(res, 0, 0));
	mod_free(q);
}

/* The request both commands start with; NULL when it cannot (the error sent, *rc 0) or *rc. */
static mod_req *mod_begin(msg_ctx *x, int *rc)
{
	conn *c = x->c;
	int64_t pid;
	*rc = 0;
	if (id_field(x->m, "participant_id", &pid)) {
		conn_send_error(c,
				cJSON_GetObjectItemCaseSensitive(x->m, "participant_id") ? SA_E_INVALID_FIELD
											 : SA_E_BAD_MESSAGE,
				x->rid, "participant_id");
		return NULL;
	}
	if (!lb_subscribed(c->a)) { /* the other processes would not hear of it now */
		*rc = SA_E_UNAVAILABLE;
		return NULL;
	}
	mod_req *q = calloc(1, sizeof *q);
	if (!q) {
		*rc = SA_E_INTERNAL;
		return NULL;
	}
	q->c = c;
	q->r = c->run;
	q->pid = pid;
	conn_ref(c);
	run_ref(q->r);
	if (x->rid)
		snprintf(q->rid, sizeof q->rid, "%s", x->rid);
	return q;
}

int moderate_remove(msg_ctx *x)
{
	int rc;
	mod_req *q = mod_begin(x, &rc);
	if (!q)
		return rc;
	char cid[24], pid[24];
	snprintf(cid, sizeof cid, "%lld", (long long)q->r->contest_id);
	snprintf(pid, sizeof pid, "%lld", (long long)q->pid);
	const char *p[2] = {cid, pid};
	if ((rc = store_query(
		     x->c->a,
		     "WITH o AS (SELECT id, removed FROM participants WHERE contest_id = $1 AND id = $2 "
		     "  FOR UPDATE), "
		     "u AS (UPDATE participants p SET removed = true, released = false FROM o "
		     "  WHERE p.id = o.id AND NOT o.removed RETURNING p.name) "
		     "SELECT (SELECT name FROM u), (SELECT removed FROM o)",
		     2, p, removed_done, q)))
		mod_free(q);
	return rc;
}

/* ------------------------------------------------------------ rename */

/* The participant's connection on this process, if any, learns its new name. */
static void tell_name(crun *r, int64_t pid, const char *name)
{
	conn *c = members_find_player(r, pid);
	char *copy = c ? strdup(name) : NULL;
	if (!copy)
		return;
	free(c->name);
	c->name = copy;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "type", "renamed");
	cJSON_AddNumberToObject(o, "participant_id", (double)pid);
	cJSON_AddStringToObject(o, "name", name);
	conn_send_json(c, o);
}

static void renamed_done(arena *a, void *res, const char *err, void *ud)
{
	mod_req *q = ud;
	crun *r = q->r;
	const char *rid = q->rid[0] ? q->rid : NULL, *unit = store_text(res, 0, 0),
		   *emp = store_text(res, 0, 1);
	if (err || PQntuples(res) != 1 || !unit || !emp) {
		if (q->c->wsi)
			conn_send_error(q->c, err ? SA_E_UNAVAILABLE : SA_E_NOT_FOUND, rid, "participant_id");
		return mod_free(q);
	}
	char member[24], key[256], tail[5];
	lb_member(member, sizeof member, q->pid);
	board_emp_tail(emp, tail);
	lb_key(a, key, sizeof key, r, "who");
	lb_command(a, NULL, NULL, "HSET %s %s %s\t%s\t%s", key, member, q->name, unit, tail);
	tell_name(r, q->pid, q->name);
	publish(r, "renamed", q->pid, q->name);
	sa_log(LL_INFO, "contest %s: participant %lld renamed by the host", r->code, (long long)q->pid);
	mod_audit(q, "host.rename", q->name);
	if (q->c->wsi)
		reply_ok(q, q->name);
	mod_free(q);
}

int moderate_rename(msg_ctx *x)
{
	int rc = 0;
	char *name = NULL;
	const char *given = msg_string(x, "name", 1, &rc);
	if (rc) {
		conn_send_error(x->c, rc, x->rid, "name");
		return 0;
	}
	if ((rc = validate_name(given, &name)))
		return rc;
	mod_req *q = mod_begin(x, &rc);
	if (!q) {
		free(name);
		return rc;
	}
	q->name = name;
	char cid[24], pid[24];
	snprintf(cid, sizeof cid, "%lld", (long long)q->r->contest_id);
	snprintf(pid, sizeof pid, "%lld", (long long)q->pid);
	const char *p[3] = {cid, pid, name};
	if ((rc = store_query(
		     x->c->a,
		     "UPDATE participants SET name = $3 WHERE contest_id = $1 AND id = $2 AND NOT removed "
		     "RETURNING unit, coalesce(employee_no, '')",
		     3, p, renamed_done, q)))
		mod_free(q);
	return rc;
}

/* ------------------------------------------------------------ events */

/* The contest and participant of an event, unless it is this process' own. */
static const char *event_target(arena *a, const cJSON *e, crun **r, int64_t *pid)
{
	const cJSON *code = cJSON_GetObjectItemCaseSensitive(e, "code");
	const cJSON *inst = cJSON_GetObjectItemCaseSensitive(e, "instance");
	char norm[17];
	*r = NULL;
	if (!cJSON_IsString(code) || validate_code(code->valuestring, norm))
		return "code";
	if (id_field(e, "pid", pid))
		return "pid";
	if (!cJSON_IsString(inst))
		return "instance";
	if (strcmp(inst->valuestring, a->cfg.instance)) /* ours: done already */
		*r = run_find(a, norm);
	return NULL;
}

const char *moderate_removed_event(arena *a, const cJSON *e)
{
	crun *r;
	int64_t pid;
	const char *bad = event_target(a, e, &r, &pid);
	if (!bad && r) {
		kick(r, pid);
		r->stats_dirty = 1;
	}
	return bad;
}

const char *moderate_renamed_event(arena *a, const cJSON *e)
{
	crun *r;
	int64_t pid;
	const char *bad = event_target(a, e, &r, &pid);
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(e, "name");
	char *checked = NULL;
	if (bad)
		return bad;
	/* a name as a join's, and as it was checked: trimmed already */
	if (!cJSON_IsString(name) || validate_name(name->valuestring, &checked) ||
	    strcmp(checked, name->valuestring)) {
		free(checked);
		return "name";
	}
	if (r)
		tell_name(r, pid, checked);
	free(checked);
	return NULL;
}
