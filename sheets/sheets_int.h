/*
 * sheets_int.h - what the files of sheets/ share (not public).
 *
 *   error.c      message table, sh_err (an error with owned strings), locations
 *   buf.c        growable strings with a sticky out-of-memory flag, UTF-8 helpers
 *   decode.c     bytes -> UTF-8 text (BOM, UTF-16, UTF-8 vs GB18030)
 *   numtext.c    numbers as shortest text, date serials <-> ISO 8601, format kinds
 *   reader.c     the reader: format detection, the source table, the row builder
 *   csv_read.c   the CSV source (RFC 4180 tokenizer)
 *   xlsx_pkg.c   the XLSX source: zip parts, safe expat parsers, rels, workbook,
 *                shared strings, styles
 *   xlsx_sheet.c the XLSX source: one sheet streamed row by row
 *   writer.c     the writer: checks, temporary file and rename, the sink table
 *   write_csv.c, write_xlsx.c  the two sinks
 */
#ifndef SKILLARENA_SHEETS_INTERNAL_H
#define SKILLARENA_SHEETS_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sheets.h"

#define SH_DEFAULT_MAX_BYTES ((size_t)256 << 20)
#define SH_DEFAULT_MAX_PART ((size_t)256 << 20)
#define SH_DEFAULT_MAX_ROWS 1048576u
#define SH_DEFAULT_MAX_COLS 16384u
#define SH_DEFAULT_MAX_CELL 131072u
#define SH_DEFAULT_MAX_CELLS 50000000u
#define SH_EXCEL_MAX_ROWS 1048576u
#define SH_EXCEL_MAX_COLS 16384u
#define SH_EXCEL_MAX_CHARS 32767u

/* ---- growable strings (buf.c) ---- */

/* A string that grows; after an allocation fails, oom stays set and puts are ignored. */
typedef struct sh_buf {
	char *s;
	size_t len, cap;
	bool oom;
} sh_buf;

void sh_buf_putn(sh_buf *b, const char *s, size_t n);
void sh_buf_puts(sh_buf *b, const char *s);
void sh_buf_putc(sh_buf *b, char c);
/* Ensures room for n more bytes plus a NUL; false when out of memory. */
bool sh_buf_reserve(sh_buf *b, size_t n);
void sh_buf_free(sh_buf *b);

/* Offset of the first invalid UTF-8 sequence (overlongs, surrogates refused), or -1. */
ptrdiff_t sh_utf8_invalid(const char *s, size_t len);
/* UTF-8 characters in the first n bytes of s. */
size_t sh_utf8_count(const char *s, size_t n);
/* Appends code point cp as UTF-8. */
void sh_buf_put_cp(sh_buf *b, uint32_t cp);
/* Width in Excel character units: 2 for East Asian wide characters, 1 otherwise. */
double sh_text_width(const char *s);
char *sh_strdup(const char *s);
/*
 * Room for element n of the array *array (a pointer to the array pointer)
 * of *cap elements of size bytes, doubling; false when out of memory.
 */
bool sh_reserve(void *array, size_t *cap, size_t n, size_t size);

/* ---- errors (error.c) ---- */

/* Where a problem is; strings are copied by sh_err_set. */
typedef struct sh_loc {
	const char *part;
	uint32_t line, line_col;
	const char *sheet;
	uint32_t row, col;
} sh_loc;

/* A sheets_error and the storage its strings point into. */
typedef struct sh_err {
	sheets_error e;
	char *file, *part, *sheet, *detail;
} sh_err;

