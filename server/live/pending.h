/*
 * pending.h - who has not answered the open question, for the hosts, and
 * who is online (pending.c).
 */
#ifndef SKILLARENA_LIVE_PENDING_H
#define SKILLARENA_LIVE_PENDING_H

#include <stdint.h>

#include "live/run.h"

/* Every tick: this process' players marked online now and then, and the
 * hosts' `pending` list asked for at most once a second while a question is played. */
void pending_tick(crun *r);
/* Participant pid is online now (its connection took its seat here). */
void pending_seen(crun *r, int64_t pid);
/* The last `pending` of the question being played, to a host that just came. */
void pending_send(conn *c);

#endif
