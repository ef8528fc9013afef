/*
 * moderate.h - the host's hand on the participants (moderate.c): `remove`
 * and `rename`, and the events that carry them to every process.
 */
#ifndef SKILLARENA_LIVE_MODERATE_H
#define SKILLARENA_LIVE_MODERATE_H

#include <cjson/cJSON.h>

#include "core/arena.h"
#include "net/msg.h"

/* `remove` {participant_id} (host): off every board, its connection closed
 * (4004), its token and employee number refused until `release`. */
int moderate_remove(msg_ctx *x);
/* `rename` {participant_id, name} (host): the name checked as a join's. */
int moderate_rename(msg_ctx *x);
/* The "removed" and "renamed" events from another process (live/events.c's
 * table), every field checked: NULL, or the field that made one malformed. */
const char *moderate_removed_event(arena *a, const cJSON *e);
const char *moderate_renamed_event(arena *a, const cJSON *e);

#endif
