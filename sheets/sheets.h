/*
 * sheets.h - spreadsheets in and out: XLSX and CSV, its one public header.
 *
 * Organizers live in Excel. Rosters (employee number, name, unit path
 * 公司/分厂/车间/班组, phone tail), question banks and exports of results and
 * training records all pass through here:
 *
 *   file or buffer -> sheets_open -> sheets_next (one row at a time) -> importer
 *   exporter -> sheets_writer_sheet / sheets_writer_row (streamed) -> file
 *
 * Reading. One interface over XLSX and CSV. A row is an array of UTF-8 cell
 * strings, cells[0] being column A, each with its type (text, number, date,
 * boolean, error) and the row's location (sheet name, 1-based row number as
 * Excel shows it) for error messages. XLSX sheets are streamed with expat
 * (the shared strings and the styles are the only parts held in memory); a
 * CSV file is decoded whole to UTF-8 (UTF-8 with or without BOM, UTF-16 with
 * BOM, otherwise GB18030 when it is not valid UTF-8) and cut into rows on
 * demand. docs/sheets.md has the details: how numbers, dates and formulas
 * read, the limits, and what merged cells give.
 *
 * Writing. XLSX through libxlsxwriter in constant-memory mode (rows go to
 * disk as they come: 100,000 rows never sit in memory), with a bold, frozen
 * header row, column widths, numbers as numbers, text as text, dates as
 * dates; CSV as UTF-8 with BOM and CRLF, RFC 4180 quoting and a guard
 * against formula injection. The file appears at its path only when
 * sheets_writer_finish() succeeds (it is written beside it and renamed).
 *
 * Errors. Every function returns 0 (or SHEETS_ROW) or a negative SHEETS_E_*
 * code. The reader or writer then holds a sheets_error saying where: the
 * file, the part inside the XLSX zip with its XML line, the CSV line, the
 * sheet, row and column. sheets_error_text() renders it in zh-CN or English
 * from one message table. An error is sticky: every later call returns it.
 *
 * Ownership. sheets_open*() and sheets_writer_open*() return a handle, also
 * when they fail (then holding the error; NULL only when memory ran out):
 * always release it with sheets_close() / sheets_writer_free(). A row, its
 * cells, the sheet list and an error's strings belong to the handle: a row
 * stays valid until the next sheets_next()/sheets_select*()/sheets_close(),
 * the rest until sheets_close(). Strings returned by sheets_error_text() and
 * sheets_decode() are malloc'ed: the caller frees them. A handle is used by
 * one thread at a time; separate handles are independent (no globals).
 *
 * Depends on libzip and expat (read XLSX), libxlsxwriter (write XLSX) and
 * glibc's iconv; nothing of the server.
 */
#ifndef SKILLARENA_SHEETS_H
#define SKILLARENA_SHEETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Result codes: 0 is success, errors are negative (messages: sheets_strerror). */
enum {
	SHEETS_OK = 0,
	SHEETS_E_NOMEM = -1,          /* out of memory */
	SHEETS_E_IO = -2,             /* cannot read or write a file (detail: the system's reason) */
	SHEETS_E_FORMAT = -3,         /* neither XLSX nor CSV, or an unknown format/extension */
	SHEETS_E_XLS = -4,            /* an old .xls or a password-protected workbook */
	SHEETS_E_ZIP = -5,            /* the XLSX zip is damaged (detail: libzip's reason) */
	SHEETS_E_XML = -6,            /* a part is not well-formed XML (detail: expat's reason) */
	SHEETS_E_DOCTYPE = -7,        /* a part declares a DOCTYPE or entities (refused) */
	SHEETS_E_PART = -8,           /* a part the workbook needs is missing or wrong */
	SHEETS_E_TOO_BIG = -9,        /* the input or one part is over its size limit */
	SHEETS_E_ROWS = -10,          /* more rows than the limit */
	SHEETS_E_COLS = -11,          /* more columns than the limit */
	SHEETS_E_CELL_TOO_LONG = -12, /* a cell's text is over its limit */
	SHEETS_E_REF = -13,           /* a cell or row reference is malformed, repeated or out of order */
	SHEETS_E_VALUE = -14,         /* a cell value is malformed (detail: the value) */
	SHEETS_E_ENCODING = -15,      /* an encoding name that is not known (detail: the name) */
	SHEETS_E_NOT_UTF8 = -16,      /* text said to be UTF-8 is not */
	SHEETS_E_DECODE = -17,        /* bytes invalid in the encoding (detail: the encoding) */
	SHEETS_E_DECODE_END = -18,    /* the text ends inside a character (detail: the encoding) */
	SHEETS_E_NUL = -19,           /* a NUL character in text */
	SHEETS_E_QUOTE = -20,         /* CSV: a quoted field is not closed */
	SHEETS_E_NO_SHEET = -21,      /* no sheet of that name or index */
	SHEETS_E_SHEET_NAME = -22,    /* a sheet name Excel refuses (detail: why) */
	SHEETS_E_DUP_SHEET = -23,     /* two sheets of one name */
	SHEETS_E_USAGE = -24,         /* the API used out of order (a bug in the caller) */
	SHEETS_E_WRITER = -25,        /* libxlsxwriter failed (detail: its reason) */
	SHEETS_E_UNSUPPORTED = -26,   /* something this format cannot do */
	SHEETS_E_CELLS = -27,         /* more cells in a sheet than the limit */
};
#define SHEETS_E_LAST SHEETS_E_CELLS

