/*
 * pgarr.h - PostgreSQL array literals for group commits (pgarr.c).
 *
 * pgarr_init, then pgarr_text / pgarr_num per element, pgarr_end for the
 * literal (NULL when memory ran out on the way), pgarr_release in every case.
 */
#ifndef SKILLARENA_STORE_PGARR_H
#define SKILLARENA_STORE_PGARR_H

#include <stddef.h>

typedef struct pgarr {
	char *buf; /* NULL once out of memory */
	size_t len, cap;
} pgarr;

void pgarr_init(pgarr *a);
void pgarr_text(pgarr *a, const char *s); /* quoted and escaped; NULL is "" */
void pgarr_num(pgarr *a, long long v);
const char *pgarr_end(pgarr *a); /* closes the literal; valid until pgarr_release */
void pgarr_release(pgarr *a);

#endif
