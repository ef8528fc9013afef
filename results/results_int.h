/*
 * results_int.h - what the files of results/ share with each other and with
 * nothing else: error formatting, a growable text buffer (charts, error
 * lists), UTF-8 walking and a few numeric helpers.
 */
#ifndef SKILLARENA_RESULTS_INT_H
#define SKILLARENA_RESULTS_INT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "results.h"

/* Sets *err (if err) to a malloc'ed printf-style message; returns code. */
int results__errf(char **err, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* A growing NUL-terminated text. A failed allocation is remembered (oom) and
 * every later call does nothing, so a builder checks once at the end. */
typedef struct rbuf {
	char *s;
	size_t len, cap;
	int oom;
} rbuf;

void rbuf_put(rbuf *b, const char *s, size_t n);
void rbuf_puts(rbuf *b, const char *s);
void rbuf_printf(rbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s escaped for XML text and attribute values (& < > " '); control
 * characters XML 1.0 forbids are dropped. s must be valid UTF-8. */
void rbuf_xml(rbuf *b, const char *s);
/* Hands over the text (malloc'ed) and resets b; NULL after an allocation failure. */
char *rbuf_take(rbuf *b);
void rbuf_free(rbuf *b);

/* Decodes the code point at s[*i] (valid UTF-8 assumed, checked before) and advances *i. */
uint32_t results__utf8_next(const char *s, size_t *i);
/* Whether s is valid UTF-8 (NUL-terminated). */
int results__utf8_ok(const char *s);

/* A unit path normalized: segments split at '/' (or '／'), trimmed of
 * spaces, joined by '/'. RESULTS_E_UTF8, RESULTS_E_DATA for an empty
 * segment, RESULTS_E_NOMEM; *out malloc'ed. */
int results__unit_norm(const char *in, char **out);

/* Whether lang asks for English. */
int results__en(const char *lang);

#endif
