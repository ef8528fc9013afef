/*
 * test_certkey.c - the certificate signing key file (server/store/certkey.c):
 * made when missing (mode 0600, no temporary file left), read back the same,
 * RS256 when asked, one key when several threads start at once (the link
 * into place), and refused when others may read it or when it holds a
 * public key.
 */
#include <dirent.h>
#include <pthread.h>
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

#include "certs.h"
#include "core/err.h"
#include "core/log.h"
#include "store/certkey.h"

static char dir[64], path[128];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/test_certkey.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/key.pem", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[512];
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.') {
			snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
			unlink(p);
		}
	if (d)
		closedir(d);
	rmdir(dir);
	return 0;
}

static int files_in_dir(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;
	while (d && (e = readdir(d)))
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

static void made_then_read(void **state)
{
	(void)state;
	certs_key *a = NULL, *b = NULL;
	struct stat st;
	assert_int_equal(certkey_file(path, CERTS_ALG_ES256, &a), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(files_in_dir(), 1); /* no temporary file left */
	assert_int_equal(certs_key_alg(a), CERTS_ALG_ES256);
	assert_true(certs_key_is_private(a));
	assert_int_equal(certkey_file(path, CERTS_ALG_RS256, &b), 0); /* the file wins over the option */
	assert_string_equal(certs_key_kid(a), certs_key_kid(b));
	assert_int_equal(certs_key_alg(b), CERTS_ALG_ES256);
	certs_key_free(a);
	certs_key_free(b);
}

static void rs256(void **state)
{
	(void)state;
	certs_key *k = NULL;
	assert_int_equal(certkey_file(path, CERTS_ALG_RS256, &k), 0);
	assert_int_equal(certs_key_alg(k), CERTS_ALG_RS256);
	certs_key_free(k);
}

typedef struct racer {
	pthread_t th;
	certs_key *key;
	int rc;
} racer;

static void *race(void *arg)
{
	racer *r = arg;
	r->rc = certkey_file(path, CERTS_ALG_ES256, &r->key);
	return NULL;
}

static void one_key_when_racing(void **state)
{
	(void)state;
	racer r[4];
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&r[i].th, NULL, race, &r[i]), 0);
	for (int i = 0; i < 4; i++)
		pthread_join(r[i].th, NULL);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(r[i].rc, 0);
		assert_string_equal(certs_key_kid(r[i].key), certs_key_kid(r[0].key));
	}
	for (int i = 0; i < 4; i++)
		certs_key_free(r[i].key);
	assert_int_equal(files_in_dir(), 1);
}

static void refused(void **state)
{
	(void)state;
	certs_key *k = NULL;
	assert_int_equal(certkey_file(path, CERTS_ALG_ES256, &k), 0);
	char pub[160];
	snprintf(pub, sizeof pub, "%s/pub.pem", dir);
	assert_int_equal(certs_key_save_public(k, pub), CERTS_OK);
	chmod(pub, 0600);
	certs_key_free(k);
	k = NULL;
	assert_int_equal(certkey_file(pub, CERTS_ALG_ES256, &k), SA_E_INVALID_FIELD); /* a public key */
	assert_null(k);
	chmod(path, 0644);
	assert_int_equal(certkey_file(path, CERTS_ALG_ES256, &k),
			 SA_E_INVALID_FIELD); /* others may read it */
	assert_null(k);
	char nodir[200];
	snprintf(nodir, sizeof nodir, "%s/none/key.pem", dir);
	assert_int_equal(certkey_file(nodir, CERTS_ALG_ES256, &k), SA_E_INVALID_FIELD);
	assert_null(k);
}

int main(void)
{
	log_set(LL_ERROR, "test");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(made_then_read, setup, teardown),
		cmocka_unit_test_setup_teardown(rs256, setup, teardown),
		cmocka_unit_test_setup_teardown(one_key_when_racing, setup, teardown),
		cmocka_unit_test_setup_teardown(refused, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
