/*
 * test_contest_cli.c - `skillarena validate | import-bank | export-bank |
 * draw` through the command table server/main.c dispatches to: exit codes,
 * what goes to stdout and stderr, and that a failed import writes nothing.
 */
#include <unistd.h>

#include "cli.h"
#include "test_contests_util.h"

#define OUT_PATH "build/test_contest_cli.out"
#define ERR_PATH "build/test_contest_cli.err"

/* Runs a command with stdout and stderr captured to files; returns its exit code. */
static int run(score_engine *eng, char **out, char **err, int argc, char **argv)
{
	const contest_cli_command *c = contest_cli_find(argv[0]);
	assert_non_null(c);
	fflush(stdout);
	fflush(stderr);
	int so = dup(1), se = dup(2);
	assert_non_null(freopen(OUT_PATH, "w", stdout));
	assert_non_null(freopen(ERR_PATH, "w", stderr));
	int rc = c->run(argc, argv, eng);
	fflush(stdout);
	fflush(stderr);
	dup2(so, 1);
	dup2(se, 2);
	close(so);
	close(se);
	*out = tc_read(OUT_PATH, NULL);
	*err = tc_read(ERR_PATH, NULL);
	return rc;
}

static void test_table(void **state)
{
	(void)state;
	static const char *const names[] = {"validate", "import-bank", "export-bank", "draw"};
	for (size_t i = 0; i < 4; i++) {
		const contest_cli_command *c = contest_cli_find(names[i]);
		assert_non_null(c);
		assert_non_null(c->usage);
		assert_non_null(c->help);
	}
	assert_null(contest_cli_find("serve"));
	size_t n = 0;
	while (contest_cli_commands[n].name)
		n++;
	assert_int_equal(n, 4);
	assert_null(contest_cli_commands[n].run); /* the zeroed row */
}

static void test_validate(void **state)
{
	char *out, *err;
	char *ok[] = {"validate",           "--lang", "en", "contests/demo/safety.json", TD "csv/bank.csv",
		      TD "gift/moodle.gift"};
	assert_int_equal(run(*state, &out, &err, 6, ok), 0);
	assert_non_null(strstr(
		out,
		"contests/demo/safety.json: ok: contest SAFE2026 (live, 1 stage, 10 questions, 0 judged tasks)\n"));
	assert_non_null(strstr(out, "tests/data/contests/csv/bank.csv: ok: bank bank (9 questions)\n"));
	/* the GIFT file's skipped items are warnings, not problems */
	assert_non_null(strstr(err, "moodle.gift:46:1: description item (no answer block) skipped"));
	free(out);
	free(err);
	char *bad[] = {"validate", "--lang=en", "contests/demo/safety.json", TD "aiken/malformed.aiken.txt"};
	assert_int_equal(run(*state, &out, &err, 4, bad), 1);
	assert_non_null(strstr(
		err,
		"tests/data/contests/aiken/malformed.aiken.txt:9:9: answer 'E' is not one of the option letters\n"));
	assert_non_null(strstr(err, "tests/data/contests/aiken/malformed.aiken.txt: 5 problems\n"));
	assert_non_null(strstr(out, "safety.json: ok"));
	free(out);
	free(err);
	/* a directory: the contest and bank files in it */
	char *dir[] = {"validate", "--lang", "en", TD "aiken"};
	assert_int_equal(run(*state, &out, &err, 4, dir), 1);
	assert_non_null(
		strstr(out, "tests/data/contests/aiken/bank.aiken.txt: ok: bank bank (3 questions)\n"));
	assert_non_null(strstr(err, "tests/data/contests/aiken/malformed.aiken.txt: 5 problems\n"));
	free(out);
	free(err);
	char *usage[] = {"validate"};
	assert_int_equal(run(*state, &out, &err, 1, usage), 2);
	assert_non_null(strstr(err, "usage: skillarena validate"));
	free(out);
	free(err);
	char *badopt[] = {"validate", "--colour", "x", "f.json"};
	assert_int_equal(run(*state, &out, &err, 4, badopt), 2);
	assert_non_null(strstr(err, "unknown option '--colour'"));
	free(out);
	free(err);
}

static void test_import_export(void **state)
{
	char *out, *err;
	const char *bank = "build/test_contest_cli_bank.json";
	remove(bank);
	/* a failed import writes nothing */
	char *bad[] = {"import-bank", TD "csv/malformed.csv", "--out", (char *)bank, "--lang", "en"};
	assert_int_equal(run(*state, &out, &err, 6, bad), 1);
	assert_int_equal(access(bank, F_OK), -1);
	assert_non_null(strstr(err, "malformed.csv: 12 problems"));
	free(out);
	free(err);
	char *good[] = {"import-bank", TD "csv/bank_gbk.csv", "--out", (char *)bank, "--id", "gbk",
			"--title",     "国标编码题库"};
	if (run(*state, &out, &err, 8, good) != 0)
		fail_msg("import-bank failed:\n%s", err);
	free(out);
	free(err);
	contest_diag d = {0};
	contest_bank *b = NULL;
	assert_int_equal(contest_bank_load(bank, *state, "en", &b, &d), 0);
	assert_string_equal(tc_field_str(b->root, "id"), "gbk");
	assert_string_equal(tc_field_str(b->root, "title"), "国标编码题库");
	assert_int_equal(b->nquestions, 9);
	contest_bank_free(b);
	/* out as GIFT: what GIFT can say */
	char *exp[] = {"export-bank", TD "aiken/bank.aiken.txt", "--format", "gift"};
	assert_int_equal(run(*state, &out, &err, 4, exp), 0);
	assert_non_null(strstr(
		out,
		"::q1:: 我国安全生产工作的方针是什么？ {\n\t=安全第一、预防为主、综合治理\n\t~生产第一、安全第二\n"));
	free(out);
	free(err);
	/* ordering cannot be GIFT: refused with the question's path */
	char *exp2[] = {"export-bank", TD "csv/bank.csv", "--format", "gift", "--lang", "en"};
	assert_int_equal(run(*state, &out, &err, 6, exp2), 1);
	assert_non_null(
		strstr(err, "$.questions[6].type: 'ordering' questions cannot be written in this format"));
	free(out);
	free(err);
	remove(bank);
}

static void test_draw(void **state)
{
	char *out, *err;
	char *argv[] = {"draw", TD "contest/paper.json", "--participant", "alice"};
	assert_int_equal(run(*state, &out, &err, 4, argv), 0);
	cJSON *j = cJSON_Parse(out);
	assert_non_null(j);
	assert_string_equal(tc_field_str(j, "seed"), "c33bbcff861ec970");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "questions")), 14);
	assert_string_equal(tc_field_str(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "questions"), 0), "id"),
			    "b.law-h4");
	cJSON_Delete(j);
	free(out);
	free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_validate),
		cmocka_unit_test(test_import_export),
		cmocka_unit_test(test_draw),
	};
	int rc = cmocka_run_group_tests(tests, tc_setup, tc_teardown);
	remove(OUT_PATH);
	remove(ERR_PATH);
	return rc;
}
