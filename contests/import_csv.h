/*
 * import_csv.h - internals of the CSV importer (not public): the reader of
 * rows (import_csv.c: RFC 4180, the header, the common columns of a row)
 * and the builders of the answer columns, one per question type
 * (import_csv_answer.c), share the row, its columns and the cell helpers.
 */
#ifndef SKILLARENA_IMPORT_CSV_H
#define SKILLARENA_IMPORT_CSV_H

#include "import.h"

#define CSV_MAX_OPTIONS 8

typedef struct csv_field {
	char *s;
	int line, col;
} csv_field;

typedef struct csv_row {
	csv_field *f;
	int n, cap;
	int line;
} csv_row;

/* The columns: a role, and the names a header may give it. */
typedef enum {
	COL_ID,
	COL_TYPE,
	COL_TEXT,
	COL_ANSWER,
	COL_EXPLANATION,
	COL_CATEGORY,
	COL_DIFFICULTY,
	COL_TAGS,
	COL_POINTS,
	COL_TIME,
	COL_TOLERANCE,
	COL_UNIT,
	COL_TEXT_EN,
	COL_EXPL_EN,
	COL_OPT0, /* COL_OPT0 + k for option k (A..H) */
	COL_MAX = COL_OPT0 + CSV_MAX_OPTIONS
} csv_col;

typedef struct csv_ctx {
	cx *c;
	const csv_row *r;
	int idx[COL_MAX]; /* field index of each column, -1 when absent */
	const char *colname[COL_MAX];
} csv_ctx;

/* Trims blanks (and ideographic spaces) at both ends, returning a new string; NULL (c marked) on no memory. */
char *csv_trim(cx *c, const char *s);
/* Is s only blanks (what csv_trim() leaves nothing of)? */
bool csv_empty(const char *s);
/* Full-width ASCII (U+FF01..U+FF5E) to ASCII, and upper case, for answer cells; NULL on no memory. */
char *csv_fold(cx *c, const char *s);
/*
 * Splits s at any of the separators (ASCII or UTF-8 strings) into out[max],
 * each piece trimmed; returns the number of pieces (more than max when they
 * did not fit), or -1 (c marked) when memory runs out.
 */
int csv_split(cx *c, const char *s, const char *const *seps, char **out, int max);
void csv_free_pieces(char **v, int n, int max);
/* A whole cell as a finite number. */
bool csv_parse_num(const char *s, double *out);
/* The cell of a column in the current row ("" when absent). */
const char *csv_cell(const csv_ctx *x, csv_col col);
/* Reports a problem at the cell of a column (or the row when the column is absent). */
void csv_err(const csv_ctx *x, csv_col col, cx_msg m, ...);

/* A question type as the type column names it, with the builder of its answer columns. */
typedef struct csv_type_row csv_type_row;
/* The type a type cell names, or NULL. */
const csv_type_row *csv_type_of(const char *cell);
const char *csv_type_name(const csv_type_row *row);
/* The answer fields of q (options, answer, ...) by the row's type; false after reporting a problem. */
bool csv_answer(csv_ctx *x, const csv_type_row *row, cJSON *q);

#endif
