/*
 * admin.h - contest administration with blocking libpq and hiredis
 * (admin.c): archive, delete, reset. The command line runs them; a console
 * route would run admin_change on libuv's thread pool and then publish
 * admin_event's event with lb_publish.
 */
#ifndef SKILLARENA_STORE_ADMIN_H
#define SKILLARENA_STORE_ADMIN_H

#include <stddef.h>

typedef enum { ADMIN_ARCHIVE, ADMIN_DELETE, ADMIN_RESET } admin_op;

#define ADMIN_FORCE 1       /* also while a question is open or being revealed */
#define ADMIN_IF_FINISHED 2 /* reset: only a finished contest (else nothing is done) */

/*
 * Changes contest code (normalized) in PostgreSQL, in one transaction:
 *   ADMIN_ARCHIVE  archived_at = now(): kept for its results, served by no process
 *   ADMIN_DELETE   its row, questions, participants and answers deleted
 *   ADMIN_RESET    participants and answers deleted, back to the lobby, epoch + 1
 * Returns 0 (msg says what was done, or that there was nothing to do:
 * *changed tells which), SA_E_UNKNOWN_CONTEST, SA_E_BAD_STATE (live without
 * ADMIN_FORCE, or archived; msg says why), SA_E_UNAVAILABLE. msg is always set.
 */
int admin_change(const char *conninfo, admin_op op, const char *code, int flags, int *changed, char *msg,
		 size_t msglen);
const char *admin_op_name(admin_op op); /* "archive", "delete", "reset" */
/* The event every process re-reads the contest on (live/events.c's "changed"). */
void admin_event(char *buf, size_t n, admin_op op, const char *code);

/*
 * For the command line, after admin_change: deletes the contest's Redis
 * keys (prefix + code + ":*") and publishes its event on prefix + "events".
 * redis is HOST:PORT[/DB]; password is sent with AUTH (NULL or "": none).
 * Returns 1 when published, 0 when Redis was unreachable (running
 * processes follow within their --sync-ms), SA_E_UNAVAILABLE when Redis
 * refused the connection (a wrong password; printed to stderr).
 */
int admin_redis(const char *redis, const char *password, const char *prefix, admin_op op, const char *code);

#endif
