/*
 * pgcopy.h - many rows into a table at once with COPY ... FROM STDIN, text
 * format (pgcopy.c), over a blocking libpq connection (the thread pool's
 * work: a roster import, the ranking of a finished contest). Rows are
 * escaped into a buffer sent every 256 KiB; about 150,000 rows a second here.
 *
 *   pgcopy c;
 *   pgcopy_begin(&c, pg, "COPY t (a, b) FROM STDIN");
 *   pgcopy_text(&c, "x"); pgcopy_num(&c, 1); pgcopy_row(&c);   ... for each row
 *   rc = pgcopy_end(&c, err, sizeof err);
 *
 * A failure (the connection, memory) is kept and reported by pgcopy_end,
 * which always ends the COPY and frees the buffer.
 */
#ifndef SKILLARENA_STORE_PGCOPY_H
#define SKILLARENA_STORE_PGCOPY_H

#include <stddef.h>

#include <libpq-fe.h>

typedef struct pgcopy {
	PGconn *pg;
	char *buf;
	size_t len, cap;
	int fields; /* in the row being written */
	int failed;
	size_t rows;
} pgcopy;

/* Starts the COPY: 0, or -1 (the statement failed; pgcopy_end says why). */
int pgcopy_begin(pgcopy *c, PGconn *pg, const char *sql);
void pgcopy_text(pgcopy *c, const char *s); /* NULL is SQL NULL */
void pgcopy_num(pgcopy *c, long long v);
void pgcopy_raw(pgcopy *c, const char *s); /* a value already in COPY's text form ("t", "{1,2}") */
void pgcopy_row(pgcopy *c);
/* Ends it: 0 with every row stored, or SA_E_UNAVAILABLE / SA_E_INTERNAL with PostgreSQL's reason in err. */
int pgcopy_end(pgcopy *c, char *err, size_t errlen);

#endif
