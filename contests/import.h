/*
 * import.h - internals shared by the importers and exporters (not public).
 *
 * An importer (import_gift.c, import_aiken.c) reads decoded UTF-8 text with
 * LF line ends, or (import_csv.c) the rows sheets/ reads from a CSV or XLSX
 * file, and fills a cx_imp: native question objects,
 * each with the line it starts on, and the categories met on the way. It
 * reports its own syntax problems at line:col; import.c then checks the
 * result as a bank.
 */
#ifndef SKILLARENA_IMPORT_H
#define SKILLARENA_IMPORT_H

#include "contests_int.h"
#include "sheets.h"

typedef struct cx_imp {
	cJSON *questions;  /* array of question objects */
	cJSON *categories; /* array of {"id", "title"} */
	int *lines;        /* source line of each question */
	size_t nlines, cap;
	const char *default_category;
	contest_diag *warn; /* skipped items (may be NULL) */
	size_t nwarn;
	char *sheet; /* XLSX: the sheet read */
} cx_imp;

/* false (c marked) when memory runs out; release im either way. */
bool cx_imp_init(cx *c, cx_imp *im);
void cx_imp_release(cx_imp *im);
/* Appends q (taken; NULL marks c) that starts at line. */
void cx_imp_add(cx *c, cx_imp *im, cJSON *q, int line);
/* The category id for a category name, adding the category on first use; NULL when memory runs out. */
const char *cx_imp_category(cx *c, cx_imp *im, const char *name);

/* Decodes a file's bytes to UTF-8 with LF line ends (see import.c). */
char *cx_decode(cx *c, const char *data, size_t len, const char *encoding, size_t *olen);
/* Reports a problem sheets/ found (decoding, CSV syntax, XLSX) at its line and column. */
void cx_sheets_err(cx *c, const sheets_error *e);

int cx_import_gift(cx *c, const char *text, size_t len, const contest_import_opts *o, cx_imp *im);
int cx_import_aiken(cx *c, const char *text, size_t len, const contest_import_opts *o, cx_imp *im);
/* CSV and XLSX get the file's bytes (not decoded text): sheets/ reads them. */
int cx_import_csv(cx *c, const char *data, size_t len, const contest_import_opts *o, cx_imp *im);
int cx_import_xlsx(cx *c, const char *data, size_t len, const contest_import_opts *o, cx_imp *im);

/* The exporters: a malloc'ed text, or NULL (problems, or c marked out of memory). */
char *cx_export_gift(cx *c, const cJSON *bank);
char *cx_export_json(cx *c, const cJSON *bank);

#endif
