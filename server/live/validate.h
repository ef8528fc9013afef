/*
 * validate.h - pure checks of the fields players and hosts send (no I/O), so
 * they are unit-tested alone (tests/unit/test_validate.c).
 * Each returns SA_OK or an SA_E_* code.
 */
#ifndef SKILLARENA_LIVE_VALIDATE_H
#define SKILLARENA_LIVE_VALIDATE_H

#include <stddef.h>

/*
 * Display text (a name, a unit), as every screen shows it:
 *   - valid UTF-8; no control characters (C0, DEL, C1, U+2028, U+2029);
 *   - no bidirectional embedding, override or isolate controls anywhere
 *     (U+202A-U+202E, U+2066-U+2069): they reorder what the board shows;
 *   - whitespace of any kind (ASCII, U+00A0, U+3000, U+2000-U+200A, ...)
 *     trimmed at both ends;
 *   - not made only of invisible characters and whitespace (zero-width
 *     spaces and joiners, U+FEFF, Hangul fillers, U+00AD, U+2800, ...);
 *   - at most max code points after trimming, at least min.
 * On success *out (when out is not NULL) is a malloc'ed trimmed copy.
 */
int validate_text(const char *s, size_t min, size_t max, char **out);
/* The same, saying which rule s breaks (VALIDATE_OK, or the first of these found). */
enum {
	VALIDATE_OK = 0,
	VALIDATE_ENCODING,  /* not valid UTF-8 */
	VALIDATE_REFUSED,   /* a control, line separator or bidi control character */
	VALIDATE_INVISIBLE, /* only invisible characters and whitespace */
	VALIDATE_EMPTY,     /* nothing but whitespace, and min > 0 */
	VALIDATE_TOO_SHORT, /* fewer than min characters */
	VALIDATE_TOO_LONG,  /* more than max characters */
	VALIDATE_NOMEM,
};
int validate_text_why(const char *s, size_t min, size_t max, char **out);
int validate_name(const char *s, char **out);        /* 1-64, SA_E_INVALID_NAME */
int validate_unit(const char *s, char **out);        /* 0-64, SA_E_INVALID_FIELD */
int validate_employee_no(const char *s, char **out); /* 0-32 of [A-Za-z0-9-_] */
int validate_rid(const char *s);                     /* 1-64 printable ASCII */
int validate_device_key(const char *s);              /* 16-64 of [A-Za-z0-9-_] */
/* Contest code: 4-16 of [A-Za-z0-9], upper-cased into out (17 bytes). */
int validate_code(const char *s, char out[17]);

#endif
