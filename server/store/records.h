/*
 * records.h - exports of the training records (records.c): a unit's ledger
 * over a period, and participation by unit against the roster's headcount,
 * read from records_ledger() / records_participation() (sql/080_records.sql)
 * row by row (libpq's single-row mode) into the sheets writer: XLSX in
 * constant-memory mode or CSV (UTF-8 with BOM). Blocking libpq: libuv's
 * thread pool only (a console job, api/records.c).
 */
#ifndef SKILLARENA_STORE_RECORDS_H
#define SKILLARENA_STORE_RECORDS_H

#include <stdint.h>

struct pg_conn;

typedef enum { RECORDS_LEDGER, RECORDS_PARTICIPATION } records_what;

/* A period and a unit; "" for none. from and to are days (YYYY-MM-DD, Asia/Shanghai), both included. */
typedef struct records_filter {
	const char *unit, *from, *to;
} records_filter;

typedef void (*records_progress_fn)(void *ud, double done);

/*
 * Writes what f selects into path (format: 1 XLSX, 0 CSV; headers and kinds
 * in English when lang_en). The file appears whole or not at all. 0 with the
 * number of data rows in *rows, or SA_E_UNAVAILABLE / SA_E_INTERNAL with
 * why in err.
 */
int records_export(struct pg_conn *pg, records_what what, int xlsx, int lang_en, const records_filter *f,
		   const char *path, records_progress_fn progress, void *ud, int64_t *rows, char *err,
		   size_t errlen);

/* The SQL of a period's bounds from $N (from) and $N+1 (to): "" -> NULL. */
#define RECORDS_FROM(n) "(nullif($" #n ", '')::date)::timestamp AT TIME ZONE 'Asia/Shanghai'"
#define RECORDS_TO(n) "(nullif($" #n ", '')::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'"

#endif
