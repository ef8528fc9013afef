/*
 * auth.h - tokens: random resume and organizer tokens, SHA-256 of tokens,
 * constant-time comparison (auth.c, mbedTLS).
 */
#ifndef SKILLARENA_CORE_AUTH_H
#define SKILLARENA_CORE_AUTH_H

#include <stddef.h>

#include "core/arena.h"

int auth_open(void);
void auth_close(void);
int auth_random_hex(char *out, size_t nbytes); /* out holds 2*nbytes+1 */
void auth_sha256_hex(const char *in, char out[65]);
int auth_token_equal(const char *a, const char *b); /* constant time on equal lengths */
/* The organizer check: 0 when token is this server's organizer token (never
 * when none is set), else SA_E_FORBIDDEN. */
int auth_organizer(const arena *a, const char *token);

#endif
