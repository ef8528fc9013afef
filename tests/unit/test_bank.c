/*
 * test_bank.c - the native bank format: a good bank loads, a bad one
 * reports every problem with its JSON path; an uploaded contest's banks stay
 * in the bank directory; the message table is complete.
 */
#include <sys/stat.h>
#include <unistd.h>

#include "contests_int.h"
#include "test_contests_util.h"

static void test_good(void **state)
{
	contest_diag d = {0};
	contest_bank *b = NULL;
	assert_int_equal(contest_bank_load(TD "bank/draw.json", *state, "en", &b, &d), 0);
	assert_int_equal(b->nquestions, 36);
	/* JSON export reads back to the same bank */
	char *s = tc_export(b, CONTEST_BANK_JSON, &d);
	cJSON *again = cJSON_Parse(s);
	assert_true(cJSON_Compare(again, b->root, true));
	cJSON_Delete(again);
	free(s);
	contest_bank_free(b);
}

static void test_bad(void **state)
{
	contest_diag d = {0};
	contest_bank *b = NULL;
	assert_int_equal(contest_bank_load(TD "bank/bad.json", *state, "en", &b, &d), -1);
	assert_null(b);
#define F "tests/data/contests/bank/bad.json: "
	tc_has_line(&d, F "$.format: invalid bank format 'skillarena-bank/2' (expected skillarena-bank/1)");
	tc_has_line(&d, F "$.id: invalid id 'bad bank' (1-64 letters, digits, '-', '_' or '.')");
	tc_has_line(&d, F "$: missing required field 'title'");
	tc_has_line(&d, F "$.categories[1].id: duplicate id 'fire' (first at $.categories[0])");
	tc_has_line(&d, F "$.categories[2]: missing required field 'title'");
	tc_has_line(&d, F "$.questions[0].category: unknown category 'water'");
	tc_has_line(&d,
		    F "$.questions[1].difficulty: invalid difficulty 'extreme' (use easy, medium or hard)");
	tc_has_line(&d, F "$.questions[2].tags: expected an array");
	tc_has_prefix(&d, F "$.questions[3].options: question cannot be scored: ");
	tc_has_prefix(&d, F "$.questions[4].answer");
	tc_has_line(&d, F "$.questions[3].id: duplicate id 'q1' (first at $.questions[0])");
#undef F
	assert_int_equal(d.count, 11);
	contest_diag_free(&d);
}

static void copy_file(const char *from, const char *to)
{
	size_t len;
	char *buf = tc_read(from, &len);
	FILE *fp = fopen(to, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(buf, 1, len, fp), len);
	fclose(fp);
	free(buf);
}

/*
 * Issue 9 item 15: an uploaded contest's banks come from the bank directory
 * only. ../, absolute paths and symbolic links pointing out are refused with
 * one message, the same whether the file outside exists or not.
 */
