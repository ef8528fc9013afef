/*
 * principal.h - who is asking, from PostgreSQL (principal.c): a session
 * cookie (sessions joined with accounts), an API token (api_tokens), the
 * organizer token (the configuration; deprecated), and their grant on a
 * contest (contests.owner_id, contest_grants); then core/auth.c's
 * auth_decide. It is the arena's auth_ops (main.c sets a->auth), so net/http.c
 * and the WebSocket roles ask through core/auth.h's auth_check.
 */
#ifndef SKILLARENA_STORE_PRINCIPAL_H
#define SKILLARENA_STORE_PRINCIPAL_H

#include "core/auth.h"

extern const auth_ops principal_ops;

#endif
