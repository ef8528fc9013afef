/*
 * certkey.c - this process's certificate signing key (see certkey.h).
 *
 *   --cert-key-file exists    read (a private PEM key; a file others may read
 *                             or change is refused)
 *   it does not               made (--cert-alg), written to PATH.PID.tmp mode
 *                             0600 and linked to PATH: link() fails when
 *                             another process was first, whose key is then read
 *   then                      its public JWK upserted into signing_keys
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "core/err.h"
#include "core/log.h"
#include "store/certkey.h"
#include "store/migrate.h"

typedef struct certkey {
	certs_key *key;
	certs_template *tpl;
} certkey;

static int key_fail(const char *path, const char *what, int rc)
{
	sa_log(LL_ERROR, "certificate key %s: %s (%s)", path, what, certs_strerror(rc, "en"));
	return SA_E_INVALID_FIELD;
}

/* Makes the key file, or reads the one another process made first. */
static int key_make(const char *path, int alg, certs_key **out)
{
	char tmp[4200];
	/* unique per thread too: two threads of one process may race here (test_certkey) */
	snprintf(tmp, sizeof tmp, "%s.%ld.%lx.tmp", path, (long)getpid(), (unsigned long)pthread_self());
	int rc = certs_key_generate(out, alg);
	if (rc == CERTS_OK)
		rc = certs_key_save_private(*out, tmp);
	if (rc) {
		certs_key_free(*out);
		*out = NULL;
		unlink(tmp);
		return key_fail(path, "cannot be made", rc);
	}
	int linked = link(tmp, path);
	int why = errno;
	unlink(tmp);
	if (linked == 0) {
		sa_log(LL_INFO, "certificate signing key made: %s (%s, kid %s)", path,
		       certs_alg_name(certs_key_alg(*out)), certs_key_kid(*out));
		return 0;
	}
	certs_key_free(*out);
	*out = NULL;
	if (why != EEXIST) {
		sa_log(LL_ERROR, "certificate key %s: %s", path, strerror(why));
		return SA_E_INVALID_FIELD;
	}
	rc = certs_key_load(out, path); /* another process was first */
	return rc ? key_fail(path, "cannot be read", rc) : 0;
}

int certkey_file(const char *path, int alg, certs_key **out)
{
	struct stat st;
	if (stat(path, &st)) {
		if (errno == ENOENT)
			return key_make(path, alg, out);
		sa_log(LL_ERROR, "certificate key %s: %s", path, strerror(errno));
		return SA_E_INVALID_FIELD;
	}
	if (!S_ISREG(st.st_mode) || (st.st_mode & 0037)) {
		sa_log(LL_ERROR,
		       "certificate key %s: must be a regular file that other users can neither read nor "
		       "change (chmod 600)",
		       path);
		return SA_E_INVALID_FIELD;
	}
	int rc = certs_key_load(out, path);
	if (rc)
		return key_fail(path, "cannot be read", rc);
	if (!certs_key_is_private(*out)) {
		certs_key_free(*out);
		*out = NULL;
		return key_fail(path, "holds a public key, not a private one", CERTS_E_KEY);
	}
	return 0;
}

/* The public JWK into signing_keys (blocking: before the loop). */
static int key_register(const char *conninfo, const certs_key *k)
{
	char *jwk = NULL;
	if (certs_key_jwk(k, &jwk))
		return SA_E_INTERNAL;
	PGconn *pg = migrate_connect(conninfo);
	int rc = SA_E_UNAVAILABLE;
	if (pg) {
		const char *p[3] = {certs_key_kid(k), certs_alg_name(certs_key_alg(k)), jwk};
		PGresult *r =
			PQexecParams(pg,
				     "INSERT INTO signing_keys (kid, alg, public_jwk) VALUES ($1, $2, $3) "
				     "ON CONFLICT (kid) DO NOTHING",
				     3, NULL, p, NULL, NULL, 0);
		rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : SA_E_UNAVAILABLE;
		if (rc)
			sa_log(LL_ERROR, "signing_keys: %s", PQresultErrorMessage(r));
		PQclear(r);
		PQfinish(pg);
	}
	free(jwk);
	return rc;
}

int certkey_open(arena *a)
{
	const char *path = a->cfg.cert_key_file, *name = a->cfg.cert_alg ? a->cfg.cert_alg : "";
	static const struct {
		const char *name;
		int alg;
	} algs[] = {{"ES256", CERTS_ALG_ES256}, {"RS256", CERTS_ALG_RS256}};
	int alg = 0;
	for (size_t i = 0; i < sizeof algs / sizeof algs[0]; i++)
		if (!strcmp(name, algs[i].name))
			alg = algs[i].alg;
	if (!alg) {
		sa_log(LL_ERROR, "option 'cert-alg': '%s' is not ES256 or RS256", name);
		return SA_E_INVALID_FIELD;
	}
	certkey *c = calloc(1, sizeof *c);
	if (!c || certs_template_default(&c->tpl)) {
		free(c);
		return SA_E_INTERNAL;
	}
	a->certkey = c;
	if (!path || !*path) {
		sa_log(LL_INFO, "no --cert-key-file: this process issues no certificates (it verifies them)");
		return 0;
	}
	int rc = certkey_file(path, alg, &c->key);
	if (!rc)
		rc = key_register(a->cfg.pg, c->key);
	if (!rc)
		sa_log(LL_INFO, "certificates signed with %s key %s", certs_alg_name(certs_key_alg(c->key)),
		       certs_key_kid(c->key));
	return rc;
}

void certkey_close(arena *a)
{
	certkey *c = a->certkey;
	if (!c)
		return;
	certs_key_free(c->key);
	certs_template_free(c->tpl);
	free(c);
	a->certkey = NULL;
}

const certs_key *certkey_key(const arena *a) { return a->certkey ? a->certkey->key : NULL; }

const certs_template *certkey_template(const arena *a) { return a->certkey ? a->certkey->tpl : NULL; }
