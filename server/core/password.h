/*
 * password.h - console passwords (password.c): the rules a new password must
 * follow, and Argon2id (libargon2) to hash and verify them, on libuv's thread
 * pool while serving (each costs about a quarter of a second of one core and
 * 64 MiB: never on the loop), or blocking for the `user` command.
 *
 * The parameters (RFC 9106 section 4's second recommended option, with one
 * lane): t = 3 passes over m = 64 MiB, p = 1 lane, a 16-byte random salt, a
 * 32-byte hash, stored as libargon2's encoded string
 * "$argon2id$v=19$m=65536,t=3,p=1$SALT$HASH", which carries its parameters:
 * changing them here never breaks a stored hash. Memory is what makes a
 * guess expensive on a GPU; one lane because the thread pool, not Argon2,
 * gives parallelism across logins; t = 3 brings one hash to ~0.25 s here,
 * which a person logging in does not notice and an attacker pays per guess.
 *
 * At most PASSWORD_PARALLEL hashes run at once (the pool's other threads stay
 * free for PostgreSQL connects and contest loads), PASSWORD_QUEUE more may
 * wait; beyond, a request is refused at once (SA_E_RATE_LIMITED).
 */
#ifndef SKILLARENA_CORE_PASSWORD_H
#define SKILLARENA_CORE_PASSWORD_H

#include <stddef.h>

#include "core/arena.h"

#define PASSWORD_T_COST 3
#define PASSWORD_M_COST_KIB 65536
#define PASSWORD_LANES 1
#define PASSWORD_SALT_BYTES 16
#define PASSWORD_HASH_BYTES 32
#define PASSWORD_ENCODED_MAX 192 /* an encoded hash with these parameters is ~97 bytes */
#define PASSWORD_MIN_CHARS 8
#define PASSWORD_MAX_CHARS 128
#define PASSWORD_PARALLEL 2
#define PASSWORD_QUEUE 64

/*
 * The rules of a new password: valid UTF-8 without control characters,
 * PASSWORD_MIN_CHARS to PASSWORD_MAX_CHARS characters, not the username (any
 * case). 0, or SA_E_INVALID_FIELD with *why (static, zh-CN unless lang_en).
 */
int password_rules(const char *password, const char *username, int lang_en, const char **why);

/* Blocking (the `user` command, tests): out holds PASSWORD_ENCODED_MAX bytes. 0 or SA_E_INTERNAL. */
int password_hash(const char *password, char *out);
/* Blocking: 0 when password matches encoded, SA_E_UNAUTHENTICATED when it does
 * not (or encoded is not an Argon2id hash), SA_E_INTERNAL when memory ran out. */
int password_verify(const char *encoded, const char *password);

/*
 * On the thread pool. cb gets rc (as above, or SA_E_UNAVAILABLE when the
 * server stopped first) and, for a hash, the encoded string (valid during
 * the call). The password is copied (and wiped after use). encoded NULL:
 * verify against a dummy hash of the same cost, so that an unknown username
 * takes as long as a wrong password (always SA_E_UNAUTHENTICATED).
 * Returns 0 (cb will be called, never before this returns), or
 * SA_E_RATE_LIMITED (too many waiting), SA_E_INTERNAL, SA_E_UNAVAILABLE.
 */
typedef void (*password_cb)(arena *a, int rc, const char *encoded, void *ud);
int password_hash_async(arena *a, const char *password, password_cb cb, void *ud);
int password_verify_async(arena *a, const char *encoded, const char *password, password_cb cb, void *ud);

/* The queue of the arena (open before serving; close after the loop stops taking requests:
 * what waits gets SA_E_UNAVAILABLE, what runs completes with it once the loop runs). */
int password_open(arena *a);
void password_close(arena *a);

#endif
