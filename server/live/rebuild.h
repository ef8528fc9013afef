/*
 * rebuild.h - a contest's Redis state rebuilt from PostgreSQL, and known by
 * its identity (rebuild.c).
 */
#ifndef SKILLARENA_LIVE_REBUILD_H
#define SKILLARENA_LIVE_REBUILD_H

#include <stddef.h>

#include "live/run.h"

/* Rebuilds r's Redis keys from PostgreSQL (ZADD GT: a stale snapshot never
 * lowers a fresher score); keys of another identity are deleted first. */
void rebuild_contest(crun *r);
/* 1 when reply (a redisReply of GET <prefix>CODE:ok) names r: its keys are
 * complete and r's; 0 when they are missing or another contest's. */
int rebuild_is_current(const crun *r, const void *reply);
/* r's identity as its keys hold it: "<contests.id>:<epoch>" (n >= 48). */
void rebuild_identity(const crun *r, char *buf, size_t n);
/* Deletes r's Redis keys if they are still r's (not a newer contest's). */
void rebuild_forget(crun *r);

#endif
