/*
 * roster_file.h - a roster file (XLSX or CSV, read by the sheets library)
 * into checked rows (roster_file.c), and the rules of one row's fields, for
 * POST /api/roster/import and PUT /api/roster/workers/{employee_no}.
 *
 * Every row is checked; every refused row is reported with its sheet, row,
 * column, field, a code and the reason in zh-CN and English. A file with a
 * refused row imports nothing (api/roster.c). Pure apart from the sheets
 * library: it runs on libuv's thread pool (one file per thread).
 *
 * Ownership: a roster_file owns its rows, strings and JSON;
 * roster_file_release frees them. Strings a check returns are malloc'ed.
 */
#ifndef SKILLARENA_API_ROSTER_FILE_H
#define SKILLARENA_API_ROSTER_FILE_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#define ROSTER_DEPTH_MAX 8        /* segments of a unit path */
#define ROSTER_SEGMENT_MAX 64     /* characters of one segment */
#define ROSTER_PROBLEMS_MAX 10000 /* refused rows listed (all are counted) */

/* One worker as the file gives it, every field checked and trimmed. */
typedef struct roster_entry {
	char *employee_no, *name;
	char *path;       /* normalized: segments trimmed, joined by '/' */
	char *phone_tail; /* NULL: none */
} roster_entry;

typedef struct roster_file {
	roster_entry *rows;
	size_t n, cap;
	size_t seen;        /* data rows read (accepted + refused) */
	size_t refused;     /* rows refused (each counted once) */
	cJSON *sheets;      /* [{"name","header_row","rows","columns":{...}} | {"name","skipped":true}] */
	cJSON *problems;    /* [{"sheet","row","column","field","code","message","message_en"}], capped */
	const char *format; /* "xlsx" or "csv" */
} roster_file;

typedef struct roster_read_opts {
	const char *filename; /* shown in problems; its extension hints the format (may be NULL) */
	const char *format;   /* "xlsx", "csv" or NULL (detected) */
	const char *encoding; /* CSV: NULL/"auto", "utf-8", "gbk", ... */
} roster_read_opts;

/*
 * Reads and checks data (len bytes). 0: every row accepted (f->rows);
 * SA_E_INVALID_FIELD: rows refused, or the file cannot be read (f->problems
 * says where and why, code "bad_file" for the file itself); SA_E_INTERNAL.
 * f is always set and released with roster_file_release.
 */
int roster_file_read(const void *data, size_t len, const roster_read_opts *o, roster_file *f);
void roster_file_release(roster_file *f);

/* Why a field was refused: a code ("empty", "too_long", "invalid", "invisible", "bad_path",
 * "duplicate", "bad_file") and the reason in zh-CN and English (static text). */
typedef struct roster_why {
	const char *code, *zh, *en;
} roster_why;

/*
 * The field rules (docs/api.md, "Roster"). Each returns 0 with *out
 * malloc'ed (trimmed, normalized), or -1 with *why set (SA_E_INTERNAL when
 * memory ran out).
 */
int roster_check_employee_no(const char *s, char **out, roster_why *why);
int roster_check_name(const char *s, char **out, roster_why *why);
/* '/' or '／' between 1..ROSTER_DEPTH_MAX segments of the name rules (1..ROSTER_SEGMENT_MAX). */
int roster_check_path(const char *s, char **out, roster_why *why);
/* "" -> 0 with *out NULL; else exactly 4 digits. */
int roster_check_phone_tail(const char *s, char **out, roster_why *why);

#endif
