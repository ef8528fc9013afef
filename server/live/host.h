/*
 * host.h - the organizer's controls (host.c).
 */
#ifndef SKILLARENA_LIVE_HOST_H
#define SKILLARENA_LIVE_HOST_H

#include "live/run.h"
#include "net/msg.h"

/* The commands: the message table's argument for host_command. */
enum {
	HOST_START,
	HOST_NEXT,
	HOST_REVEAL,
	HOST_END,
	HOST_PAUSE,
	HOST_RESUME,
	HOST_EXTEND,
	HOST_BOARD,
	HOST_NCMDS
};

int host_auth(msg_ctx *x);
int host_command(msg_ctx *x); /* x->arg: HOST_* */

#endif
