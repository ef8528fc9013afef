/*
 * validate.h - pure checks of the fields players and hosts send (no I/O), so
 * they are unit-tested alone (tests/unit/test_validate.c).
 * Each returns SA_OK or an SA_E_* code.
 */
#ifndef SKILLARENA_LIVE_VALIDATE_H
#define SKILLARENA_LIVE_VALIDATE_H

#include <stddef.h>

/* Counts the code points of valid UTF-8; -1 when not valid UTF-8 (overlongs, surrogates included). */
long validate_utf8_count(const char *s, size_t len);

/*
 * Display text (a name, a unit): valid UTF-8, no control characters (C0, DEL,
 * C1), at most max code points after trimming spaces (ASCII and U+3000).
 * On success *out is a malloc'ed trimmed copy. min 1 for required fields.
 */
int validate_text(const char *s, size_t min, size_t max, char **out);
int validate_name(const char *s, char **out);        /* 1-64, SA_E_INVALID_NAME */
int validate_unit(const char *s, char **out);        /* 0-64, SA_E_INVALID_FIELD */
int validate_employee_no(const char *s, char **out); /* 0-32 of [A-Za-z0-9-_] */
int validate_rid(const char *s);                     /* 1-64 printable ASCII */
/* Contest code: 4-16 of [A-Za-z0-9], upper-cased into out (17 bytes). */
int validate_code(const char *s, char out[17]);

#endif
