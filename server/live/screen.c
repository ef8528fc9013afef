/*
 * screen.c - the read-only roles: `watch` makes a connection a screen (a TV
 * in the hall), which only receives pushes; a screen and a host get the
 * same welcome (the contest, its state, counts and boards).
 */
#include "live/screen.h"
#include "core/err.h"
#include "live/board.h"
#include "live/host.h"
#include "live/live.h"
#include "live/members.h"
#include "live/run.h"
#include "net/msg.h"
#include "net/ws.h"

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
	if (r->lb_frame)
		conn_send_slot(c, &c->slot_lb, r->lb_frame);
	if (r->units_frame)
		conn_send(c, r->units_frame);
}

int screen_watch(msg_ctx *x)
{
	conn *c = x->c;
	int rc = 0;
	msg_lang(x);
	crun *r = screen_contest(x, &rc);
	if (rc)
		return rc;
	c->role = ROLE_SCREEN;
	members_add(r, c);
	screen_welcome(c, r, "watching", x->rid);
	return 0;
}
