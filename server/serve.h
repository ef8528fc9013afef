/*
 * serve.h - `skillarena serve`'s loop (serve.c).
 */
#ifndef SKILLARENA_SERVE_H
#define SKILLARENA_SERVE_H

#include "core/arena.h"

/* Runs the server on a's loaded contests until SIGINT/SIGTERM: 0, or 1 when it cannot start
 * (the reason logged, and on stderr when it is the port). */
int serve_run(arena *a);

#endif
