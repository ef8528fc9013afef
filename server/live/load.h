/*
 * load.h - contests coming and going while the server runs (load.c):
 * uploads, stored contests this process does not serve yet, contests that
 * stop being served; and every stored contest at start.
 */
#ifndef SKILLARENA_LIVE_LOAD_H
#define SKILLARENA_LIVE_LOAD_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "live/run.h"

int load_open(arena *a); /* 0 or SA_E_INTERNAL */
void load_close(arena *a);

/* rc 0: r is served; SA_E_INVALID_FIELD: problems lists why (a JSON array, borrowed). */
typedef void (*load_done_cb)(arena *a, crun *r, int rc, cJSON *problems, void *ud);
/*
 * An upload (JSON text): validated, stored (SA_E_CONFLICT: its code is
 * stored already; SA_E_CONTEST_LIMIT: --max-contests are served) and served
 * off the loop, then announced to every process; done gets the outcome.
 * Returns 0, or an SA_E_* code (done is then not called).
 */
int load_contest(arena *a, const char *name, const char *json, size_t len, load_done_cb done, void *ud);
/* r (validated and stored elsewhere: the console's publish) starts being
 * served here and is announced to every process. Takes r: 0, or
 * SA_E_CONFLICT (another contest of that code is served; r dropped). */
int load_serve(arena *a, crun *r);
/* Serve contest code (normalized), stored as row id at epoch, from
 * PostgreSQL's copy: off the loop; nothing when it is served or on its way
 * already, or when that row and epoch failed to load here before. */
void load_stored(arena *a, const char *code, int64_t id, int64_t epoch);
/* Before the loop: every stored contest not loaded from a file. 0, or SA_E_UNAVAILABLE. */
int load_stored_all(arena *a);
/*
 * r stops being served here: out of run_find, its members get `error` code
 * (reason why, "archived", "deleted", "reset") and are closed (4002 removed,
 * 4003 reset), host commands still waiting get code (host.c, once the one
 * on its way is answered), its timers stop and its
 * Redis keys go (if no newer contest took them). r is freed by its last
 * reference.
 */
void load_retire(crun *r, int code, const char *why);
/* Bank paths of an upload resolve against this directory: --bank-dir, else
 * the first --contests directory (load_open computes it). */
const char *load_dir(arena *a);

#endif
