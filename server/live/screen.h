/*
 * screen.h - the read-only roles: `watch`, and the welcome a screen and a
 * host get (screen.c).
 */
#ifndef SKILLARENA_LIVE_SCREEN_H
#define SKILLARENA_LIVE_SCREEN_H

#include "live/run.h"
#include "net/msg.h"

int screen_watch(msg_ctx *x);
/* The contest of the message's "code" field; NULL with *rc set when none. */
crun *screen_contest(msg_ctx *x, int *rc);
/* type ("watching", "host_ok"), then the contest's state, counts and boards. */
void screen_welcome(conn *c, crun *r, const char *type, const char *rid);

#endif
