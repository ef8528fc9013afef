/*
 * rtoken.h - records tokens (rtoken.c): what lets a worker's phone read
 * that worker's training record (GET /api/records/me) without an account.
 *
 *   token = hex(employee number) "." hex(HMAC-SHA256(secret, "skillarena-records-v1:" employee number))
 *
 * The secret is --records-secret(-file), the same in every process of a
 * deployment; the joined message carries the token (live/player.c). A
 * token cannot be revoked one by one: changing the secret revokes all of
 * them (the phones get new ones at their next join or resume).
 */
#ifndef SKILLARENA_CORE_RTOKEN_H
#define SKILLARENA_CORE_RTOKEN_H

#include <stddef.h>

#define RTOKEN_EMP_MAX 64                        /* bytes of an employee number */
#define RTOKEN_MAX (2 * RTOKEN_EMP_MAX + 1 + 64) /* characters of a token */

/* The token of emp into out (RTOKEN_MAX + 1 bytes): 0, or -1 when emp is empty or too long. */
int rtoken_make(const char *secret, const char *emp, char out[RTOKEN_MAX + 1]);
/* Checks token: 0 with the employee number in emp (RTOKEN_EMP_MAX + 1 bytes), or -1 (refused). */
int rtoken_check(const char *secret, const char *token, char emp[RTOKEN_EMP_MAX + 1]);

#endif