/* sheets_next() returns SHEETS_ROW while there are rows, then SHEETS_DONE. */
#define SHEETS_ROW 1
#define SHEETS_DONE 0

/* Stable name of a code ("SHEETS_E_ZIP"); "?" for an unknown code. */
const char *sheets_errname(int code);
/* The message of a code, lang "zh-CN" (default) or "en". */
const char *sheets_strerror(int code, const char *lang);

/*
 * Where and what went wrong. Strings point into the handle that reported it
 * (or are static) and live as long as it. Zero fields are unknown.
 */
typedef struct sheets_error {
	int code;           /* 0 or SHEETS_E_* */
	const char *file;   /* the file or buffer name */
	const char *part;   /* XLSX: the part inside the zip ("xl/worksheets/sheet1.xml") */
	uint32_t line;      /* line in the CSV text or in the part's XML */
	uint32_t line_col;  /* column in that line (characters; bytes for undecodable text) */
	const char *sheet;  /* the sheet's name */
	uint32_t row;       /* 1-based row number */
	uint32_t col;       /* 1-based column number (1 is A) */
	const char *detail; /* the offending value or the underlying library's reason */
} sheets_error;

/*
 * The error as one line, e.g. "名册.xlsx: 花名册!C5: 单元格文本超过长度上限：131073 字节"
 * or "roster.csv:12:8: 名单!C12: unterminated quoted field". malloc'ed (NULL
 * only when out of memory or e->code is 0).
 */
char *sheets_error_text(const sheets_error *e, const char *lang);

/* Column number (1 = A) as letters, into buf of at least 4 bytes; "" beyond XFD. */
void sheets_col_name(uint32_t col, char buf[4]);
/* Letters ("C", "xfd") to a column number; 0 when not letters or beyond 16384. */
uint32_t sheets_col_number(const char *letters);

/* ---- reading ---- */

typedef enum sheets_format {
	SHEETS_AUTO = 0, /* reading: by content, then by extension; writing: by extension */
	SHEETS_XLSX,
	SHEETS_CSV,
} sheets_format;

typedef enum sheets_type {
	SHEETS_EMPTY = 0,
	SHEETS_TEXT,   /* text, as typed ("00012" stays "00012") */
	SHEETS_NUMBER, /* shortest exact decimal: "12345678901", "0.1", "-3.5", "1e-7" */
	SHEETS_DATE,   /* ISO 8601: "2026-05-01", "2026-05-01T09:30:00", "09:30:00" */
	SHEETS_BOOL,   /* "TRUE" or "FALSE" */
	SHEETS_ERROR,  /* a formula's error value: "#DIV/0!", "#N/A" */
} sheets_type;

typedef struct sheets_cell {
	const char *s; /* UTF-8, NUL-terminated; "" when empty */
	uint32_t len;  /* bytes in s */
	uint8_t type;  /* sheets_type */
	/* CSV: the line and character column where the field starts in the
	 * file; XLSX: the row and column numbers. */
	uint32_t line, line_col;
} sheets_cell;

typedef struct sheets_row {
	const char *sheet;        /* the sheet's name (a CSV's: the file name without extension) */
	uint32_t num;             /* 1-based row number as Excel shows it (CSV: the record) */
	uint32_t line;            /* CSV: the line the record starts on; XLSX: num */
	uint32_t ncells;          /* >= 1; XLSX: up to the last cell that is not empty; CSV: every field */
	const sheets_cell *cells; /* cells[0] is column A; gaps are SHEETS_EMPTY cells */
} sheets_row;

