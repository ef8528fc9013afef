/*
 * console.h - what the console's contest routes share (console.c;
 * console_contests.c and console_publish.c use it): CONTEST, the summary of
 * a contest every route answers with (docs/api.md, "Console: contests"), as
 * one SQL expression; who is asking as query parameters; the {code}.
 */
#ifndef SKILLARENA_API_CONSOLE_H
#define SKILLARENA_API_CONSOLE_H

#include <cjson/cJSON.h>

#include "net/http.h"

/* The status the console shows, computed from the row c (never stored stale). */
#define CONSOLE_STATUS                                                                                   \
	"CASE WHEN c.archived_at IS NOT NULL THEN 'archived' WHEN c.status = 'draft' THEN 'draft' "      \
	"WHEN c.phase = 'finished' OR c.closes_at <= now() THEN 'finished' "                             \
	"WHEN c.phase IN ('question', 'reveal') OR c.qindex >= 0 OR c.opens_at <= now() "                \
	"OR (c.definition->>'mode' IN ('exam', 'practice', 'mass') AND c.opens_at IS NULL) THEN 'live' " \
	"ELSE 'scheduled' END"
#define CONSOLE_JOINED "EXISTS (SELECT 1 FROM participants p WHERE p.contest_id = c.id)"
/* CONTEST of the row c, for account ACC (a parameter: bigint, 0 for none) who is admin or not (ADMIN). */
#define CONSOLE_SUMMARY(ACC, ADMIN)                                                                         \
	"json_build_object('code', c.code, 'title', c.definition->'title', 'mode', c.definition->>'mode', " \
	"'status', " CONSOLE_STATUS ", "                                                                    \
	"'players', (SELECT count(*) FROM participants p WHERE p.contest_id = c.id), "                      \
	"'starts_at', c.definition->>'starts_at', 'ends_at', c.definition->>'ends_at', "                    \
	"'owner', (SELECT json_build_object('id', o.id, 'username', o.username, 'display_name', "           \
	"o.display_name) FROM accounts o WHERE o.id = c.owner_id), 'created_by', c.created_by, "            \
	"'banks_from', c.bank_source, 'created_at', c.created_at, 'updated_at', c.updated_at, "             \
	"'published_at', c.published_at, 'editable', c.archived_at IS NULL AND c.bank_source = 'console' "  \
	"AND (c.status = 'draft' OR (c.phase = 'lobby' AND NOT " CONSOLE_JOINED ")), "                      \
	"'my_role', CASE WHEN " ADMIN "::bool THEN 'admin' WHEN c.owner_id = " ACC "::bigint THEN 'owner' " \
	"ELSE (SELECT g.role FROM contest_grants g WHERE g.contest_id = c.id AND g.account_id = " ACC       \
	"::bigint ORDER BY array_position(ARRAY['organizer', 'screen', 'judge', 'viewer'], g.role) LIMIT 1) END)"

/* BANK of the row b (docs/api.md, "Question banks"). */
#define CONSOLE_BANK                                                                                                \
	"json_build_object('code', b.code, 'title', b.title, 'description', b.description, 'source', b.source, "    \
	"'categories', b.categories, 'questions', (SELECT count(*) FROM bank_questions q WHERE q.bank_id = b.id), " \
	"'types', (SELECT coalesce(json_object_agg(t.qtype, t.n), '{}') FROM (SELECT qtype, count(*) AS n "         \
	"FROM bank_questions q WHERE q.bank_id = b.id GROUP BY qtype) t), "                                         \
	"'owner', (SELECT json_build_object('id', o.id, 'username', o.username, 'display_name', o.display_name) "   \
	"FROM accounts o WHERE o.id = b.owner_id), 'created_at', b.created_at, 'updated_at', b.updated_at)"
/* May account ACC, admin or not (ADMIN), change bank b? (SQL) */
#define CONSOLE_BANK_MINE(ACC, ADMIN) "(" ADMIN "::bool OR b.owner_id = " ACC "::bigint)"

/* The {code} parameter as a bank code (lower case, 1-64 of a-z 0-9 - _): 1, or 0 with 404 answered. */
int console_bank_code(http_req *req, char code[65]);
/* The same check of a code from a body. */
int console_bank_code_ok(const char *s, char code[65]);
/* "%text%" for ILIKE ... ESCAPE '\' with \ % _ escaped, in the request's memory; "" for none, NULL no memory. */
const char *console_like(http_req *req, const char *q);
/* A query parameter that is a whole number in [lo, hi] (def when absent): 0, or -1 answered (400). */
int console_num(http_req *req, const char *name, long lo, long hi, long def, long *out);

/* Who is asking, as query parameters: the account id ("0" for none) and "t"/"f" for admin. */
typedef struct console_who {
	char acc[24];
	const char *admin;
} console_who;
void console_who_of(const http_req *req, console_who *w);
/* "en" or "zh-CN": the language of the request's messages. */
const char *console_lang(const http_req *req);
/* The {code} parameter normalized (upper case): 1, or 0 with 404 unknown_contest answered. */
int console_code(http_req *req, char norm[17]);
/*
 * Answers status with {"contest": CONTEST of code} and extra's members
 * (taken; NULL: none), or 404 unknown_contest. Takes a reference of req
 * while it runs. 0, or an SA_E_* code (nothing answered, extra deleted).
 */
int console_reply(http_req *req, const char *code, int status, cJSON *extra);
/* Problems as the reply of a bad definition: 400 invalid_field with "problems" (taken). */
void console_problems(http_req *req, cJSON *problems);

#endif
