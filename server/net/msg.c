/*
 * msg.c - from a complete text frame to a handler: parse, check the common
 * fields, look the type up in the message table, check the role, call.
 * Every failure answers `error` with a stable code; the connection stays.
 *
 * Adding a message is adding a row (and documenting it in docs/protocol.md).
 * A type may have one row per role: `resume` is a player's way back in, and
 * a host's command to let a paused question run again.
 */
#include <assert.h>
#include <string.h>

#include "core/clock.h"
#include "core/err.h"
#include "live/answer.h"
#include "live/attempt.h"
#include "live/host.h"
#include "live/mass.h"
#include "live/members.h"
#include "live/moderate.h"
#include "live/player.h"
#include "live/practice.h"
#include "live/result.h"
#include "live/run.h"
#include "live/save.h"
#include "live/screen.h"
#include "live/selfpaced.h"
#include "live/session.h"
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

/*
 * The message table. role: who may send it (ROLE_NONE: only before a role is
 * taken, ROLE_ANY: anyone); refuse: the error a connection of another role
 * gets, by its role (0: forbidden); arg: handed to the handler as x->arg;
 * modes: the contest modes it belongs to (MODES_*; 0: every mode; checked
 * once the connection is in a contest). Rows of one type are adjacent: the
 * first whose role and modes fit is called; none of the mode's: wrong_mode.
 * access: for a message that takes a role, who may take it (core/auth.h:
 * the handler runs auth_check with it; watch also passes with the contest's
 * screen key), handed to the handler as x->access.
 */
struct msg_row {
	const char *type;
	conn_role role;
	int (*handler)(msg_ctx *x);
	int arg;
	unsigned modes;
	int refuse[ROLE_ANY];
	auth_access access;
};

#define MODE_BIT(m) (1u << (m))
#define MODES_LIVE MODE_BIT(MODE_LIVE)
#define MODES_ATTEMPTS (MODE_BIT(MODE_EXAM) | MODE_BIT(MODE_MASS))
#define MODES_PRACTICE MODE_BIT(MODE_PRACTICE)
/* Who may host a contest, and who may watch it without its screen key. */
#define HOST_ACCESS                          \
	{                                    \
		AUTH_CONTEST, AUTH_ORGANIZER \
	}
#define WATCH_ACCESS                                                                  \
	{                                                                             \
		AUTH_CONTEST, AUTH_ORGANIZER | AUTH_JUDGE | AUTH_SCREEN | AUTH_VIEWER \
	}

#define ROW(t, r, h) .type = t, .role = r, .handler = h
#define PLAYER(t, h, m)                                                                         \
	{                                                                                       \
		ROW(t, ROLE_PLAYER, h), .modes = m, .refuse = { [ROLE_NONE] = SA_E_NOT_JOINED } \
	}
static const struct msg_row msg_table[] = {
	{ROW("join", ROLE_NONE, player_join), .refuse = {[ROLE_PLAYER] = SA_E_ALREADY_JOINED}},
	{ROW("resume", ROLE_NONE, player_resume), .refuse = {[ROLE_PLAYER] = SA_E_ALREADY_JOINED}},
	PLAYER("answer", answer_submit, MODES_LIVE),
	PLAYER("answer", practice_answer, MODES_PRACTICE),
	PLAYER("attempts", attempt_list, MODES_ATTEMPTS),
	PLAYER("attempt_start", attempt_start, MODES_ATTEMPTS),
	PLAYER("save", save_answer, MODES_ATTEMPTS),
	PLAYER("flag", save_flag, MODES_ATTEMPTS),
	PLAYER("review", save_review, MODES_ATTEMPTS),
	PLAYER("submit", result_submit, MODES_ATTEMPTS),
	PLAYER("attempt_result", result_get, MODES_ATTEMPTS),
	PLAYER("practice_start", practice_start, MODES_PRACTICE),
	PLAYER("practice_next", practice_next, MODES_PRACTICE),
	PLAYER("notebook", practice_notebook, MODES_PRACTICE),
	PLAYER("progress", practice_progress, MODES_PRACTICE),
	{ROW("host", ROLE_NONE, host_auth), .access = HOST_ACCESS},
	{ROW("start", ROLE_HOST, host_command), .arg = HOST_START, .modes = MODES_LIVE},
	{ROW("next", ROLE_HOST, host_command), .arg = HOST_NEXT, .modes = MODES_LIVE},
	{ROW("reveal", ROLE_HOST, host_command), .arg = HOST_REVEAL, .modes = MODES_LIVE},
	{ROW("end", ROLE_HOST, host_command), .arg = HOST_END},
	{ROW("pause", ROLE_HOST, host_command), .arg = HOST_PAUSE, .modes = MODES_LIVE},
	{ROW("resume", ROLE_HOST, host_command), .arg = HOST_RESUME, .modes = MODES_LIVE},
	{ROW("extend", ROLE_HOST, host_command), .arg = HOST_EXTEND, .modes = MODES_LIVE},
	{ROW("board", ROLE_HOST, host_command), .arg = HOST_BOARD, .modes = MODES_LIVE},
	{ROW("board", ROLE_HOST, mass_board_msg), .modes = MODES_ATTEMPTS},
	{ROW("board", ROLE_SCREEN, mass_board_msg), .modes = MODES_ATTEMPTS},
	{ROW("release", ROLE_HOST, session_release)},
	{ROW("remove", ROLE_HOST, moderate_remove), .modes = MODES_LIVE},
	{ROW("rename", ROLE_HOST, moderate_rename), .modes = MODES_LIVE},
	{ROW("watch", ROLE_NONE, screen_watch), .access = WATCH_ACCESS},
	{ROW("ping", ROLE_ANY, msg_ping)},
};
#define MSG_ROWS (sizeof msg_table / sizeof msg_table[0])

