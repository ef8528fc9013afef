/*
 * screen.c - the read-only roles: `watch` makes a connection a screen (a TV
 * in the hall), which only receives pushes; a screen and a host get the
 * same welcome (the contest, its state, counts and boards).
 *
 * A contest with a screen key (contests.screen_key, set by the console) is
 * watched only with that key (the `key` field, from the screen URL) or by a
 * console session with access to the contest (the message table's access:
 * admin, owner, any grant); one without (contest files, until an organizer
 * sets one) is watched by anyone, as before. The key is read from
 * PostgreSQL at every watch, so a rotated key counts at once on every
 * process. Wrong keys count as failed logins of the address.
 */
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "core/auth.h"
#include "core/err.h"
#include "live/board.h"
#include "live/host.h"
#include "live/live.h"
#include "live/members.h"
#include "live/run.h"
#include "live/screen.h"
#include "net/msg.h"
#include "net/ws.h"
#include "store/store.h"

crun *screen_contest(msg_ctx *x, int *rc)
{
	const char *jcode = msg_string(x, "code", 1, rc);
	if (*rc)
		return NULL;
	crun *r = run_find(x->c->a, jcode);
	if (!r)
		*rc = SA_E_UNKNOWN_CONTEST;
	return r;
}

void screen_welcome(conn *c, crun *r, const char *type, const char *rid)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "type", type);
	if (rid)
		cJSON_AddStringToObject(o, "rid", rid);
	cJSON_AddItemReferenceToObject(o, "contest", r->info);
	conn_send_json(c, o);
	live_send_snapshot(c);
	board_send_stats(c);
	board_send_top(c); /* a screen gets none while the host hides it */
	if (r->units_frame && (c->role == ROLE_HOST || !r->st.board_hidden))
		conn_send(c, r->units_frame);
}

/* A watch on its way (the key read, maybe a session checked); c is referenced and busy. */
typedef struct watch_req {
	conn *c; /* referenced */
	crun *r; /* referenced */
	auth_access access;
	char key[80];
	int has_key;
	char rid[65];
} watch_req;

static void watch_end(watch_req *w, int rc, const auth_principal *p)
{
	conn *c = w->c;
	const char *rid = w->rid[0] ? w->rid : NULL;
	c->busy = 0;
	if (!rc && w->r->retired)
		rc = w->r->retired; /* archived, deleted or reset meanwhile */
	if (c->wsi && !c->close_status && c->role == ROLE_NONE) {
		if (!rc && p && p->via != AUTH_VIA_NONE && !(c->who = malloc(sizeof *c->who)))
			rc = SA_E_INTERNAL;
		if (rc)
			conn_send_error(c, rc, rid, rc == SA_E_FORBIDDEN ? "key" : NULL);
		else {
			if (c->who)
				*c->who = *p;
			c->role = ROLE_SCREEN;
			members_add(w->r, c);
			screen_welcome(c, w->r, "watching", rid);
			conn_took_role(c);
		}
	}
	conn_unref(c);
	run_unref(w->r);
	free(w);
}

static void watch_checked(arena *a, int rc, const auth_principal *p, void *ud)
{
	(void)a;
	watch_end(ud, rc ? SA_E_FORBIDDEN : 0, p);
}

static void key_read(arena *a, void *res, const char *err, void *ud)
{
	watch_req *w = ud;
	conn *c = w->c;
	if (err || PQntuples(res) != 1) {
		watch_end(w, err ? SA_E_UNAVAILABLE : SA_E_UNKNOWN_CONTEST, NULL);
		return;
	}
	const char *key = PQgetvalue(res, 0, 0);
	if (PQgetisnull(res, 0, 0) || !*key || (w->has_key && auth_token_equal(key, w->key))) {
		watch_end(w, 0, NULL);
		return;
	}
	if (w->has_key)
		conn_login_failed(c, w->r->code, "screen key");
	if (!c->session) {
		watch_end(w, SA_E_FORBIDDEN, NULL);
		return;
	}
	auth_cred cred = {.session = c->session, .addr = c->addr};
	auth_check(a, &cred, w->access, w->r->code, watch_checked, w);
}

int screen_watch(msg_ctx *x)
{
	conn *c = x->c;
	int rc = 0;
	msg_lang(x);
	crun *r = screen_contest(x, &rc);
	const char *key = msg_string(x, "key", 0, &rc);
	if (rc)
		return rc;
	if (c->busy)
		return SA_E_BAD_STATE;
	if (key && (rc = conn_login_allowed(c)))
		return rc;
	watch_req *w = calloc(1, sizeof *w);
	if (!w)
		return SA_E_INTERNAL;
	w->c = c;
	w->r = r;
	run_ref(r);
	w->access = x->access;
	w->has_key = key != NULL;
	if (key && strlen(key) < sizeof w->key) /* a longer one is wrong: no stored key is that long */
		snprintf(w->key, sizeof w->key, "%s", key);
	if (x->rid)
		snprintf(w->rid, sizeof w->rid, "%s", x->rid);
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)r->contest_id);
	const char *p[1] = {id};
	conn_ref(c);
	c->busy = 1;
	if ((rc = store_query(c->a, "SELECT screen_key FROM contests WHERE id = $1", 1, p, key_read, w))) {
		c->busy = 0;
		conn_unref(c);
		run_unref(r);
		free(w);
	}
	return rc;
}
