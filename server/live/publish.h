/*
 * publish.h - console contests on libuv's thread pool (publish.c): a
 * draft's problems, publishing (and re-publishing a contest nobody joined),
 * archive and delete by store/admin.c's rules; served and announced on the
 * loop as uploads are (live/load.c).
 *
 * Problems are a JSON array of {"path", "message"[, "bank"][, "line",
 * "column"]}: "bank" names the console bank a problem is in (its path is
 * then in the bank's JSON). Callbacks run on the loop, exactly once, when
 * the start call returned 0.
 */
#ifndef SKILLARENA_LIVE_PUBLISH_H
#define SKILLARENA_LIVE_PUBLISH_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "core/arena.h"
#include "store/admin.h"

/* rc 0 (valid) or SA_E_INVALID_FIELD (problems), SA_E_UNAVAILABLE, SA_E_INTERNAL; problems borrowed. */
typedef void (*publish_check_cb)(arena *a, int rc, cJSON *problems, void *ud);
/*
 * The problems of a console contest's definition (JSON text), its banks
 * read from PostgreSQL as they are now; messages in lang ("zh-CN", "en").
 * 0, or SA_E_INTERNAL (done not called).
 */
int publish_check(arena *a, const char *code, const char *text, const char *lang, publish_check_cb done,
		  void *ud);

/*
 * rc 0: published (nq questions; served here and announced); or
 * SA_E_INVALID_FIELD (problems), SA_E_UNKNOWN_CONTEST, SA_E_BAD_STATE (not a
 * draft; archived; for a new text: joined, or out of its lobby),
 * SA_E_CONFLICT (the draft changed meanwhile), SA_E_CONTEST_LIMIT,
 * SA_E_UNAVAILABLE, SA_E_INTERNAL.
 */
typedef void (*publish_done_cb)(arena *a, int rc, cJSON *problems, int nq, void *ud);
/*
 * Publishes contest code: text NULL publishes its draft; a text replaces
 * the definition of a published contest that nobody joined and that is in
 * its lobby (every process reloads it). A screen key is given when the
 * contest has none. 0, or SA_E_INTERNAL (done not called).
 */
int publish_contest(arena *a, const char *code, const char *text, const char *lang, publish_done_cb done,
		    void *ud);

/* rc 0 (changed: 1 when something was done), or admin_change's codes; msg its message (English). */
typedef void (*publish_admin_cb)(arena *a, int rc, int changed, const char *msg, void *ud);
/* admin_change(op, code, flags) off the loop, then the `changed` event to every process. */
int publish_admin(arena *a, admin_op op, const char *code, int flags, publish_admin_cb done, void *ud);

/* Every problem of d as the JSON array above; contest is the name the definition was loaded as. */
cJSON *publish_problems(const void *diag, const char *contest);

#endif