/*
 * What cJSON lets through that must not reach a handler (cJSON 1.7):
 *   - a raw NUL byte: ParseWithLength reads past it, but the value it
 *     returns is a C string that ends there ("a<NUL>b" reads as "a"), so a
 *     name would be cut silently;
 *   - raw control characters inside strings (JSON forbids them, cJSON
 *     copies them);
 *   - an escaped NUL ("a\u0000b" reads as "a" too).
 * A raw NUL anywhere, or a raw control character inside a string, makes the
 * frame bad_json (-1 here). Each \u0000 escape is rewritten in place into
 * \u001f (same length, still a control character), so that the field checks
 * see it and refuse it instead of a shortened string.
 */
static int raw_guard(char *buf, size_t len)
{
	int in_str = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)buf[i];
		if (!ch || (in_str && ch < 0x20))
			return -1;
		if (ch == '"')
			in_str = !in_str;
		else if (in_str && ch == '\\' && i + 1 < len) {
			if (buf[i + 1] == 'u' && i + 5 < len && !memcmp(buf + i + 2, "0000", 4)) {
				buf[i + 4] = '1';
				buf[i + 5] = 'f';
			}
			if (!buf[i + 1])
				return -1;
			i++; /* skip the escaped character */
		}
	}
	return 0;
}

/* Only whitespace may follow the JSON value. */
static int only_space(const char *p, const char *end)
{
	for (; p < end; p++)
		if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
			return 0;
	return 1;
}

int msg_role_error(const struct msg_row *row, conn_role role)
{
	assert(role >= ROLE_NONE && role < ROLE_ANY);
	if (row->role == ROLE_ANY || row->role == role)
		return 0;
	return row->refuse[role] ? row->refuse[role] : SA_E_FORBIDDEN;
}

void msg_read(char *buf, size_t len, conn_role role, msg_in *in)
{
	const char *end = NULL;
	memset(in, 0, sizeof *in);
	if (raw_guard(buf, len)) {
		in->code = SA_E_BAD_JSON;
		return;
	}
	in->m = cJSON_ParseWithLengthOpts(buf, len, &end, 0);
	if (!in->m || !only_space(end, buf + len) || !cJSON_IsObject(in->m)) {
		in->code = SA_E_BAD_JSON;
		return;
	}
	cJSON *jrid = cJSON_GetObjectItemCaseSensitive(in->m, "rid");
	if (jrid) {
		if (!cJSON_IsString(jrid) || validate_rid(jrid->valuestring)) {
			in->code = SA_E_INVALID_FIELD;
			in->detail = "rid";
			return;
		}
		in->rid = jrid->valuestring;
	}
	cJSON *type = cJSON_GetObjectItemCaseSensitive(in->m, "type");
	if (!cJSON_IsString(type)) {
		in->code = SA_E_BAD_MESSAGE;
		in->detail = "type";
		return;
	}
	/* The first row of the type that this role may send, else the first of the type. */
	for (size_t i = 0; i < MSG_ROWS; i++)
		if (!strcmp(msg_table[i].type, type->valuestring) &&
		    (!in->row || (msg_role_error(in->row, role) && !msg_role_error(&msg_table[i], role))))
			in->row = &msg_table[i];
	in->code = in->row ? msg_role_error(in->row, role) : SA_E_UNKNOWN_TYPE;
}

