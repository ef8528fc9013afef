/*
 * host.h - the organizer's controls and the screens (host.c).
 */
#ifndef SKILLARENA_LIVE_HOST_H
#define SKILLARENA_LIVE_HOST_H

#include "net/msg.h"

int host_auth(msg_ctx *x);
int host_command(msg_ctx *x);
int screen_watch(msg_ctx *x);

#endif
