/*
 * listen.h - our own listening socket, shareable between processes
 * (SO_REUSEPORT); accepted connections are handed to lws (listen.c).
 */
#ifndef SKILLARENA_NET_LISTEN_H
#define SKILLARENA_NET_LISTEN_H

#include "core/arena.h"

int listen_open(arena *a);
void listen_close(arena *a); /* stops accepting; safe to call twice */

#endif
