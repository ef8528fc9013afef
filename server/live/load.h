/*
 * load.h - contests loaded while serving: validated and stored off the loop,
 * then served and announced (load.c).
 */
#ifndef SKILLARENA_LIVE_LOAD_H
#define SKILLARENA_LIVE_LOAD_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "live/run.h"

/* rc 0: r is served; SA_E_INVALID_FIELD: problems lists why (a JSON array, borrowed). */
typedef void (*load_done_cb)(arena *a, crun *r, int rc, cJSON *problems, void *ud);
/* Validates a contest (JSON text), stores it, serves it, off the loop; done gets
 * the outcome. 0, or an SA_E_* code (done is then not called). */
int load_contest(arena *a, const char *name, const char *json, size_t len, int announce, load_done_cb done,
		 void *ud);
void load_announced(arena *a, const char *code); /* code: normalized */
const char *load_dir(arena *a);

#endif
