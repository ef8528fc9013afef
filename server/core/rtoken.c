/*
 * rtoken.c - records tokens: an HMAC-SHA256 (mbedTLS) of the employee
 * number under the server's records secret, checked in constant time
 * (see rtoken.h).
 */
#include <string.h>

#include <mbedtls/md.h>

#include "core/rtoken.h"

static const char HEX[] = "0123456789abcdef";

static int mac(const char *secret, const char *emp, size_t n, unsigned char out[32])
{
	static const char DOMAIN[] = "skillarena-records-v1:";
	unsigned char msg[sizeof DOMAIN + RTOKEN_EMP_MAX];
	memcpy(msg, DOMAIN, sizeof DOMAIN - 1);
	memcpy(msg + sizeof DOMAIN - 1, emp, n);
	const mbedtls_md_info_t *md = mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);
	return mbedtls_md_hmac(md, (const unsigned char *)secret, strlen(secret), msg, sizeof DOMAIN - 1 + n,
			       out)
		       ? -1
		       : 0;
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

int rtoken_make(const char *secret, const char *emp, char out[RTOKEN_MAX + 1])
{
	size_t n = strlen(emp);
	unsigned char m[32];
	if (!secret || !*secret || !n || n > RTOKEN_EMP_MAX || mac(secret, emp, n, m))
		return -1;
	hex((const unsigned char *)emp, n, out);
	out[2 * n] = '.';
	hex(m, sizeof m, out + 2 * n + 1);
	return 0;
}

int rtoken_check(const char *secret, const char *token, char emp[RTOKEN_EMP_MAX + 1])
{
	const char *dot = token ? strchr(token, '.') : NULL;
	size_t n = dot ? (size_t)(dot - token) : 0;
	unsigned char want[32], got[32];
	if (!secret || !*secret || !n || n % 2 || n / 2 > RTOKEN_EMP_MAX || strlen(dot + 1) != 64)
		return -1;
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
	if (mac(secret, emp, n / 2, want))
		return -1;
	unsigned char diff = 0;
	for (size_t i = 0; i < 32; i++)
		diff |= (unsigned char)(want[i] ^ got[i]);
	return diff ? -1 : 0;
}
