/*
 * fuzz_import_contest.c - libFuzzer target for contest definitions
 * (contest_load_mem): any input loads or is refused with problems; a loaded
 * contest draws a participant's paper without error.
 */
#include <stdint.h>
#include <stdlib.h>

#include "contest.h"

static score_engine *eng;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!eng && score_engine_new(&eng, NULL, NULL) != 0)
		abort();
	contest_diag d = {0};
	contest_def *c = NULL;
	/* the name puts relative bank paths under the sample banks */
	int rc = contest_load_mem("contests/samples/fuzz.json", (const char *)data, size, eng, "en", &c, &d);
	if (rc == 0) {
		contest_paper *p = NULL;
		char *err = NULL;
		if (contest_paper_draw(c, eng, "fuzzer", &p, &err) != 0)
			abort();
		contest_paper_free(p);
		free(err);
		contest_free(c);
	} else if (c || d.count == 0) {
		abort();
	}
	contest_diag_free(&d);
	return 0;
}
