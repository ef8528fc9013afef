/*
 * num.h - numbers read from text that this process did not write itself:
 * PostgreSQL values, Redis replies (num.c). Strict: the whole text is the
 * number, nothing around it, no overflow, within the caller's range.
 */
#ifndef SKILLARENA_CORE_NUM_H
#define SKILLARENA_CORE_NUM_H

#include <stddef.h>
#include <stdint.h>

/* s[0..len): an optional '-' and 1-19 decimal digits, in [lo, hi]. 0 and
 * *out, or SA_E_INVALID_FIELD (*out untouched). */
int num_i64n(const char *s, size_t len, int64_t lo, int64_t hi, int64_t *out);
int num_i64(const char *s, int64_t lo, int64_t hi, int64_t *out); /* NUL-terminated; NULL refused */
/* A finite floating-point number (a Redis sorted-set score): 0 or SA_E_INVALID_FIELD. */
int num_double(const char *s, size_t len, double *out);

#endif
