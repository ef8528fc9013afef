/*
 * rtoken.c - records tokens: an HMAC-SHA256 (mbedTLS) of the employee
 * number under the server's records secret, checked in constant time
 * (see rtoken.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/md.h>

#include "core/rtoken.h"

static const char HEX[] = "0123456789abcdef";

static int mac(const char *secret, const char *emp, size_t n, const char *issued, unsigned char out[32])
{
	static const char DOMAIN[] = "skillarena-records-v2:";
	unsigned char msg[sizeof DOMAIN + RTOKEN_EMP_MAX + 1 + 20];
	size_t il = strlen(issued), len = sizeof DOMAIN - 1;
	if (il > 20)
		return -1;
	memcpy(msg, DOMAIN, len);
	memcpy(msg + len, emp, n);
	len += n;
	msg[len++] = '\n';
	memcpy(msg + len, issued, il);
	len += il;
	const mbedtls_md_info_t *md = mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);
	return mbedtls_md_hmac(md, (const unsigned char *)secret, strlen(secret), msg, len, out) ? -1 : 0;
}

static void hex(const unsigned char *in, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = HEX[in[i] >> 4];
		out[2 * i + 1] = HEX[in[i] & 15];
	}
	out[2 * n] = '\0';
}

static int unhex_digit(char c)
{
	const char *p = c ? strchr(HEX, c) : NULL;
	return p ? (int)(p - HEX) : -1;
}

int rtoken_make(const char *secret, const char *emp, int64_t issued_ms, char out[RTOKEN_MAX + 1])
{
	size_t n = strlen(emp);
	unsigned char m[32];
	char issued[24];
	snprintf(issued, sizeof issued, "%" PRId64, issued_ms);
	if (!secret || !*secret || !n || n > RTOKEN_EMP_MAX || issued_ms < 0 ||
	    mac(secret, emp, n, issued, m))
		return -1;
	hex((const unsigned char *)emp, n, out);
	size_t at = 2 * n;
	at += (size_t)sprintf(out + at, ".%s.", issued);
	hex(m, sizeof m, out + at);
	return 0;
}

int rtoken_check(const char *secret, const char *token, char emp[RTOKEN_EMP_MAX + 1], int64_t *issued_ms)
{
	const char *dot = token ? strchr(token, '.') : NULL;
	const char *dot2 = dot ? strchr(dot + 1, '.') : NULL;
	size_t n = dot ? (size_t)(dot - token) : 0, il = dot2 ? (size_t)(dot2 - dot - 1) : 0;
	unsigned char want[32], got[32];
	char issued[24];
	if (!secret || !*secret || !n || n % 2 || n / 2 > RTOKEN_EMP_MAX || !il || il > 19 ||
	    strspn(dot + 1, "0123456789") != il || (il > 1 && dot[1] == '0') || strlen(dot2 + 1) != 64)
		return -1;
	memcpy(issued, dot + 1, il);
	issued[il] = '\0';
	dot = dot2; /* the MAC follows the second dot */
	for (size_t i = 0; i < n / 2; i++) {
		int hi = unhex_digit(token[2 * i]), lo = unhex_digit(token[2 * i + 1]);
		if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
			return -1;
		emp[i] = (char)(hi << 4 | lo);
	}
	emp[n / 2] = '\0';
	for (size_t i = 0; i < 32; i++) {
		int hi = unhex_digit(dot[1 + 2 * i]), lo = unhex_digit(dot[2 + 2 * i]);
		if (hi < 0 || lo < 0)
			return -1;
		got[i] = (unsigned char)(hi << 4 | lo);
	}
	if (mac(secret, emp, n / 2, issued, want))
		return -1;
	unsigned char diff = 0;
	for (size_t i = 0; i < 32; i++)
		diff |= (unsigned char)(want[i] ^ got[i]);
	if (diff)
		return -1;
	*issued_ms = strtoll(issued, NULL, 10);
	return 0;
}