static void test_bank_root(void **state)
{
	char dir[] = "build/test_bank_root.XXXXXX", root[64], p[160];
	assert_non_null(mkdtemp(dir));
	snprintf(root, sizeof root, "%s/banks", dir);
	assert_int_equal(mkdir(root, 0755), 0);
	snprintf(p, sizeof p, "%s/sub", root);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof p, "%s/safety.json", root);
	copy_file(TD "bank/draw.json", p);
	snprintf(p, sizeof p, "%s/bad.json", root);
	copy_file(TD "bank/bad.json", p);
	snprintf(p, sizeof p, "%s/outside.json", dir);
	copy_file(TD "bank/draw.json", p);
	char *outside = realpath(p, NULL);
	static const char *const links[][2] = {{"../outside.json", "out-link.json"},
					       {"../ghost.json", "ghost-link.json"},
					       {"..", "dirlink"}};
	for (int i = 0; i < 3; i++) {
		snprintf(p, sizeof p, "%s/%s", root, links[i][1]);
		assert_int_equal(symlink(links[i][0], p), 0);
	}
	char *text = NULL;
	assert_true(
		asprintf(
			&text,
			"{\"code\": \"ROOT2026\", \"title\": \"t\", \"mode\": \"live\","
			" \"questions\": [{\"id\": \"a\", \"type\": \"true_false\", \"text\": \"x\", \"answer\": true}],"
			" \"banks\": {\"ok\": \"safety.json\", \"inner\": \"sub/../safety.json\","
			" \"up\": \"../outside.json\", \"upghost\": \"../ghost.json\", \"abs\": \"%s\","
			" \"absghost\": \"/nonexistent/x.json\", \"link\": \"out-link.json\","
			" \"linkghost\": \"ghost-link.json\", \"dirlink\": \"dirlink/outside.json\","
			" \"missing\": \"missing.json\", \"bad\": \"bad.json\"}}",
			outside) > 0);
	contest_load_opts o = {.lang = "en", .bank_root = root};
	contest_diag d = {0};
	contest_def *c = NULL;
	assert_int_equal(contest_load_v2("upload.json", text, strlen(text), *state, &o, &c, &d),
			 CONTEST_E_INVALID);
	static const char *const refused[][2] = {
		{"up", "../outside.json"},           {"upghost", "../ghost.json"},
		{"absghost", "/nonexistent/x.json"}, {"link", "out-link.json"},
		{"linkghost", "ghost-link.json"},    {"dirlink", "dirlink/outside.json"},
		{"missing", "missing.json"},
	};
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		char line[256];
		snprintf(line, sizeof line,
			 "upload.json: $.banks.%s: bank '%s' is not a file in the bank directory",
			 refused[i][0], refused[i][1]);
		tc_has_line(&d, line);
	}
	char line[512];
	snprintf(line, sizeof line, "upload.json: $.banks.abs: bank '%s' is not a file in the bank directory",
		 outside);
	tc_has_line(&d, line);
	/* a bank inside the root is named as the contest names it, never by the root's own path */
	tc_has_line(
		&d,
		"bad.json: $.format: invalid bank format 'skillarena-bank/2' (expected skillarena-bank/1)");
	tc_has_line(&d, "upload.json: $.banks.bad: question bank 'bad.json' has errors (see above)");
	assert_int_equal(d.count, 8 + 11 + 1);
	contest_diag_free(&d);
	/* the good ones load, relative to the root and not to the contest's name */
	free(text);
	assert_true(asprintf(&text,
			     "{\"code\": \"ROOT2026\", \"title\": \"t\", \"mode\": \"live\","
			     " \"banks\": {\"ok\": \"safety.json\", \"inner\": \"sub/../safety.json\"},"
			     " \"paper\": {\"rules\": [{\"bank\": \"inner\", \"count\": 3}]}}") > 0);
	assert_int_equal(contest_load_v2("elsewhere/upload.json", text, strlen(text), *state, &o, &c, &d),
			 CONTEST_OK);
	assert_int_equal(c->nquestions, 3);
	assert_string_equal(c->banks->v[1].alias, "ok");
	contest_free(c);
	/* without a root (files the operator installs) paths are relative to the contest file */
	free(text);
	assert_true(asprintf(&text, "{\"code\": \"ROOT2026\", \"title\": \"t\", \"mode\": \"live\","
				    " \"banks\": {\"up\": \"../outside.json\"},"
				    " \"paper\": {\"rules\": [{\"count\": 2}]}}") > 0);
	snprintf(p, sizeof p, "%s/upload.json", root);
	assert_int_equal(contest_load_mem(p, text, strlen(text), *state, "en", &c, &d), CONTEST_OK);
	contest_free(c);
	free(text);
	free(outside);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

/* The banks a resolver gives (the console's, from PostgreSQL): by name, no files. */
typedef struct tc_resolved {
	const char *name;
	char *json;
	size_t len;
	int calls;
} tc_resolved;

static int tc_resolve(void *ud, const char *name, const char **json, size_t *len)
{
	tc_resolved *r = ud;
	r->calls++;
	if (strcmp(name, r->name))
		return -1;
	*json = r->json;
	*len = r->len;
	return 0;
}

static void test_bank_resolver(void **state)
{
	tc_resolved r = {.name = "draw-2026"};
	r.json = tc_read(TD "bank/draw.json", &r.len);
	static const char text[] =
		"{\"code\": \"RES2026\", \"title\": \"t\", \"mode\": \"live\","
		" \"banks\": {\"d\": \"draw-2026\"},"
		" \"paper\": {\"total\": 6, \"ratio\": {\"single_choice\": 1, \"true_false\": 1}}}";
	contest_load_opts o = {
		.lang = "en", .bank_root = "/nonexistent", .bank_resolve = tc_resolve, .bank_ud = &r};
	contest_diag d = {0};
	contest_def *c = NULL;
	assert_int_equal(contest_load_v2("RES2026.json", text, strlen(text), *state, &o, &c, &d), CONTEST_OK);
	assert_int_equal(c->nquestions, 6);
	assert_string_equal(c->banks->v[0].alias, "d");
	assert_int_equal(r.calls, 1);
	contest_free(c);
	/* an unknown name, and a bank with problems named by its name */
	static const char unknown[] =
		"{\"code\": \"RES2026\", \"title\": \"t\", \"mode\": \"live\","
		" \"banks\": {\"d\": \"nope\"}, \"paper\": {\"rules\": [{\"count\": 1}]}}";
	assert_int_equal(contest_load_v2("RES2026.json", unknown, strlen(unknown), *state, &o, &c, &d),
			 CONTEST_E_INVALID);
	tc_has_line(&d, "RES2026.json: $.banks.d: no question bank is named 'nope'");
	contest_diag_free(&d);
	free(r.json);
	r.json = tc_read(TD "bank/bad.json", &r.len);
	assert_int_equal(contest_load_v2("RES2026.json", text, strlen(text), *state, &o, &c, &d),
			 CONTEST_E_INVALID);
	tc_has_line(&d, "draw-2026: $.questions[2].tags: expected an array");
	tc_has_line(&d, "RES2026.json: $.banks.d: question bank 'draw-2026' has errors (see above)");
	contest_diag_free(&d);
	/* in Chinese */
	o.lang = "zh-CN";
	assert_int_equal(contest_load_v2("RES2026.json", unknown, strlen(unknown), *state, &o, &c, &d),
			 CONTEST_E_INVALID);
	tc_has_line(&d, "RES2026.json: $.banks.d: 没有名为“nope”的题库");
	contest_diag_free(&d);
	free(r.json);
}

