/*
 * events.c - what the other server processes tell this one over the Redis
 * channel (<prefix>events, store/lb.c subscribes): a table of event types,
 * each with its handler. Another process wrote the event (or anyone who can
 * reach Redis), so every field is checked before a handler sees it; a
 * malformed event is logged and dropped.
 *
 *   {"ev":"state","code":C,"phase":P,"qindex":I,"open_ms":..,"deadline_ms":..,
 *    "started_ms":..,"paused_ms":..,"board_hidden":B,"seq":N[,"reveal":{...}]}
 *        a host changed contest C's live state (host.c publishes it,
 *        live_event_json builds it) -> live_apply
 *   {"ev":"contest","code":C}
 *        a contest was uploaded on another process (load.c)
 *   {"ev":"changed","code":C[,"what":W]}
 *        contest C changed in PostgreSQL outside a host command (the
 *        command line's archive, delete, reset: store/admin.c)
 *        -> both: PostgreSQL's contests table is re-read (sync.c), which
 *        loads, retires or resets it; the event itself is trusted for
 *        nothing but "look now"
 *   {"ev":"player","code":C,"pid":N,"at":MS,"instance":I}
 *        participant N took a seat on process I -> session_event closes ours
 *   {"ev":"removed","code":C,"pid":N,"instance":I}
 *   {"ev":"renamed","code":C,"pid":N,"name":S,"instance":I}
 *        the host removed or renamed participant N (live/moderate.c): the
 *        process holding its connection closes it, or tells it its name
 *
 * Adding an event is adding a row (and its builder where it is published).
 */
#include <math.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/log.h"
#include "live/events.h"
#include "live/live.h"
#include "live/moderate.h"
#include "live/phase.h"
#include "live/rebuild.h"
#include "live/run.h"
#include "live/session.h"
#include "live/sync.h"
#include "live/validate.h"
#include "store/lb.h"

/* A whole-number field in [lo, hi]. */
static int int_field(const cJSON *e, const char *name, int64_t lo, int64_t hi, int64_t *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, name);
	if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) || v->valuedouble < (double)lo ||
	    v->valuedouble > (double)hi)
		return SA_E_INVALID_FIELD;
	*out = (int64_t)v->valuedouble;
	return 0;
}

static const char *str_field(const cJSON *e, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, name);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

#define EV_TIME_MAX ((int64_t)1 << 53) /* epoch ms and seq: exact as a JSON number */

/* A state of contest r, every field checked; NULL, or the first bad field. */
static const char *state_fields(const cJSON *e, const crun *r, live_state *st)
{
	int64_t qi;
	if (phase_parse(str_field(e, "phase"), &st->phase))
		return "phase";
	if (int_field(e, "qindex", -1, INT32_MAX, &qi))
		return "qindex";
	st->qindex = (int)qi;
	if (int_field(e, "open_ms", 0, EV_TIME_MAX, &st->open_ms))
		return "open_ms";
	if (int_field(e, "deadline_ms", 0, EV_TIME_MAX, &st->deadline_ms))
		return "deadline_ms";
	if (int_field(e, "started_ms", 0, EV_TIME_MAX, &st->started_ms))
		return "started_ms";
	/* paused_ms and board_hidden: 0 and false when absent (a process of the version before) */
	st->paused_ms = 0;
	if (cJSON_GetObjectItemCaseSensitive(e, "paused_ms") &&
	    int_field(e, "paused_ms", 0, EV_TIME_MAX, &st->paused_ms))
		return "paused_ms";
	const cJSON *hidden = cJSON_GetObjectItemCaseSensitive(e, "board_hidden");
	if (hidden && !cJSON_IsBool(hidden))
		return "board_hidden";
	st->board_hidden = cJSON_IsTrue(hidden);
	if (int_field(e, "seq", 0, EV_TIME_MAX, &st->seq))
		return "seq";
	const cJSON *reveal = cJSON_GetObjectItemCaseSensitive(e, "reveal");
	if (reveal && !cJSON_IsNull(reveal) && !cJSON_IsObject(reveal))
		return "reveal";
	return phase_check(st, r->nq);
}

static const char *on_state(arena *a, const cJSON *e)
{
	const char *code = str_field(e, "code");
	char norm[17];
	live_state st;
	if (!code || validate_code(code, norm))
		return "code";
	crun *r = run_find(a, norm);
	if (!r)
		return NULL; /* a contest this process does not serve (yet) */
	const char *bad = state_fields(e, r, &st);
	if (bad)
		return bad;
	const cJSON *reveal = cJSON_GetObjectItemCaseSensitive(e, "reveal");
	live_apply(r, &st, cJSON_IsObject(reveal) ? reveal : NULL);
	return NULL;
}

static const char *on_changed(arena *a, const cJSON *e)
{
	const char *code = str_field(e, "code");
	char norm[17];
	if (!code || validate_code(code, norm))
		return "code";
	sync_now(a);
	return NULL;
}

static const struct event_type {
	const char *ev;
	/* Returns NULL, or the name of the field that made the event malformed. */
	const char *(*handle)(arena *a, const cJSON *e);
} event_types[] = {
	{"state", on_state},
	{"contest", on_changed},
	{"changed", on_changed},
	{"player", session_event},           /* a participant continued on another process (live/session.c) */
	{"removed", moderate_removed_event}, /* live/moderate.c */
	{"renamed", moderate_renamed_event},
};

void events_dispatch(arena *a, const char *json, size_t len)
{
	cJSON *e = cJSON_ParseWithLength(json, len);
	const char *ev = cJSON_IsObject(e) ? str_field(e, "ev") : NULL, *bad = "ev";
	for (size_t i = 0; ev && i < sizeof event_types / sizeof event_types[0]; i++)
		if (!strcmp(ev, event_types[i].ev)) {
			bad = event_types[i].handle(a, e);
			break;
		}
	if (bad)
		sa_log(LL_WARN, "event dropped: field '%s' missing or invalid: %.*s", bad,
		       len > 200 ? 200 : (int)len, json);
	cJSON_Delete(e);
}

/* Subscribed (again): whatever was published meanwhile was missed. */
void events_missed(arena *a) { sync_now(a); }

/* Redis (again): whatever happened meanwhile, PostgreSQL has it. */
static void events_connected(arena *a)
{
	for (int i = 0; i < a->nruns; i++)
		rebuild_contest(a->runs[i]);
}

const lb_channel events_channel = {events_dispatch, events_missed, events_connected};
