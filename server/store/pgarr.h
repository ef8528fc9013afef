/* pgarr.h - PostgreSQL array literals for group commits (pgarr.c). */
#ifndef SKILLARENA_PGARR_H
#define SKILLARENA_PGARR_H

#include <stddef.h>

typedef struct pgarr {
	char *buf;
	size_t len, cap;
} pgarr;

void pgarr_init(pgarr *a);
void pgarr_text(pgarr *a, const char *s); /* quoted and escaped */
void pgarr_num(pgarr *a, long long v);
const char *pgarr_end(pgarr *a); /* closes the literal; valid until pgarr_release */
void pgarr_release(pgarr *a);

#endif
