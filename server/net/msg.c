/*
 * msg.c - from a complete text frame to a handler: parse, check the common
 * fields, look the type up in the message table, check the role, call.
 * Every failure answers `error` with a stable code; the connection stays.
 *
 * Adding a message is adding a row (and documenting it in docs/protocol.md).
 */
#include <string.h>

#include "core/clock.h"
#include "core/err.h"
#include "live/answer.h"
#include "live/host.h"
#include "live/members.h"
#include "live/player.h"
#include "live/validate.h"
#include "net/msg.h"
#include "net/ws.h"

static int msg_ping(msg_ctx *x)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *t = cJSON_GetObjectItemCaseSensitive(x->m, "t");
	cJSON_AddStringToObject(o, "type", "pong");
	if (x->rid)
		cJSON_AddStringToObject(o, "rid", x->rid);
	if (cJSON_IsNumber(t))
		cJSON_AddNumberToObject(o, "t", t->valuedouble);
	cJSON_AddNumberToObject(o, "server_time", (double)now_ms());
	conn_send_json(x->c, o);
	return 0;
}

static const struct msg_row {
	const char *type;
	conn_role role; /* ROLE_NONE: only before a role is taken; ROLE_ANY: always */
	int (*handler)(msg_ctx *x);
} msg_table[] = {
	{"join", ROLE_NONE, player_join},       {"resume", ROLE_NONE, player_resume},
	{"answer", ROLE_PLAYER, answer_submit}, {"host", ROLE_NONE, host_auth},
	{"start", ROLE_HOST, host_command},     {"next", ROLE_HOST, host_command},
	{"reveal", ROLE_HOST, host_command},    {"end", ROLE_HOST, host_command},
	{"watch", ROLE_NONE, screen_watch},     {"ping", ROLE_ANY, msg_ping},
};

/*
 * cJSON ends strings at an escaped NUL ("a\u0000b" reads as "a"), which
 * would let a control character through every field check. Rewrite each
 * \u0000 escape in place into \u001f (same length, still a control
 * character) so that the checks see and refuse it.
 */
static void unescape_nul_guard(char *buf, size_t len)
{
	int in_str = 0;
	for (size_t i = 0; i < len; i++) {
		if (buf[i] == '"')
			in_str = !in_str;
		else if (in_str && buf[i] == '\\' && i + 1 < len) {
			if (buf[i + 1] == 'u' && i + 5 < len && !memcmp(buf + i + 2, "0000", 4)) {
				buf[i + 4] = '1';
				buf[i + 5] = 'f';
			}
			i++; /* skip the escaped character */
		}
	}
}

/* Only whitespace may follow the JSON value. */
static int only_space(const char *p, const char *end)
{
	for (; p < end; p++)
		if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
			return 0;
	return 1;
}

void msg_dispatch(conn *c, char *buf, size_t len, int64_t recv_ms)
{
	const char *rid = NULL, *end = NULL;
	int rc;

	unescape_nul_guard(buf, len);
	cJSON *m = cJSON_ParseWithLengthOpts(buf, len, &end, 0);
	if (m && !only_space(end, buf + len)) {
		cJSON_Delete(m);
		m = NULL;
	}
	if (!m || !cJSON_IsObject(m)) {
		conn_send_error(c, SA_E_BAD_JSON, NULL, NULL);
		cJSON_Delete(m);
		return;
	}
	cJSON *jrid = cJSON_GetObjectItemCaseSensitive(m, "rid");
	if (jrid) {
		if (!cJSON_IsString(jrid) || validate_rid(jrid->valuestring)) {
			conn_send_error(c, SA_E_INVALID_FIELD, NULL, "rid");
			cJSON_Delete(m);
			return;
		}
		rid = jrid->valuestring;
	}
	cJSON *type = cJSON_GetObjectItemCaseSensitive(m, "type");
	if (!cJSON_IsString(type)) {
		conn_send_error(c, SA_E_BAD_MESSAGE, rid, "type");
		cJSON_Delete(m);
		return;
	}
	const struct msg_row *row = NULL;
	for (size_t i = 0; i < sizeof msg_table / sizeof msg_table[0]; i++)
		if (!strcmp(msg_table[i].type, type->valuestring)) {
			row = &msg_table[i];
			break;
		}
	if (!row) {
		conn_send_error(c, SA_E_UNKNOWN_TYPE, rid, NULL);
		cJSON_Delete(m);
		return;
	}
	if (row->role != ROLE_ANY && row->role != c->role) {
		if (row->role == ROLE_NONE)
			rc = c->role == ROLE_PLAYER &&
					     (row->handler == player_join || row->handler == player_resume)
				     ? SA_E_ALREADY_JOINED
				     : SA_E_FORBIDDEN;
		else
			rc = row->role == ROLE_PLAYER && c->role == ROLE_NONE ? SA_E_NOT_JOINED
									      : SA_E_FORBIDDEN;
		conn_send_error(c, rc, rid, NULL);
		cJSON_Delete(m);
		return;
	}
	msg_ctx x = {.c = c, .m = m, .rid = rid, .recv_ms = recv_ms};
	rc = row->handler(&x);
	if (rc < 0)
		conn_send_error(c, rc, rid, NULL);
	cJSON_Delete(m);
}

void msg_closed(conn *c)
{
	if (c->run)
		members_remove(c->run, c);
}

/* Field helpers for handlers: a present field of the wrong type is bad_message. */
const char *msg_string(msg_ctx *x, const char *name, int required, int *rc)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(x->m, name);
	if (!v) {
		if (required)
			*rc = SA_E_BAD_MESSAGE;
		return NULL;
	}
	if (!cJSON_IsString(v)) {
		*rc = SA_E_BAD_MESSAGE;
		return NULL;
	}
	return v->valuestring;
}

void msg_lang(msg_ctx *x)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(x->m, "lang");
	if (cJSON_IsString(v))
		x->c->lang_en = !strncmp(v->valuestring, "en", 2);
}
