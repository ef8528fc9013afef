/*
 * session.c - one live connection per participant.
 *
 * The newest connection of a participant wins: when a connection joins or
 * resumes as participant P, an earlier connection of P on this process
 * leaves the contest at once and is closed with 4001 ("replaced"); a resume
 * (or a join that continued P) is also announced on the event channel, and
 * every other process closes its connection of P if it took its seat
 * earlier (`at`, the server clock; equal times: the instance name decides),
 * so that two processes that each got a connection of P at once keep only
 * the later. Seat times are a Lamport clock (a->seat_clock): a seat taken
 * after an announcement was read is stamped later than it even within the
 * same millisecond, so that both processes order the two seats alike. The replaced page says so and does not reconnect by itself
 * (docs/protocol.md, "One connection per participant").
 *
 * Which device may continue a participant by `join` is the participant's
 * device key (live/player.c); `release` is the organizer's permission for
 * the next join with that employee number and name to continue it from
 * another device.
 */
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "live/members.h"
#include "live/pending.h"
#include "live/session.h"
#include "live/validate.h"
#include "net/ws.h"
#include "store/audit.h"
#include "store/lb.h"
#include "store/store.h"

static void replace(crun *r, conn *old)
{
	members_remove(r, old);
	old->role = ROLE_NONE;
	conn_close(old, WS_CLOSE_REPLACED, "replaced: this participant connected again elsewhere");
}

/* Tells the other processes that pid took a seat here now. */
static void announce_seat(crun *r, int64_t pid, int64_t at)
{
	cJSON *e = cJSON_CreateObject();
	cJSON_AddStringToObject(e, "ev", "player");
	cJSON_AddStringToObject(e, "code", r->code);
	cJSON_AddNumberToObject(e, "pid", (double)pid);
	cJSON_AddNumberToObject(e, "at", (double)at);
	cJSON_AddStringToObject(e, "instance", r->a->cfg.instance);
	char *json = cJSON_PrintUnformatted(e);
	cJSON_Delete(e);
	if (!json || lb_publish(r->a, json))
		sa_log(LL_INFO, "contest %s: participant %lld resumed; other processes not told (redis down)",
		       r->code, (long long)pid);
	cJSON_free(json);
}

void session_seat(conn *c, crun *r, int64_t pid, int announce)
{
	c->role = ROLE_PLAYER;
	c->pid = pid;
	int64_t now = now_ms();
	c->seated_ms = now > r->a->seat_clock ? now : r->a->seat_clock + 1;
	r->a->seat_clock = c->seated_ms;
	conn_took_role(c);
	conn *old = members_find_player(r, pid);
	if (old && old != c)
		replace(r, old);
	members_add(r, c);
	pending_seen(r, pid); /* online, for the hosts' list */
	conn_ping(c);         /* a first round-trip sample before any answer (live/answer.c) */
	if (announce)
		announce_seat(r, pid, c->seated_ms);
}

#define EV_NUM_MAX ((double)((int64_t)1 << 53))

static int num_field(const cJSON *e, const char *name, int64_t *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, name);
	if (!cJSON_IsNumber(v) || v->valuedouble < 1 || v->valuedouble > EV_NUM_MAX ||
	    v->valuedouble != (double)(int64_t)v->valuedouble)
		return -1;
	*out = (int64_t)v->valuedouble;
	return 0;
}

const char *session_event(arena *a, const cJSON *e)
{
	const cJSON *code = cJSON_GetObjectItemCaseSensitive(e, "code");
	const cJSON *inst = cJSON_GetObjectItemCaseSensitive(e, "instance");
	char norm[17];
	int64_t pid, at;
	if (!cJSON_IsString(code) || validate_code(code->valuestring, norm))
		return "code";
	if (num_field(e, "pid", &pid))
		return "pid";
	if (num_field(e, "at", &at))
		return "at";
	if (!cJSON_IsString(inst))
		return "instance";
	int cmp = strcmp(inst->valuestring, a->cfg.instance);
	if (!cmp)
		return NULL; /* our own: replaced here already */
	if (at > a->seat_clock)
		a->seat_clock = at;
	crun *r = run_find(a, norm);
	conn *c = r ? members_find_player(r, pid) : NULL;
	if (c && (c->seated_ms < at || (c->seated_ms == at && cmp > 0))) {
		sa_log(LL_INFO, "contest %s: participant %lld continued on %s; closing connection %llu",
		       r->code, (long long)pid, inst->valuestring, (unsigned long long)c->id);
		replace(r, c);
	}
	return NULL;
}

