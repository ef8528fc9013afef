/*
 * audit.h - the audit log (audit.c): who did what, when, from where, to
 * what, and what it was before and after. Every admin, organizer and judge
 * action and every failed login is written here; the table
 * (audit.audit_log, sql/015_audit.sql) is append-only: the server's role may
 * INSERT and SELECT it, nothing more (docs/operations.md, "Audit log").
 *
 * Writing: audit_write / audit_note queue an entry and return at once; the
 * entries of a moment go to PostgreSQL together, one statement
 * (store/commit.c), stored with the time they are stored (the server's role
 * cannot set it). An entry that cannot be stored (PostgreSQL down past the
 * retries, the server stopping) is written to the log at level error, whole,
 * so that it is never lost without a trace.
 *
 * Actions are "<object>.<verb>" in lower case: login, login.failed, logout,
 * logout.all, account.create, account.update, account.password,
 * account.delete, token.create, token.revoke, host.login, host.failed,
 * host.start, host.next, host.reveal, host.end, host.release, contest.create,
 * contest.update, contest.publish, contest.archive, contest.delete,
 * contest.grants, roster.import, bank.import, join.approve, results.publish,
 * ... (docs/api.md lists them). target names the object acted on ("account
 * 12", a username, a bank code); before/after are JSON objects of what
 * changed (never a password or a token); detail anything else.
 *
 * Ownership: every argument is copied; the caller keeps its own.
 */
#ifndef SKILLARENA_STORE_AUDIT_H
#define SKILLARENA_STORE_AUDIT_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "core/arena.h"
#include "core/auth.h"
#include "store/store.h"

int audit_open(arena *a);   /* on the serving loop, after store_open */
void audit_flush(arena *a); /* stopping: send what waits now */
void audit_close(arena *a); /* what still waits is logged (error) */

/*
 * One entry: who (NULL: nobody known; its address and name are taken from
 * it), action, contest (a contest code, or NULL), target (or NULL), before
 * and after (or NULL). 0, or SA_E_UNAVAILABLE / SA_E_INTERNAL (the entry is
 * then logged at level error).
 */
int audit_write(arena *a, const auth_principal *who, const char *action, const char *contest,
		const char *target, const cJSON *before, const cJSON *after);
/* The same with a detail object instead of before/after (a failed login's reason). */
int audit_note(arena *a, const auth_principal *who, const char *action, const char *contest,
	       const char *target, const cJSON *detail);

/* What GET /api/audit and the CSV exports select: NULL / 0 fields match everything. */
typedef struct audit_filter {
	int64_t account_id;
	const char *actor;   /* a username as it was at the time */
	const char *contest; /* a contest code (any case) */
	const char *action;  /* one action, or a prefix ending with '.' ("account.") */
	const char *from; /* at >= from, and at < to: timestamps PostgreSQL reads ("2026-12-01", ISO 8601) */
	const char *to;
	int64_t offset;
	int limit; /* > 0 */
} audit_filter;

/*
 * The entries matching f, newest first: the result's columns are id, at
 * (ISO 8601, UTC), account_id, actor, ip, action, contest_code, target,
 * before, after, detail (JSON text or NULL), total (matching entries, every
 * row). A bad timestamp makes the query fail (err). 0 or SA_E_* (cb not called).
 */
int audit_query(arena *a, const audit_filter *f, store_cb cb, void *ud);
/* The rows of an audit_query result as a JSON array of entries. */
cJSON *audit_rows_json(void *res);

#endif