/* An import reports the row of every question it built, also when it fails; XLSX names its sheet. */
static void test_import_rows(void **state)
{
	contest_import_rows rows = {0};
	contest_import_opts io = {.rows = &rows};
	contest_diag d = {0};
	contest_bank *b = NULL;
	assert_int_equal(
		contest_bank_import(TD "csv/bank.csv", CONTEST_BANK_CSV, &io, *state, "en", &b, &d, NULL),
		CONTEST_OK);
	assert_int_equal(rows.n, b->nquestions);
	assert_null(rows.sheet);
	assert_int_equal(rows.v[0].line, 2);
	assert_non_null(rows.v[0].id);
	assert_non_null(rows.v[0].type);
	for (size_t i = 1; i < rows.n; i++)
		assert_true(rows.v[i].line > rows.v[i - 1].line);
	contest_bank_free(b);
	contest_import_rows_free(&rows);
	assert_int_equal(
		contest_bank_import(TD "xlsx/bank.xlsx", CONTEST_BANK_XLSX, &io, *state, "en", &b, &d, NULL),
		CONTEST_OK);
	assert_non_null(rows.sheet);
	assert_int_equal(rows.n, b->nquestions);
	contest_bank_free(b);
	contest_import_rows_free(&rows);
	/* refused: the rows that parsed are still listed, beside the problems */
	assert_int_equal(contest_bank_import(TD "csv/malformed.csv", CONTEST_BANK_CSV, &io, *state, "en", &b,
					     &d, NULL),
			 CONTEST_E_INVALID);
	assert_null(b);
	assert_true(d.count > 0);
	for (size_t i = 0; i < rows.n; i++)
		assert_true(rows.v[i].line >= 2);
	contest_import_rows_free(&rows);
	contest_diag_free(&d);
}

static void test_formats(void **state)
{
	(void)state;
	assert_int_equal(contest_bank_format_guess("x/bank.gift"), CONTEST_BANK_GIFT);
	assert_int_equal(contest_bank_format_guess("bank.gift.txt"), CONTEST_BANK_GIFT);
	assert_int_equal(contest_bank_format_guess("bank.aiken.txt"), CONTEST_BANK_AIKEN);
	assert_int_equal(contest_bank_format_guess("BANK.CSV"), CONTEST_BANK_CSV);
	assert_int_equal(contest_bank_format_guess("bank.json"), CONTEST_BANK_JSON);
	assert_int_equal(contest_bank_format_guess("bank.xlsx"), CONTEST_BANK_XLSX);
	assert_int_equal(contest_bank_format_guess("bank.ods"), -1);
	assert_int_equal(contest_bank_format_parse("GIFT"), CONTEST_BANK_GIFT);
	assert_int_equal(contest_bank_format_parse("xml"), -1);
}

/* Every message code has its row, in order, in both languages. */
static void test_message_table(void **state)
{
	(void)state;
	for (int m = 0; m < CXM_MAX; m++) {
		const char *zh = cx_fmt((cx_msg)m, "zh-CN"), *en = cx_fmt((cx_msg)m, "en");
		assert_non_null(zh);
		assert_non_null(en);
		assert_true(*zh && *en);
		/* the same conversions in the same order */
		const char *a = zh, *b = en;
		for (;;) {
			a = strchr(a, '%');
			b = strchr(b, '%');
			if (!a || !b)
				break;
			assert_int_equal(a[1], b[1]);
			a += 2;
			b += 2;
		}
		assert_true(!a && !b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),          cmocka_unit_test(test_bad),
		cmocka_unit_test(test_bank_root),     cmocka_unit_test(test_formats),
		cmocka_unit_test(test_message_table), cmocka_unit_test(test_bank_resolver),
		cmocka_unit_test(test_import_rows),
	};
	return cmocka_run_group_tests(tests, tc_setup, tc_teardown);
}
