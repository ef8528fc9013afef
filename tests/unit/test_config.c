/*
 * test_config.c - the option table (server/core/config.c): defaults, a
 * config file, the environment and the command line, in that priority; every
 * bad value refused with the option (and file line or variable) named; and
 * the secrets: never from the command line, only from private files, long
 * enough.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/config.h"
#include "core/err.h"

static char err[512];

static int setup(void **state)
{
	sa_config *c = calloc(1, sizeof *c);
	unsetenv("SKILLARENA_PORT");
	unsetenv("SKILLARENA_LOG_LEVEL");
	unsetenv("SKILLARENA_LISTEN_SHARE");
	assert_int_equal(config_init(c, err, sizeof err), 0);
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	config_release(*state);
	free(*state);
	return 0;
}

static void test_defaults(void **state)
{
	sa_config *c = *state;
	assert_int_equal(c->port, 8080);
	assert_int_equal(c->listen_share, 0);
	assert_string_equal(c->redis_prefix, "sa:");
	assert_string_equal(c->log_level, "info");
	assert_string_equal(c->sql_dir, "server/sql");
	assert_int_equal(c->commit_max, 1000);
	assert_string_equal(c->bind, "");
}

static void test_args(void **state)
{
	sa_config *c = *state;
	char *argv[] = {"--port",         "9000", "--listen-share", "file.json", "--log-level=debug",
			"--redis_prefix", "x:",   "--unknown",      "rest"};
	int n = config_parse_args(c, 9, argv, err, sizeof err);
	assert_int_equal(n, 3); /* what it does not know stays, in order */
	assert_string_equal(argv[0], "file.json");
	assert_string_equal(argv[1], "--unknown");
	assert_string_equal(argv[2], "rest");
	assert_int_equal(c->port, 9000);
	assert_int_equal(c->listen_share, 1);
	assert_string_equal(c->log_level, "debug");
	assert_string_equal(c->redis_prefix, "x:");
}

static void refused(sa_config *c, char *opt, char *value, const char *msg)
{
	char *argv[] = {opt, value};
	assert_int_equal(config_parse_args(c, value ? 2 : 1, argv, err, sizeof err), SA_E_INVALID_FIELD);
	assert_non_null(strstr(err, msg));
}

static void test_args_refused(void **state)
{
	sa_config *c = *state;
	refused(c, "--port", "eighty", "option 'port': 'eighty' is not a number");
	refused(c, "--port", "-1", "is not a number");
	refused(c, "--port", "1000001", "is not a number");
	refused(c, "--port", "", "is not a number");
	refused(c, "--listen-share=maybe", NULL, "option 'listen-share': 'maybe' is not yes or no");
	refused(c, "--log-level", "loud", "option 'log-level': 'loud' is not error, warn, info or debug");
	refused(c, "--log-level", "", "is not error, warn, info or debug");
	refused(c, "--pg", NULL, "option '--pg' needs a value");
	assert_int_equal(c->port, 8080); /* nothing half-applied */
	assert_string_equal(c->log_level, "info");
}

static char *conf_file(const char *text)
{
	static char path[64];
	snprintf(path, sizeof path, "/tmp/test_config.%d.conf", (int)getpid());
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	return path;
}

static void test_file(void **state)
{
	sa_config *c = *state;
	char *path = conf_file(
		"# comment\n\nport = 7000\n  web =  /srv/web  \nlog_level=warn\nlisten-share = on\n");
	assert_int_equal(config_load_file(c, path, err, sizeof err), 0);
	assert_int_equal(c->port, 7000);
	assert_string_equal(c->web, "/srv/web");
	assert_string_equal(c->log_level, "warn");
	assert_int_equal(c->listen_share, 1);
	unlink(path);
}

static void test_file_refused(void **state)
{
	sa_config *c = *state;
	char *path = conf_file("port = 7000\nnonsense = 1\n");
	assert_int_equal(config_load_file(c, path, err, sizeof err), SA_E_INVALID_FIELD);
	assert_non_null(strstr(err, ":2: unknown option 'nonsense'"));
	path = conf_file("\n\nport 7000\n");
	assert_int_equal(config_load_file(c, path, err, sizeof err), SA_E_INVALID_FIELD);
	assert_non_null(strstr(err, ":3: expected 'name = value'"));
	path = conf_file("log-level = chatty\n");
	assert_int_equal(config_load_file(c, path, err, sizeof err), SA_E_INVALID_FIELD);
	assert_non_null(strstr(err, ":1: option 'log-level': 'chatty'"));
	unlink(path);
	assert_int_equal(config_load_file(c, "/nonexistent/skillarena.conf", err, sizeof err),
			 SA_E_INVALID_FIELD);
	assert_non_null(strstr(err, "/nonexistent/skillarena.conf: "));
}

