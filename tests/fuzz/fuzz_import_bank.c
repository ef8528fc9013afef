/*
 * fuzz_import_bank.c - libFuzzer target for a bank importer, one binary per
 * format: contests/contests.mk builds fuzz_import_{gift,aiken,csv,json} from
 * this file with -DFUZZ_FORMAT=CONTEST_BANK_<FORMAT>.
 *
 * Any input must be imported whole or refused with problems, never crash or
 * leak. An input that imports must also survive the exporters: its GIFT
 * export (when GIFT can express it) imports again to the same bank, and its
 * JSON export imports again to the same bank.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bank.h"

static score_engine *eng;
#ifndef FUZZ_FORMAT
#error "build with -DFUZZ_FORMAT=CONTEST_BANK_GIFT (or _AIKEN, _CSV, _JSON)"
#endif
static const contest_bank_format fuzz_format = FUZZ_FORMAT;

static void roundtrip(const contest_bank *b, contest_bank_format fmt)
{
	contest_diag d = {0};
	char *s = NULL;
	int rc = contest_bank_export(b, fmt, "en", &s, &d);
	if (rc != CONTEST_OK) { /* a type the format cannot express: a reported refusal */
		if (rc != CONTEST_E_INVALID || d.count == 0 || s)
			abort();
		contest_diag_free(&d);
		return;
	}
	contest_import_opts o = {.id = cJSON_GetStringValue(cJSON_GetObjectItem(b->root, "id")),
				 .title = cJSON_GetStringValue(cJSON_GetObjectItem(b->root, "title"))};
	contest_bank *again = NULL;
	if (contest_bank_import_mem("again", s, strlen(s), fmt, &o, eng, "en", &again, &d, NULL) != 0) {
		fprintf(stderr, "export does not import again:\n%s\n", s);
		contest_diag_print(&d, stderr);
		abort();
	}
	if (fmt == CONTEST_BANK_JSON || b->nwarnings == 0) {
		/* GIFT keeps what a bank from GIFT holds; JSON keeps everything */
		cJSON *x = cJSON_Duplicate(b->root, 1), *y = cJSON_Duplicate(again->root, 1);
		if (fmt == CONTEST_BANK_GIFT) { /* GIFT carries no bank title object */
			cJSON_DeleteItemFromObject(x, "title");
			cJSON_DeleteItemFromObject(y, "title");
		}
		if (!cJSON_Compare(x, y, 1)) {
			char *a = cJSON_Print(x), *c = cJSON_Print(y);
			fprintf(stderr, "round trip changed the bank:\n%s\n---\n%s\n", a, c);
			abort();
		}
		cJSON_Delete(x);
		cJSON_Delete(y);
	}
	contest_bank_free(again);
	contest_diag_free(&d);
	free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!eng && score_engine_new(&eng, NULL, NULL) != 0)
		abort();
	contest_diag d = {0}, w = {0};
	contest_bank *b = NULL;
	int rc = contest_bank_import_mem("fuzz", (const char *)data, size, fuzz_format, NULL, eng, "en", &b,
					 &d, &w);
	if (rc == 0) {
		if (!b || d.count)
			abort();
		roundtrip(b, CONTEST_BANK_JSON);
		if (fuzz_format == CONTEST_BANK_GIFT)
			roundtrip(b, CONTEST_BANK_GIFT);
		contest_bank_free(b);
	} else if (b || d.count == 0) {
		abort(); /* refused without saying why, or half-imported */
	}
	contest_diag_free(&d);
	contest_diag_free(&w);
	return 0;
}
