/*
 * xlsx_int.h - what xlsx_pkg.c and xlsx_sheet.c share (not public).
 *
 * An XLSX file is a zip of XML parts. xlsx_pkg.c opens the zip, follows the
 * relationships to the workbook and its sheets, and reads the two parts
 * every sheet needs (shared strings, styles); xlsx_sheet.c streams one
 * sheet. Every part goes through one kind of parser (xl_ctx): expat with
 * namespaces, no DOCTYPE (so no entities at all), fed 64 KiB at a time from
 * the zip, the uncompressed bytes counted against max_part_bytes as they
 * come, so a zip bomb stops at the limit whatever its headers claim.
 */
#ifndef SKILLARENA_SHEETS_XLSX_H
#define SKILLARENA_SHEETS_XLSX_H

#include <expat.h>
#include <zip.h>

#include "sheets_int.h"

/* A part being parsed. Handlers receive a struct that begins with it. */
typedef struct xl_ctx {
	sheets_reader *r;
	const char *part; /* its name in the zip */
	XML_Parser p;
	zip_file_t *zf;
	size_t total;   /* uncompressed bytes read so far */
	bool eof;       /* the last chunk was given to expat */
	bool suspended; /* a handler paused the parser (a row is ready) */
	int code;       /* a handler's error (already recorded), or 0 */
} xl_ctx;

/* The state of an open workbook (reader->state). */
typedef struct xl {
	zip_t *z;
	char **paths; /* each sheet's part, parallel to reader->sheets */
	sh_buf sst;   /* shared strings, each NUL-terminated */
	size_t *sst_off;
	size_t nsst, sst_cap;
	sh_fmt *xf; /* the number format kind of each cell style (cellXfs) */
	size_t nxf;
	bool date1904;
	struct xl_sheet *sheet; /* the sheet being streamed, or NULL */
} xl;

/* The local part of an expat namespace name ("uri\x01local" -> "local"). */
const char *xl_local(const char *name);
/* The value of the attribute with this local name, or NULL. */
const char *xl_attr(const char **atts, const char *local);

/*
 * Opens part `name` (case-insensitive, as OPC names are) and a safe parser
 * for it, handlers getting ud (which begins with c). Returns 0, 1 when the
 * part is absent and not required, or a code (recorded).
 */
int xl_ctx_open(xl_ctx *c, sheets_reader *r, const char *name, bool required, void *ud);
/* Parses on: XL_PAUSED when a handler paused, XL_MORE to call again, XL_DONE, or a code. */
enum { XL_DONE = 0, XL_PAUSED = 1, XL_MORE = 2 };
int xl_ctx_step(xl_ctx *c);
void xl_ctx_close(xl_ctx *c);
/* Records an error at the parser's position and stops it. */
void xl_ctx_fail(xl_ctx *c, int code, const char *detail);
/* Appends text with the OOXML escapes _xHHHH_ decoded. */
void xl_unescape(sh_buf *out, const char *s, size_t n);

/* The sheet streamer (xlsx_sheet.c). */
int xl_sheet_select(sheets_reader *r, size_t index);
int xl_sheet_next(sheets_reader *r);
void xl_sheet_free(struct xl_sheet *s);

#endif
