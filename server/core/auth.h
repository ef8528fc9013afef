/*
 * auth.h - tokens: random resume and organizer tokens, SHA-256 of tokens,
 * constant-time comparison (auth.c, mbedTLS).
 */
#ifndef SKILLARENA_CORE_AUTH_H
#define SKILLARENA_CORE_AUTH_H

#include <stddef.h>

int auth_init(void);
void auth_release(void);
int auth_random_hex(char *out, size_t nbytes); /* out holds 2*nbytes+1 */
void auth_sha256_hex(const char *in, char out[65]);
int auth_token_equal(const char *a, const char *b); /* constant time on equal lengths */

#endif