/* ------------------------------------------------------------ release */

typedef struct release_req {
	conn *c;
	char code[24]; /* its contest (c->run goes when c closes) */
	char rid[65];
} release_req;

static void released(arena *a, void *res, const char *err, void *ud)
{
	release_req *q = ud;
	conn *c = q->c;
	const char *rid = q->rid[0] ? q->rid : NULL;
	if (!err && PQntuples(res) == 1) { /* done, whether c is still there or not */
		cJSON *after = cJSON_CreateObject();
		char target[48];
		snprintf(target, sizeof target, "participant %s", PQgetvalue(res, 0, 0));
		cJSON_AddStringToObject(after, "name", PQgetvalue(res, 0, 1));
		cJSON_AddStringToObject(after, "employee_no", PQgetvalue(res, 0, 2));
		cJSON_AddBoolToObject(after, "released", 1);
		audit_write(a, c->who, "host.release", q->code, target, NULL, after);
		cJSON_Delete(after);
	}
	if (c->wsi) {
		if (err)
			conn_send_error(c, SA_E_UNAVAILABLE, rid, NULL);
		else if (PQntuples(res) != 1)
			conn_send_error(c, SA_E_NOT_FOUND, rid, "participant_id, employee_no");
		else {
			cJSON *o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "type", "ok");
			if (rid)
				cJSON_AddStringToObject(o, "rid", rid);
			cJSON_AddNumberToObject(o, "participant_id", atof(PQgetvalue(res, 0, 0)));
			cJSON_AddStringToObject(o, "name", PQgetvalue(res, 0, 1));
			cJSON_AddStringToObject(o, "employee_no", PQgetvalue(res, 0, 2));
			conn_send_json(c, o);
			sa_log(LL_INFO, "contest %s: participant %s released by the organizer", c->run->code,
			       PQgetvalue(res, 0, 0));
		}
	}
	conn_unref(c);
	free(q);
}

int session_release(msg_ctx *x)
{
	conn *c = x->c;
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(x->m, "participant_id");
	const cJSON *emp = cJSON_GetObjectItemCaseSensitive(x->m, "employee_no");
	char cid[24], pid[24] = "0";
	if (cJSON_IsNumber(id) && id->valuedouble >= 1 && id->valuedouble < EV_NUM_MAX)
		snprintf(pid, sizeof pid, "%lld", (long long)id->valuedouble);
	else if (id || !cJSON_IsString(emp) || !emp->valuestring[0] ||
		 validate_employee_no(emp->valuestring, NULL)) {
		conn_send_error(c, id || emp ? SA_E_INVALID_FIELD : SA_E_BAD_MESSAGE, x->rid,
				"participant_id, employee_no");
		return 0;
	}
	release_req *q = calloc(1, sizeof *q);
	if (!q)
		return SA_E_INTERNAL;
	q->c = c;
	snprintf(q->code, sizeof q->code, "%s", c->run->code);
	if (x->rid)
		snprintf(q->rid, sizeof q->rid, "%s", x->rid);
	snprintf(cid, sizeof cid, "%lld", (long long)c->run->contest_id);
	const char *p[3] = {cid, pid, cJSON_IsString(emp) ? emp->valuestring : ""};
	conn_ref(c);
	int rc = store_query(c->a,
			     "UPDATE participants SET released = true WHERE contest_id = $1 AND "
			     "(id = $2 OR ($2 = 0 AND employee_no = $3)) "
			     "RETURNING id, name, coalesce(employee_no, '')",
			     3, p, released, q);
	if (rc) {
		conn_unref(c);
		free(q);
	}
	return rc;
}
