/*
 * members.h - who is in each contest on this process (members.c).
 */
#ifndef SKILLARENA_LIVE_MEMBERS_H
#define SKILLARENA_LIVE_MEMBERS_H

#include "live/run.h"

void members_add(crun *r, conn *c);
void members_remove(crun *r, conn *c); /* safe to call twice */
/* c's socket closed: removed, and c->run's reference dropped (c->run NULL). */
void members_leave(conn *c);
conn *members_find_player(crun *r, int64_t pid);

#endif