/* Options of a reader; a zeroed struct is the default. */
typedef struct sheets_read_opts {
	sheets_format format;    /* SHEETS_AUTO: zip magic -> XLSX, .xls/OLE -> refused, else CSV */
	const char *name;        /* the name errors show (default: the path, or "sheet.csv" for a buffer);
			       * for a buffer also the extension hint and the CSV sheet's name */
	const char *encoding;    /* CSV: NULL or "auto" (detect), "utf-8", "gbk", "gb18030", "utf-16", ... */
	char delimiter;          /* CSV: 0 sniffs ',' ';' or tab from the first line */
	size_t max_bytes;        /* the file or buffer (default 256 MiB) */
	size_t max_part_bytes;   /* XLSX: uncompressed bytes of one part, counted as read (256 MiB) */
	uint32_t max_rows;       /* highest row number (1,048,576, Excel's) */
	uint32_t max_cols;       /* highest column number (16,384 = XFD, Excel's) */
	uint32_t max_cell_bytes; /* bytes of one cell's text (131,072: Excel's 32,767 characters) */
	uint64_t max_cells;      /* cells of one sheet, gaps before a cell included (50,000,000) */
} sheets_read_opts;

typedef struct sheets_reader sheets_reader;

/* A sheet of a workbook, in workbook order (a CSV has one). */
typedef struct sheets_sheet {
	const char *name;
	bool hidden; /* hidden or very hidden in Excel */
} sheets_sheet;

/*
 * Opens a file (sheets_open) or a buffer (sheets_open_mem: the bytes must
 * stay valid and unchanged until sheets_close) and reads what every sheet
 * needs: for XLSX the workbook, its relationships, the shared strings and
 * the styles; for CSV the whole text, decoded. Returns 0, or a code with the
 * error in sheets_reader_error(*out). *out is always set (NULL only on
 * SHEETS_E_NOMEM) and released with sheets_close().
 */
int sheets_open(sheets_reader **out, const char *path, const sheets_read_opts *o);
int sheets_open_mem(sheets_reader **out, const void *data, size_t len, const sheets_read_opts *o);
void sheets_close(sheets_reader *r);

/* The format the input was taken for (SHEETS_XLSX or SHEETS_CSV; SHEETS_AUTO when refused before). */
sheets_format sheets_reader_format(const sheets_reader *r);
/* The last error (code 0 when none). */
const sheets_error *sheets_reader_error(const sheets_reader *r);

/* The sheets in workbook order; *n receives their number. */
const sheets_sheet *sheets_list(const sheets_reader *r, size_t *n);

/* Starts (or restarts) reading a sheet by index or by name (exact match). */
int sheets_select(sheets_reader *r, size_t index);
int sheets_select_name(sheets_reader *r, const char *name);

/*
 * The next row of the selected sheet (the first sheet when none was
 * selected): SHEETS_ROW with *row set, SHEETS_DONE at the end, or a
 * negative code. Rows without a non-empty cell are skipped (their numbers
 * are not: a gap in num is a blank row). An XLSX row ends at its last cell
 * that is not empty; a CSV row has every field of its record (",," at the
 * end gives empty cells, each with its place in the file).
 */
int sheets_next(sheets_reader *r, const sheets_row **row);

/*
 * Decodes text to UTF-8 as the CSV reader does: a UTF-8 BOM is dropped,
 * UTF-16 with a BOM is converted, other text is UTF-8 when valid and
 * GB18030 (the superset of GBK) otherwise, unless `encoding` names one
 * ("auto" or NULL detects). With `lf`, CR LF and lone CR become LF. On
 * success *out is malloc'ed (NUL-terminated, no NUL inside) and *olen set.
 * On failure err->code, err->line, err->line_col and err->detail say why.
 */
int sheets_decode(const char *data, size_t len, const char *encoding, bool lf, char **out, size_t *olen,
		  sheets_error *err);

/* ---- writing ---- */

/* A value to write: text stays text, a number stays a number. */
typedef struct sheets_value {
	uint8_t type;  /* sheets_type (SHEETS_ERROR is not written) */
	const char *s; /* TEXT: UTF-8; DATE: ISO 8601 "YYYY-MM-DD[THH:MM[:SS]]" or "HH:MM[:SS]" */
	double num;    /* NUMBER: the value; BOOL: 0 or 1 */
} sheets_value;