static void test_env(void **state)
{
	sa_config *c = *state;
	setenv("SKILLARENA_PORT", "6001", 1);
	setenv("SKILLARENA_LISTEN_SHARE", "yes", 1);
	assert_int_equal(config_load_env(c, err, sizeof err), 0);
	assert_int_equal(c->port, 6001);
	assert_int_equal(c->listen_share, 1);
	setenv("SKILLARENA_LOG_LEVEL", "verbose", 1);
	assert_int_equal(config_load_env(c, err, sizeof err), SA_E_INVALID_FIELD);
	assert_non_null(strstr(err, "SKILLARENA_LOG_LEVEL: option 'log-level': 'verbose'"));
	setenv("SKILLARENA_LOG_LEVEL", "debug", 1);
	setenv("SKILLARENA_PORT", "http", 1);
	assert_int_equal(config_load_env(c, err, sizeof err), SA_E_INVALID_FIELD);
	assert_non_null(strstr(err, "SKILLARENA_PORT: option 'port': 'http' is not a number"));
	unsetenv("SKILLARENA_PORT");
	unsetenv("SKILLARENA_LOG_LEVEL");
	unsetenv("SKILLARENA_LISTEN_SHARE");
}

static void test_doc_and_help(void **state)
{
	char *text = NULL;
	size_t len = 0;
	(void)state;
	FILE *fp = open_memstream(&text, &len);
	config_print_doc(fp);
	fclose(fp);
	assert_true(!strncmp(text, "| option | environment | default | meaning |\n|---|---|---|---|\n", 61));
	assert_non_null(strstr(text, "| `--log-level` | `SKILLARENA_LOG_LEVEL` | `info` |"));
	assert_non_null(strstr(text, "| `--commit-max` | `SKILLARENA_COMMIT_MAX` | `1000` |"));
	free(text);
	fp = open_memstream(&text, &len);
	config_print_help(fp);
	fclose(fp);
	assert_non_null(strstr(text, "--port N"));
	assert_non_null(strstr(text, "--listen-share "));
	free(text);
}

static const char TOKEN[] = "0123456789abcdef0123456789abcdef"; /* 32 characters */

/* A file in a fresh private directory, with this content and mode (remove_file removes both). */
static char *write_file(const char *name, const char *text, mode_t mode)
{
	char dir[64];
	snprintf(dir, sizeof dir, "/tmp/sa-test-config-XXXXXX");
	assert_non_null(mkdtemp(dir));
	char *path = malloc(strlen(dir) + strlen(name) + 2);
	sprintf(path, "%s/%s", dir, name);
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	assert_int_equal(chmod(path, mode), 0);
	return path;
}

static void remove_file(char *path)
{
	unlink(path);
	char *slash = strrchr(path, '/');
	*slash = '\0';
	rmdir(path);
	free(path);
}

static void test_secret_refused_on_command_line(void **state)
{
	sa_config c;
	char err[512];
	char *argv1[] = {"--organizer-token", (char *)TOKEN};
	char *argv2[] = {"--organizer-token=0123456789abcdef0123456789abcdef"};
	char *argv3[] = {"--redis-password", "secret"};
	(void)state;
	assert_int_equal(config_init(&c, err, sizeof err), 0);
	assert_int_equal(config_parse_args(&c, 2, argv1, err, sizeof err), SA_E_INVALID_FIELD);
	assert_non_null(strstr(err, "refused on the command line"));
	assert_non_null(strstr(err, "--organizer-token-file"));
	assert_int_equal(config_parse_args(&c, 1, argv2, err, sizeof err), SA_E_INVALID_FIELD);
	assert_int_equal(config_parse_args(&c, 2, argv3, err, sizeof err), SA_E_INVALID_FIELD);
	assert_non_null(strstr(err, "--redis-password-file"));
	assert_string_equal(c.organizer_token, "");
	assert_string_equal(c.redis_password, "");
	config_release(&c);
}

static void test_secret_files_read_first_line(void **state)
{
	sa_config c;
	char err[512];
	char *tok = write_file("token", "0123456789abcdef0123456789abcdef\nignored\n", 0600);
	char *pw = write_file("redis", "  s3cret \r\n", 0640);
	char *argv[] = {"--organizer-token-file", tok, "--redis-password-file", pw};
	(void)state;
	assert_int_equal(config_init(&c, err, sizeof err), 0);
	assert_int_equal(config_parse_args(&c, 4, argv, err, sizeof err), 0);
	assert_int_equal(config_load_secrets(&c, err, sizeof err), 0);
	assert_string_equal(c.organizer_token, TOKEN);
	assert_string_equal(c.redis_password, "s3cret");
	config_release(&c);
	remove_file(tok);
	remove_file(pw);
}

