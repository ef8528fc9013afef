/*
 * test_config.c - the secrets of the option table (server/config.c): never
 * from the command line, only from private files, long enough.
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