/* The row of row's type and role for the contest's mode; NULL: another mode's (wrong_mode). */
static const struct msg_row *msg_for_mode(const struct msg_row *row, conn *c)
{
	if (!row->modes || !c->run)
		return row;
	unsigned bit = MODE_BIT(c->run->mode);
	for (const struct msg_row *r = row; r < msg_table + MSG_ROWS && !strcmp(r->type, row->type); r++)
		if (r->role == row->role && (r->modes & bit))
			return r;
	return NULL;
}

void msg_dispatch(conn *c, char *buf, size_t len, int64_t recv_ms)
{
	msg_in in;
	msg_read(buf, len, c->role, &in);
	if (conn_limit_message(c, recv_ms)) { /* every message counts, a bad one too */
		in.code = SA_E_RATE_LIMITED;
		in.detail = NULL;
	}
	const struct msg_row *row = in.code ? NULL : msg_for_mode(in.row, c);
	if (!in.code && !row)
		in.code = SA_E_WRONG_MODE;
	if (in.code)
		conn_send_error(c, in.code, in.rid, in.detail);
	else {
		msg_ctx x = {.c = c,
			     .m = in.m,
			     .rid = in.rid,
			     .recv_ms = recv_ms,
			     .arg = row->arg,
			     .access = row->access};
		conn_role before = c->role;
		int rc = row->handler(&x);
		if (rc < 0)
			conn_send_error(c, rc, in.rid, NULL);
		if (before == ROLE_NONE && c->role != ROLE_NONE) /* host, watch (players: session.c) */
			conn_took_role(c);
	}
	cJSON_Delete(in.m);
}

const char *msg_role_name(conn_role role)
{
	static const char *const names[] = {
		[ROLE_NONE] = "none",     [ROLE_PLAYER] = "player", [ROLE_HOST] = "host",
		[ROLE_SCREEN] = "screen", [ROLE_ANY] = "any",
	};
	return (unsigned)role <= ROLE_ANY ? names[role] : "?";
}

cJSON *msg_table_json(void)
{
	cJSON *t = cJSON_CreateArray();
	for (size_t i = 0; t && i < sizeof msg_table / sizeof msg_table[0]; i++) {
		const struct msg_row *row = &msg_table[i];
		cJSON *o = cJSON_CreateObject(), *refused = cJSON_CreateObject(),
		      *roles = cJSON_CreateArray();
		cJSON_AddStringToObject(o, "type", row->type);
		cJSON_AddStringToObject(o, "role", msg_role_name(row->role));
		for (int r = ROLE_NONE; r < ROLE_ANY; r++)
			if (msg_role_error(row, (conn_role)r))
				cJSON_AddStringToObject(refused, msg_role_name((conn_role)r),
							err_name(msg_role_error(row, (conn_role)r)));
		cJSON_AddItemToObject(o, "refused", refused);
		cJSON_AddStringToObject(o, "access",
					row->access.kind == AUTH_PUBLIC ? "public"
									: auth_kind_name(row->access.kind));
		for (int b = 0; b < AUTH_ROLES; b++)
			if (row->access.roles & (1u << b))
				cJSON_AddItemToArray(roles, cJSON_CreateString(auth_role_name(1u << b)));
		cJSON_AddItemToObject(o, "roles", roles);
		static const char *const mode_names[MODE_COUNT] = {[MODE_LIVE] = "live",
								   [MODE_EXAM] = "exam",
								   [MODE_PRACTICE] = "practice",
								   [MODE_MASS] = "mass"};
		cJSON *modes = cJSON_AddArrayToObject(o, "modes"); /* empty: every mode */
		for (int m = 0; m < MODE_COUNT && row->modes; m++)
			if (row->modes & MODE_BIT(m))
				cJSON_AddItemToArray(modes, cJSON_CreateString(mode_names[m]));
		cJSON_AddItemToArray(t, o);
	}
	return t;
}

void msg_closed(conn *c)
{
	members_leave(c);
	selfpaced_conn_closed(c);
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
