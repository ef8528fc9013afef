/*
 * recall.h - answers to questions no longer open: a stored one's ack again (recall.c).
 */
#ifndef SKILLARENA_LIVE_RECALL_H
#define SKILLARENA_LIVE_RECALL_H

#include <cjson/cJSON.h>

#include "live/run.h"
#include "net/ws.h"

/* c's answer `response` to question qi of r, with its rid (NULL: none): the
 * stored answer's ack when it is the same response (looked up in
 * PostgreSQL), already_answered when another, else closed_code. 0, or an
 * SA_E_* code when the lookup cannot start (nothing was sent). */
int recall_answer(conn *c, crun *r, int qi, const cJSON *response, const char *rid, int closed_code);

#endif