void sh_err_init(sh_err *x, const char *file);
/* Records code at loc (may be NULL) with a printf-style detail (fmt may be NULL). Returns code. */
int sh_err_set(sh_err *x, int code, const sh_loc *loc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void sh_err_release(sh_err *x);

/* ---- numbers and dates (numtext.c) ---- */

/* How a number format shows a number. */
typedef enum sh_kind {
	SH_GENERAL = 0,
	SH_DATE,     /* a date: "2026-05-01" */
	SH_TIME,     /* a time of day: "09:30:00" (with a date when the value holds one) */
	SH_DATETIME, /* "2026-05-01T09:30:00" */
	SH_ZEROPAD,  /* "00000": integers padded with zeros to `pad` digits */
} sh_kind;

typedef struct sh_fmt {
	uint8_t kind; /* sh_kind */
	uint8_t pad;  /* SH_ZEROPAD: digits */
} sh_fmt;

/* The kind of a built-in number format id (0-163), including the zh-CN date ids. */
sh_fmt sh_fmt_builtin(unsigned id);
/* The kind of a format code ("yyyy/m/d;@", "[h]:mm", "00000"). */
sh_fmt sh_fmt_code(const char *code);

#define SH_NUM_MAX 40
/* d as the shortest decimal that reads back to d, written as JavaScript prints numbers. */
size_t sh_num_text(double d, char out[SH_NUM_MAX]);
/*
 * An Excel serial number shown as fmt says: ISO 8601 text for the date
 * kinds (1900 or 1904 date system), zero-padded digits for SH_ZEROPAD.
 * Returns the length, or 0 when the value is not shown that way (then the
 * caller writes the number).
 */
size_t sh_serial_text(double serial, sh_fmt fmt, bool date1904, char out[SH_NUM_MAX]);

/* A parsed ISO 8601 date and/or time. */
typedef struct sh_dt {
	int y, mo, d, h, mi, s;
	bool has_date, has_time;
} sh_dt;
/* "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS]" (T or space), "HH:MM[:SS]"; false when not one. */
bool sh_dt_parse(const char *s, sh_dt *dt);
/* The 1900-system serial of dt (years 1900-9999); -1 when out of range. */
double sh_dt_serial(const sh_dt *dt);
/*
 * Is (s, n) already what sh_num_text would print? True for plain decimals of
 * at most 15 significant digits (DBL_DIG: they read back exactly, and no
 * shorter text gives the same double) without leading or trailing zeros.
 */
bool sh_num_is_shortest(const char *s, size_t n);
/* Is s a plain decimal number (optional sign, digits, optional fraction and exponent)? */
bool sh_is_decimal(const char *s);

/* ---- the reader (reader.c) and its sources ---- */

/* One row being assembled: cells index the arena until sh_row_end. */
typedef struct sh_row {
	sheets_row pub;
	sheets_cell *cells;
	size_t *off; /* arena offset of each cell's text */
	uint32_t n, cap;
	sh_buf arena;
	uint64_t total; /* cells of the sheet's earlier rows (max_cells) */
} sh_row;

struct sheets_reader;

/* A format's reading functions (a row of sh_sources[] in reader.c). */
typedef struct sh_source {
	sheets_format fmt;
	/* reads what the sheets need; path or (data, len) */
	int (*open)(struct sheets_reader *r, const char *path, const void *data, size_t len);
	/* positions at the start of sheet index */
	int (*select)(struct sheets_reader *r, size_t index);
	/* assembles the next row with sh_row_*: SHEETS_ROW, SHEETS_DONE or a code */
	int (*next)(struct sheets_reader *r);
	void (*close)(struct sheets_reader *r);
} sh_source;

struct sheets_reader {
	const sh_source *src;
	void *state; /* the source's */
	sheets_read_opts o;
	char *name; /* for errors */
	sheets_sheet *sheets;
	size_t nsheets, sheets_cap, cur;
	bool opened;   /* the source's open succeeded */
	bool selected; /* a sheet is selected */
	sh_row row;
	sh_err err;
};

/* Sets the reader's error (sticky) at the current sheet; returns code. */
int sh_fail(struct sheets_reader *r, int code, const sh_loc *loc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Appends a sheet to the list (name copied). */
int sh_add_sheet(struct sheets_reader *r, const char *name, bool hidden);

void sh_row_start(struct sheets_reader *r, uint32_t num, uint32_t line);
/*
 * Ends a cell whose text was appended to r->row.arena from offset off: it
 * becomes column col (0-based). Checks the limits; a cell set twice is a
 * SHEETS_E_REF. Returns 0 or a code (already recorded).
 */
int sh_row_cell(struct sheets_reader *r, uint32_t col, uint8_t type, size_t off, uint32_t line,
		uint32_t line_col);
/* Ends the row (dropping empty cells at its end when trim); 0 when nothing is in it: skip it. */
uint32_t sh_row_end(struct sheets_reader *r, bool trim);

extern const sh_source sh_csv_source;
extern const sh_source sh_xlsx_source;

/* ---- the writer (writer.c) and its sinks ---- */

struct sheets_writer;

typedef struct sh_sink {
	sheets_format fmt;
	int (*open)(struct sheets_writer *w);
	int (*sheet)(struct sheets_writer *w, const char *name, const sheets_column *cols, size_t n);
	int (*row)(struct sheets_writer *w, const sheets_value *v, size_t n);
	int (*finish)(struct sheets_writer *w);
	void (*free)(struct sheets_writer *w);
} sh_sink;

struct sheets_writer {
	const sh_sink *sink;
	void *state; /* the sink's */
	sheets_write_opts o;
	char *path; /* the final path (NULL when writing into fn) */
	char *tmp;  /* where it is written until finish */
	int fd;     /* tmp, open (-1 once a sink took it or when writing into fn) */
	sheets_write_fn fn;
	void *ud;
	char **names; /* sheet names so far */
	size_t nsheets;
	char *sheet;  /* the current sheet's name */
	uint32_t row; /* rows written in the current sheet (header included) */
	bool finished;
	sh_err err;
};

/* Sets the writer's error (sticky) at the current sheet and row; col 0 when none. */
int sh_wfail(struct sheets_writer *w, int code, uint32_t col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

extern const sh_sink sh_csv_sink;
extern const sh_sink sh_xlsx_sink;

#endif
