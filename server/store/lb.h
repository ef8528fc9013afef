/*
 * lb.h - Redis: leaderboard sorted sets, counters, the event channel
 * between processes (lb.c). Everything in Redis is derived from PostgreSQL.
 */
#ifndef SKILLARENA_STORE_LB_H
#define SKILLARENA_STORE_LB_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"

struct crun;

/* What the subscriber does with the event channel (live/events.c). */
typedef struct lb_channel {
	void (*message)(struct arena *a, const char *json, size_t len); /* one event */
	void (*subscribed)(struct arena *a); /* (re)subscribed: events may have been missed */
	void (*connected)(struct arena *a);  /* the command connection is (again) up */
} lb_channel;

int lb_open(arena *a, const lb_channel *ch); /* connects in the background; 0 or SA_E_INTERNAL */
void lb_close(arena *a);
int lb_ready(arena *a);      /* the command connection is up */
int lb_subscribed(arena *a); /* both are: this process hears the event channel */
/* Sorted-set score for (points, time reached): higher points first, then earlier time. */
double lb_zscore(int64_t score_milli, int64_t reached_ds);
int64_t lb_score_from_z(double z);
int64_t lb_ds_from_z(double z); /* the time reached, in deciseconds */
/* Raw command with a reply callback (reply is a redisReply*, NULL when the
 * connection went down). 0, or SA_E_UNAVAILABLE (Redis down) or
 * SA_E_INTERNAL (out of memory): cb is then not called. */
typedef void (*lb_cb)(arena *a, void *reply, void *ud);
int lb_command(arena *a, lb_cb cb, void *ud, const char *fmt, ...);
int lb_commandv(arena *a, lb_cb cb, void *ud, int argc, const char **argv, const size_t *argvlen);
void lb_key(arena *a, char *buf, size_t n, const struct crun *r, const char *what);
void lb_member(char *buf, size_t n, int64_t pid);
/* The participant id of a sorted-set member (member[0..len), as Redis gave
 * it), or -1 when it is not one lb_member makes. */
int64_t lb_member_pid(const char *member, size_t len);
/* Publishes an event to every process (including this one). */
int lb_publish(arena *a, const char *json);

#endif
