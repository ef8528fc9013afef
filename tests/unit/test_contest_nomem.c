/*
 * test_contest_nomem.c - running out of memory, curl/SQLite style: every
 * operation of the contests library is run again and again, the Nth
 * allocation failing on the Nth run (ours through contest_set_allocator(),
 * cJSON's through its hooks), until a run meets no failure. A failed run
 * must end cleanly - CONTEST_E_NOMEM (SCORE_E_NOMEM for a draw), nothing
 * returned, nothing leaked, never an abort - or, where the library could
 * retry (a JSON parse), with exactly the result of a run without failures.
 * Leaks: the ASan build checks after each operation's runs that none
 * leaked (TC_LEAK_EVERY=k checks every k runs, to name the one that did).
 */
#include <cjson/cJSON.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#define HAVE_LSAN 1
#else
#define HAVE_LSAN 0
static int __lsan_do_recoverable_leak_check(void) { return 0; }
#endif

#include "test_contests_util.h"

static long fail_at, calls; /* fail_at 0: never */
static bool failed, armed;

static bool fail_now(void)
{
	if (!armed || ++calls != fail_at)
		return false;
	failed = true;
	return true;
}

static void *t_malloc(size_t n) { return fail_now() ? NULL : malloc(n); }
static void *t_realloc(void *p, size_t n) { return fail_now() ? NULL : realloc(p, n); }

static int setup(void **state)
{
	tc_setup(state);
	cJSON_Hooks hooks = {t_malloc, free};
	cJSON_InitHooks(&hooks);
	contest_set_allocator(t_malloc, t_realloc);
	return 0;
}

static int teardown(void **state)
{
	contest_set_allocator(NULL, NULL);
	cJSON_InitHooks(NULL);
	return tc_teardown(state);
}

/*
 * One operation under test: returns its code and, with allocations no longer
 * failing (armed cleared), *digest, a text of what it produced (the result,
 * or the problems); frees everything else.
 */
typedef int (*op_fn)(score_engine *eng, char **digest);

static char *diag_digest(contest_diag *d)
{
	armed = false;
	char *t = tc_diag_text(d);
	contest_diag_free(d);
	return t;
}

/* "id id id ..." of a list of questions, with their options. */
static char *questions_digest(const contest_question *q, size_t n)
{
	armed = false;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	for (size_t i = 0; i < n; i++) {
		char *o = cJSON_PrintUnformatted(cJSON_GetObjectItem(q[i].def, "options"));
		fprintf(fp, "%s %s\n", q[i].id, o ? o : "-");
		free(o);
	}
	fclose(fp);
	return buf;
}

/* Fails each allocation of op in turn; returns the number of allocations op makes. */
static long torture(score_engine *eng, op_fn op, int nomem_rc)
{
	char *want = NULL;
	fail_at = 0;
	armed = true;
	int want_rc = op(eng, &want);
	for (fail_at = 1;; fail_at++) {
		char *got = NULL;
		calls = 0;
		failed = false;
		armed = true;
		int rc = op(eng, &got);
		long n = calls;
		armed = false;
		bool same = rc == want_rc && strcmp(got, want) == 0;
		if (!failed && !same)
			fail_msg("a run without failure returned %d:\n%s", rc, got);
		if (failed && rc != nomem_rc && !same)
			fail_msg("allocation %ld of %ld failed: returned %d, not %d (or %d):\n%s", fail_at, n,
				 rc, nomem_rc, want_rc, got);
		free(got);
		/* TC_LEAK_EVERY=k [TC_LEAK_FROM=run]: a leak check every k runs, to find the one that leaks */
		long every = getenv("TC_LEAK_EVERY") ? atol(getenv("TC_LEAK_EVERY")) : 0;
		long from = getenv("TC_LEAK_FROM") ? atol(getenv("TC_LEAK_FROM")) : 0;
		if (HAVE_LSAN && every > 0 && fail_at >= from && fail_at % every == 0 &&
		    __lsan_do_recoverable_leak_check())
			fail_msg("a run up to %ld (of %ld allocations) leaked", fail_at, n);
		if (!failed) {
			free(want);
			if (HAVE_LSAN && __lsan_do_recoverable_leak_check())
				fail_msg("a run of this operation leaked (TC_LEAK_EVERY=k narrows it down)");
			return n;
		}
	}
}

static int load(score_engine *eng, const char *path, char **digest)
{
	contest_diag d = {0};
	contest_def *c = NULL;
	int rc = contest_load(path, eng, "en", &c, &d);
	if ((rc == CONTEST_OK) != (c != NULL))
		fail_msg("contest_load returned %d and %p", rc, (void *)c);
	*digest = c ? questions_digest(c->questions, c->nquestions) : diag_digest(&d);
	contest_free(c);
	contest_diag_free(&d);
	return rc;
}

static int op_load_ratio(score_engine *eng, char **digest)
{
	return load(eng, TD "contest/ratio.json", digest);
}
static int op_load_stages(score_engine *eng, char **digest)
{
	return load(eng, TD "contest/stages.json", digest);
}
static int op_load_bad(score_engine *eng, char **digest) { return load(eng, TD "contest/bad.json", digest); }

