/*
 * rtoken.h - records tokens (rtoken.c): what lets a worker's phone read
 * that worker's training record (GET /api/records/me) without an account.
 *
 *   token = hex(employee number) "." issued "." hex(HMAC-SHA256(secret,
 *           "skillarena-records-v2:" employee number "\n" issued))
 *
 * issued is when the token was made (Unix epoch milliseconds, decimal). The
 * secret is --records-secret(-file), the same in every process of a
 * deployment; the joined message carries a fresh token (live/player.c).
 * One worker's tokens are revoked by an organizer (POST
 * /api/records/revocations: every token of that employee number issued
 * before then is refused; the phone gets a new one at its next join or
 * resume); changing the secret revokes every token at once.
 */
#ifndef SKILLARENA_CORE_RTOKEN_H
#define SKILLARENA_CORE_RTOKEN_H

#include <stddef.h>

#define RTOKEN_EMP_MAX 64                                 /* bytes of an employee number */
#define RTOKEN_MAX (2 * RTOKEN_EMP_MAX + 1 + 19 + 1 + 64) /* characters of a token */

#include <stdint.h>

/* The token of emp issued at issued_ms into out (RTOKEN_MAX + 1 bytes): 0,
 * or -1 when emp is empty or too long, or issued_ms negative. */
int rtoken_make(const char *secret, const char *emp, int64_t issued_ms, char out[RTOKEN_MAX + 1]);
/* Checks token: 0 with the employee number in emp (RTOKEN_EMP_MAX + 1 bytes)
 * and when it was issued in *issued_ms, or -1 (refused). */
int rtoken_check(const char *secret, const char *token, char emp[RTOKEN_EMP_MAX + 1], int64_t *issued_ms);

#endif
