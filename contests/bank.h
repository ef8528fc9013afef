/*
 * bank.h - question banks: the native JSON format, importers and exporters
 * (public header of contests/ besides contest.h).
 *
 * A bank (docs/contests.md, contests/schema/bank.schema.json) is a JSON file
 * {"format": "skillarena-bank/1", "id", "title", "categories", "questions"}
 * whose questions carry a category, a difficulty (easy, medium, hard) and
 * tags, so contests draw from it by blueprint. Organizers' material arrives
 * as Moodle GIFT, Aiken or CSV (one question per row, as saved by Excel in
 * UTF-8, UTF-8 with BOM, GBK/GB18030 or UTF-16): the importers turn such a
 * file into a native bank, whole or not at all, with every problem reported
 * with file, line, column and reason. The exporters write a bank back to
 * JSON or GIFT, so a bank round-trips.
 *
 * Ownership: a contest_bank from contest_bank_load()/contest_bank_import() is
 * freed by contest_bank_free(); strings returned by the exporters are
 * malloc'ed and freed by the caller.
 */
#ifndef SKILLARENA_BANK_H
#define SKILLARENA_BANK_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "contest.h"
#include "scoring.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum contest_bank_format {
	CONTEST_BANK_JSON = 0,
	CONTEST_BANK_GIFT,
	CONTEST_BANK_AIKEN,
	CONTEST_BANK_CSV,
	CONTEST_BANK_XLSX,
} contest_bank_format;

/* "json", "gift", "aiken", "csv", "xlsx" -> format; -1 when unknown. */
int contest_bank_format_parse(const char *name);
const char *contest_bank_format_name(contest_bank_format f);
/* The format a file name suggests (.json .gift .txt(aiken) .aiken .csv .tsv .xlsx); -1 when none. */
int contest_bank_format_guess(const char *path);

typedef struct contest_bank {
	cJSON *root; /* the bank as native JSON; owned */
	size_t nquestions;
	size_t nwarnings; /* items skipped on import (GIFT descriptions) */
} contest_bank;

/*
 * What an import built, row by row, for a report of every row: each
 * question the file held (refused ones too: those whose fields parsed but
 * which the bank check refused), with the line (CSV, GIFT, Aiken) or the
 * row (XLSX) it starts on. Filled also when the import fails; released with
 * contest_import_rows_free().
 */
typedef struct contest_import_row {
	int line;
	char *id, *type; /* NULL when the question has none */
} contest_import_row;
typedef struct contest_import_rows {
	contest_import_row *v;
	size_t n;
	char *sheet; /* XLSX: the name of the sheet read (the first); NULL otherwise */
} contest_import_rows;
void contest_import_rows_free(contest_import_rows *r);

/* Options of an import; a zeroed struct is the default. */
typedef struct contest_import_opts {
	const char *id;       /* bank id; default: the file name without extension */
	const char *title;    /* bank title (zh-CN); default: the id */
	const char *category; /* category of questions that name none (GIFT before any $CATEGORY) */
	const char *encoding; /* CSV/Aiken/GIFT input encoding: NULL or "auto" detects (not XLSX: UTF-8) */
	contest_import_rows *rows; /* when not NULL: receives the rows (empty it first); not for JSON */
} contest_import_opts;

/*
 * Loads a native bank file, or imports a GIFT/Aiken/CSV/XLSX file, and validates
 * every question (each compiled by eng). Returns CONTEST_OK and *out, or
 * CONTEST_E_INVALID with every problem in *diag (diag may be NULL), or
 * CONTEST_E_NOMEM; nothing in *out on failure. Warnings (skipped items) are
 * added to *warn when it is not NULL, also on success.
 */
int contest_bank_load(const char *path, const score_engine *eng, const char *lang, contest_bank **out,
		      contest_diag *diag);
int contest_bank_import(const char *path, contest_bank_format fmt, const contest_import_opts *opts,
			const score_engine *eng, const char *lang, contest_bank **out, contest_diag *diag,
			contest_diag *warn);
/* Imports from memory (used by the fuzz targets); `name` is shown in problems. */
int contest_bank_import_mem(const char *name, const char *data, size_t len, contest_bank_format fmt,
			    const contest_import_opts *opts, const score_engine *eng, const char *lang,
			    contest_bank **out, contest_diag *diag, contest_diag *warn);
void contest_bank_free(contest_bank *b);

/*
 * Writes a bank as native JSON (pretty, keys in their stored order) or as
 * GIFT into *out (malloc'ed). Returns CONTEST_OK, CONTEST_E_INVALID with the
 * problems in *diag (a question the format cannot express), or
 * CONTEST_E_NOMEM; *out is NULL on failure.
 */
int contest_bank_export(const contest_bank *b, contest_bank_format fmt, const char *lang, char **out,
			contest_diag *diag);

#ifdef __cplusplus
}
#endif
#endif