static contest_def *loaded; /* the contest op_draw draws from, loaded without failures */

static int op_draw(score_engine *eng, char **digest)
{
	contest_paper *p = NULL;
	char *err = NULL;
	int rc = contest_paper_draw(loaded, eng, "p1", &p, &err);
	if ((rc == 0) != (p != NULL))
		fail_msg("contest_paper_draw returned %d and %p", rc, (void *)p);
	*digest = p ? questions_digest(p->questions, p->nquestions) : (armed = false, strdup(err ? err : ""));
	contest_paper_free(p);
	free(err);
	return rc;
}

/* The question pool of self-paced play (contests/pool.c). */
static int op_pool(score_engine *eng, char **digest)
{
	contest_pool *p = NULL;
	char *err = NULL;
	int rc = contest_pool_build(loaded, eng, &p, &err);
	if ((rc == 0) != (p != NULL))
		fail_msg("contest_pool_build returned %d and %p", rc, (void *)p);
	armed = false;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	for (size_t i = 0; p && i < p->n; i++)
		fprintf(fp, "%s %s %s\n", p->items[i].q.id, p->items[i].bank ? p->items[i].bank : "-",
			p->items[i].category);
	if (!p)
		fprintf(fp, "%s", err ? err : "");
	fclose(fp);
	*digest = buf;
	contest_pool_free(p);
	free(err);
	return rc;
}

/* Imports a file, then exports it as GIFT and as JSON. */
static int import(score_engine *eng, char **digest, const char *path, contest_bank_format fmt)
{
	contest_bank *b = NULL;
	contest_diag d = {0}, w = {0};
	char *gift = NULL, *json = NULL;
	int rc = contest_bank_import(path, fmt, NULL, eng, "en", &b, &d, &w);
	if ((rc == CONTEST_OK) != (b != NULL))
		fail_msg("import of %s returned %d and %p", path, rc, (void *)b);
	if (b && (rc = contest_bank_export(b, CONTEST_BANK_GIFT, "en", &gift, &d)) == CONTEST_E_INVALID)
		rc = CONTEST_OK; /* a type GIFT cannot say: the problems are the digest */
	if (b && rc == CONTEST_OK)
		rc = contest_bank_export(b, CONTEST_BANK_JSON, "en", &json, &d);
	char *problems = diag_digest(&d);
	if (json && asprintf(digest, "%s\n%s\n%s", gift ? gift : "", json, problems) < 0)
		fail_msg("asprintf");
	if (!json)
		*digest = strdup(problems);
	free(problems);
	free(gift);
	free(json);
	contest_bank_free(b);
	contest_diag_free(&w);
	return rc;
}

static int op_gift(score_engine *eng, char **digest)
{
	return import(eng, digest, TD "gift/moodle.gift", CONTEST_BANK_GIFT);
}
static int op_gift_bad(score_engine *eng, char **digest)
{
	return import(eng, digest, TD "gift/malformed.gift", CONTEST_BANK_GIFT);
}
static int op_csv(score_engine *eng, char **digest)
{
	return import(eng, digest, TD "csv/bank_gbk.csv", CONTEST_BANK_CSV);
}
static int op_csv_bad(score_engine *eng, char **digest)
{
	return import(eng, digest, TD "csv/malformed.csv", CONTEST_BANK_CSV);
}
static int op_aiken(score_engine *eng, char **digest)
{
	return import(eng, digest, TD "aiken/bank.aiken.txt", CONTEST_BANK_AIKEN);
}
static int op_json_bank(score_engine *eng, char **digest)
{
	return import(eng, digest, TD "bank/draw.json", CONTEST_BANK_JSON);
}

static void test_contest_load(void **state)
{
	/* a bank, a blueprint by ratio, a paper: every allocation of it fails once */
	assert_true(torture(*state, op_load_ratio, CONTEST_E_NOMEM) > 1000);
	torture(*state, op_load_stages, CONTEST_E_NOMEM);
	/* bad input: the same problems when memory suffices, a clean refusal when it does not */
	torture(*state, op_load_bad, CONTEST_E_NOMEM);
}

static void test_paper_draw(void **state)
{
	contest_diag d = {0};
	armed = false;
	assert_int_equal(contest_load(TD "contest/jsonb.json", *state, "en", &loaded, &d), CONTEST_OK);
	torture(*state, op_draw, SCORE_E_NOMEM);
	torture(*state, op_pool, SCORE_E_NOMEM);
	armed = false;
	contest_free(loaded);
}

static void test_imports_exports(void **state)
{
	torture(*state, op_gift, CONTEST_E_NOMEM);
	torture(*state, op_gift_bad, CONTEST_E_NOMEM);
	torture(*state, op_csv, CONTEST_E_NOMEM);
	torture(*state, op_csv_bad, CONTEST_E_NOMEM);
	torture(*state, op_aiken, CONTEST_E_NOMEM);
	torture(*state, op_json_bank, CONTEST_E_NOMEM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_contest_load),
		cmocka_unit_test(test_paper_draw),
		cmocka_unit_test(test_imports_exports),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
