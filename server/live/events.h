/*
 * events.h - events from the other processes, through a table of event
 * types (events.c).
 */
#ifndef SKILLARENA_LIVE_EVENTS_H
#define SKILLARENA_LIVE_EVENTS_H

#include <stddef.h>

#include "core/arena.h"
#include "store/lb.h"

void events_dispatch(arena *a, const char *json, size_t len);
void events_missed(arena *a);
extern const lb_channel events_channel; /* for lb_open */

#endif
