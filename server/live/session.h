/*
 * session.h - one live connection per participant (session.c): a player's
 * connection takes its seat, replacing any earlier connection of the same
 * participant on every process; and the organizer's `release`, which lets a
 * participant move to another device.
 */
#ifndef SKILLARENA_LIVE_SESSION_H
#define SKILLARENA_LIVE_SESSION_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "core/arena.h"
#include "live/run.h"
#include "net/msg.h"

/*
 * c becomes participant pid's player in r. An earlier connection of pid on
 * this process is closed (4001, WS_CLOSE_REPLACED); with announce (a resume,
 * or a join that continued a participant) the other processes are told to
 * close theirs (event "player").
 */
void session_seat(conn *c, crun *r, int64_t pid, int announce);
/* The "player" event from another process (live/events.c's table): every
 * field checked; NULL, or the name of the field that made it malformed. */
const char *session_event(arena *a, const cJSON *e);
/* `release` (host): participant_id or employee_no may continue on another device. */
int session_release(msg_ctx *x);

#endif