static inline sheets_value sheets_text(const char *s)
{
	sheets_value v = {SHEETS_TEXT, s ? s : "", 0};
	return v;
}
static inline sheets_value sheets_number(double d)
{
	sheets_value v = {SHEETS_NUMBER, NULL, d};
	return v;
}
static inline sheets_value sheets_date(const char *iso)
{
	sheets_value v = {SHEETS_DATE, iso, 0};
	return v;
}
static inline sheets_value sheets_bool(bool b)
{
	sheets_value v = {SHEETS_BOOL, NULL, b ? 1 : 0};
	return v;
}
static inline sheets_value sheets_empty(void)
{
	sheets_value v = {SHEETS_EMPTY, NULL, 0};
	return v;
}

/* A column of a sheet being written. */
typedef struct sheets_column {
	const char *title;      /* the header cell (NULL: none; no title in any column: no header row) */
	double width;           /* XLSX: in characters; 0 fits the title (CJK counts 2), 8 to 60 */
	const char *num_format; /* XLSX: Excel number format of NUMBER cells ("0.00"), NULL: general */
} sheets_column;

/* Options of a writer; a zeroed struct is the default. */
typedef struct sheets_write_opts {
	sheets_format format;  /* SHEETS_AUTO: from the path's extension (.xlsx, .csv or .tsv) */
	const char *name;      /* the name errors show (default: the path) */
	const char *tmpdir;    /* XLSX: libxlsxwriter's temporary files (default: the system's) */
	const char *encoding;  /* CSV: NULL/"utf-8" (with BOM), or "gb18030"/"gbk" (no BOM) */
	char delimiter;        /* CSV: ',' (a .tsv path: tab) */
	bool csv_no_bom;       /* CSV UTF-8 without the BOM (for machines, not Excel) */
	bool csv_plain_digits; /* CSV: do not tab-prefix digit strings Excel would mangle (below) */
} sheets_write_opts;

typedef struct sheets_writer sheets_writer;

/* Writes the bytes of a CSV: 0, or -1 on failure (errno says why). */
typedef int (*sheets_write_fn)(void *ud, const void *data, size_t len);

/*
 * Starts a workbook at path (written beside it as path.XXXXXX and renamed on
 * sheets_writer_finish), or a CSV into fn (sheets_writer_open_fn; CSV only).
 * Returns 0, or a code with the error in sheets_writer_error(*out); *out is
 * always set (NULL only on SHEETS_E_NOMEM) and released with
 * sheets_writer_free().
 */
int sheets_writer_open(sheets_writer **out, const char *path, const sheets_write_opts *o);
int sheets_writer_open_fn(sheets_writer **out, sheets_write_fn fn, void *ud, const sheets_write_opts *o);

/*
 * Adds a sheet and writes its header row (bold and frozen in XLSX). A CSV
 * takes one sheet (its name is only checked). Names follow Excel's rules
 * (sheets_sheet_name_check) and must differ (ignoring ASCII case).
 */
int sheets_writer_sheet(sheets_writer *w, const char *name, const sheets_column *cols, size_t ncols);

/*
 * Writes the next row of the current sheet: n values, column A first.
 * Rows stream out: XLSX holds one row in memory, CSV one buffer.
 *
 * CSV cells are quoted when they hold the delimiter, a quote, CR or LF. A
 * TEXT cell that begins with = + - @ tab or CR gets a leading apostrophe so
 * that Excel shows it instead of running it as a formula (CSV injection),
 * unless it is a plain decimal number ("-3.5"); NUMBER cells are written as
 * numbers. A TEXT cell of digits only that Excel would turn into a number
 * and damage (a leading 0 as in "00012", or more than 15 digits as an
 * 18-digit ID number) gets a leading tab, which Excel keeps as text, unless
 * csv_plain_digits. In XLSX text is never run as a formula: no prefix.
 */
int sheets_writer_row(sheets_writer *w, const sheets_value *v, size_t n);

/* Completes the file (XLSX: libxlsxwriter assembles it; then the rename). */
int sheets_writer_finish(sheets_writer *w);
const sheets_error *sheets_writer_error(const sheets_writer *w);
/* Frees w; an unfinished or failed output is removed (never half a file). */
void sheets_writer_free(sheets_writer *w);

/*
 * Checks a sheet name against Excel's rules: 1 to 31 characters, none of
 * [ ] : * ? / \, not beginning or ending with an apostrophe, not "History".
 * Returns 0 or SHEETS_E_SHEET_NAME with *why (static, English/Chinese by
 * lang) when why is not NULL.
 */
int sheets_sheet_name_check(const char *name, const char *lang, const char **why);

#ifdef __cplusplus
}
#endif
#endif