static void test_secret_file_readable_by_others_refused(void **state)
{
	sa_config c;
	char err[512];
	char *world = write_file("world", TOKEN, 0644);
	char *gw = write_file("group-writable", TOKEN, 0660);
	char *empty = write_file("empty", "\n", 0600);
	(void)state;
	assert_int_equal(config_init(&c, err, sizeof err), 0);
	free(c.organizer_token_file);
	c.organizer_token_file = strdup(world);
	assert_int_equal(config_load_secrets(&c, err, sizeof err), SA_E_INVALID_FIELD);
	assert_non_null(strstr(err, "0644"));
	assert_string_equal(c.organizer_token, "");
	free(c.organizer_token_file);
	c.organizer_token_file = strdup(gw);
	assert_int_equal(config_load_secrets(&c, err, sizeof err), SA_E_INVALID_FIELD);
	free(c.organizer_token_file);
	c.organizer_token_file = strdup(empty);
	assert_int_equal(config_load_secrets(&c, err, sizeof err), SA_E_INVALID_FIELD);
	assert_non_null(strstr(err, "empty"));
	free(c.organizer_token_file);
	c.organizer_token_file = strdup("/nonexistent/token");
	assert_int_equal(config_load_secrets(&c, err, sizeof err), SA_E_INVALID_FIELD);
	assert_non_null(strstr(err, "No such file"));
	config_release(&c);
	remove_file(world);
	remove_file(gw);
	remove_file(empty);
}

static void test_secret_and_its_file_both_given(void **state)
{
	sa_config c;
	char err[512];
	char *tok = write_file("token2", TOKEN, 0600);
	(void)state;
	assert_int_equal(config_init(&c, err, sizeof err), 0);
	free(c.organizer_token);
	c.organizer_token = strdup(TOKEN);
	free(c.organizer_token_file);
	c.organizer_token_file = strdup(tok);
	assert_int_equal(config_load_secrets(&c, err, sizeof err), SA_E_INVALID_FIELD);
	assert_non_null(strstr(err, "keep one"));
	config_release(&c);
	remove_file(tok);
}

static void test_config_file_holding_a_secret_must_be_private(void **state)
{
	sa_config c;
	char err[512];
	char *open_file = write_file(
		"open.conf", "port = 9000\norganizer-token = 0123456789abcdef0123456789abcdef\n", 0644);
	char *private_file =
		write_file("private.conf", "organizer-token = 0123456789abcdef0123456789abcdef\n", 0600);
	char *plain = write_file("plain.conf", "port = 9001\n", 0644); /* no secret: any mode */
	(void)state;
	assert_int_equal(config_init(&c, err, sizeof err), 0);
	assert_int_equal(config_load_file(&c, open_file, err, sizeof err), SA_E_INVALID_FIELD);
	assert_non_null(strstr(err, ":2: holds 'organizer-token'"));
	assert_string_equal(c.organizer_token, "");
	assert_int_equal(config_load_file(&c, private_file, err, sizeof err), 0);
	assert_string_equal(c.organizer_token, TOKEN);
	assert_int_equal(config_load_file(&c, plain, err, sizeof err), 0);
	assert_int_equal(c.port, 9001);
	config_release(&c);
	remove_file(open_file);
	remove_file(private_file);
	remove_file(plain);
}

static void test_token_length(void **state)
{
	char err[512];
	(void)state;
	assert_int_equal(config_check_token(TOKEN, err, sizeof err), 0);
	assert_int_equal(config_check_token(TOKEN + 1, err, sizeof err),
			 SA_E_INVALID_FIELD); /* 31 characters */
	assert_non_null(strstr(err, "too short (31 characters)"));
	assert_int_equal(config_check_token("", err, sizeof err), SA_E_INVALID_FIELD);
	assert_int_equal(config_check_token("0123456789abcdef 0123456789abcdef", err, sizeof err),
			 SA_E_INVALID_FIELD);
}

static void test_help_and_doc_show_secrets_without_dashes(void **state)
{
	char *buf = NULL;
	size_t n = 0;
	(void)state;
	FILE *fp = open_memstream(&buf, &n);
	config_print_doc(fp);
	fclose(fp);
	assert_non_null(strstr(buf, "| `organizer-token` |"));
	assert_null(strstr(buf, "`--organizer-token`"));
	assert_non_null(strstr(buf, "| `--organizer-token-file` |"));
	assert_non_null(strstr(buf, "| `--redis-password-file` |"));
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_args, setup, teardown),
		cmocka_unit_test_setup_teardown(test_args_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_env, setup, teardown),
		cmocka_unit_test_setup_teardown(test_doc_and_help, setup, teardown),
		cmocka_unit_test(test_secret_refused_on_command_line),
		cmocka_unit_test(test_secret_files_read_first_line),
		cmocka_unit_test(test_secret_file_readable_by_others_refused),
		cmocka_unit_test(test_secret_and_its_file_both_given),
		cmocka_unit_test(test_config_file_holding_a_secret_must_be_private),
		cmocka_unit_test(test_token_length),
		cmocka_unit_test(test_help_and_doc_show_secrets_without_dashes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
