/*
 * certcli.c - `skillarena verify` (see certcli.h). Blocking: a command, no
 * loop.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libpq-fe.h>

#include "certs.h"
#include "store/certcli.h"
#include "store/migrate.h"

typedef struct vctx {
	PGconn *pg; /* NULL: revocation not checked */
	const char *lang;
	int failed_db;
} vctx;

static int usage(void)
{
	fprintf(stderr, "usage: skillarena verify FILE|ID... [--jwks FILE] [--lang en] [OPTIONS]\n");
	return 2;
}

static int is_id(const char *s)
{
	return strlen(s) == CERTS_ID_LEN &&
	       strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == CERTS_ID_LEN;
}

/* certs_revoked_fn: the certificates table. */
static int revoked(const char *id, void *ud, char **reason)
{
	vctx *c = ud;
	const char *p[1] = {id};
	PGresult *r = PQexecParams(
		c->pg, "SELECT revoked_at IS NOT NULL, revoke_reason FROM certificates WHERE id = $1", 1,
		NULL, p, NULL, NULL, 0);
	int rc = -1;
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
		rc = !strcmp(PQgetvalue(r, 0, 0), "t");
		if (rc && !PQgetisnull(r, 0, 1))
			*reason = strdup(PQgetvalue(r, 0, 1));
	} else if (PQresultStatus(r) == PGRES_TUPLES_OK) {
		*reason = strdup("not in this server's database");
		rc = -1;
	} else
		c->failed_db = 1;
	PQclear(r);
	return rc;
}

/* The keys of signing_keys. */
static int keys_from_db(PGconn *pg, certs_keyset *ks)
{
	PGresult *r =
		PQexec(pg, "SELECT json_build_object('keys', coalesce(json_agg(public_jwk), '[]'))::text "
			   "FROM signing_keys");
	char *err = NULL;
	int rc = PQresultStatus(r) == PGRES_TUPLES_OK
			 ? certs_keyset_add_jwks(ks, PQgetvalue(r, 0, 0), strlen(PQgetvalue(r, 0, 0)), &err)
			 : CERTS_E_IO;
	if (rc)
		fprintf(stderr, "skillarena verify: signing_keys: %s\n",
			err                                    ? err
			: PQresultStatus(r) == PGRES_TUPLES_OK ? "bad keys"
							       : PQerrorMessage(pg));
	free(err);
	PQclear(r);
	return rc;
}

/* The stored JWS of id (malloc'ed), or NULL (printed). */
static char *stored_jws(PGconn *pg, const char *id)
{
	const char *p[1] = {id};
	PGresult *r =
		PQexecParams(pg, "SELECT jws FROM certificates WHERE id = $1", 1, NULL, p, NULL, NULL, 0);
	char *jws = NULL;
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		fprintf(stderr, "skillarena verify: %s", PQerrorMessage(pg));
	else if (PQntuples(r) == 1)
		jws = strdup(PQgetvalue(r, 0, 0));
	PQclear(r);
	return jws;
}

static void print_verdict(const char *arg, const certs_verdict *v, const vctx *c)
{
	if (v->code == CERTS_OK && v->has_record) {
		const certs_record *r = &v->record;
		printf("%s: valid %s %s / %s / %s%s\n", arg, r->id, r->name, r->award, r->contest_title,
		       c->pg ? "" : " (revocation not checked)");
	} else if (v->code == CERTS_OK)
		printf("%s: valid OB 3.0 credential%s\n", arg, c->pg ? "" : " (revocation not checked)");
	else if (v->code == CERTS_E_REVOKED)
		printf("%s: revoked %s: %s\n", arg, v->has_record ? v->record.id : "",
		       v->detail ? v->detail : "");
	else if (v->code == CERTS_E_REVOCATION && !c->failed_db)
		printf("%s: unknown: %s\n", arg, v->detail ? v->detail : certs_strerror(v->code, c->lang));
	else
		printf("%s: invalid: %s: %s%s%s%s\n", arg, certs_errname(v->code),
		       certs_strerror(v->code, c->lang), v->detail ? " (" : "", v->detail ? v->detail : "",
		       v->detail ? ")" : "");
}

/* One argument: 0 valid, 1 not, 3 the database failed. */
static int verify_one(const char *arg, const certs_keyset *ks, vctx *c)
{
	certs_verify_opts o = {.keys = ks, .revoked = c->pg ? revoked : NULL, .revoked_ud = c};
	certs_verdict v = {0};
	struct stat st;
	if (stat(arg, &st) == 0)
		certs_verify_file(arg, &o, &v);
	else if (is_id(arg) && c->pg) {
		char *jws = stored_jws(c->pg, arg);
		if (!jws) {
			printf("%s: unknown: no certificate has this id\n", arg);
			return 1;
		}
		certs_verify_token(jws, strlen(jws), &o, &v);
		if (v.code == CERTS_OK && v.has_record && strcmp(v.record.id, arg))
			v.code = CERTS_E_TAMPERED;
		free(jws);
	} else {
		printf("%s: unknown: neither a file nor a certificate id%s\n", arg,
		       is_id(arg) ? " (an id needs the database: no --jwks)" : "");
		return 1;
	}
	print_verdict(arg, &v, c);
	int rc = c->failed_db ? 3 : v.code != CERTS_OK;
	certs_verdict_release(&v);
	return rc;
}

int certcli_verify(const char *conninfo, int argc, char **argv)
{
	const char *jwks = NULL;
	vctx c = {.lang = "zh-CN"};
	int nargs = 0, ids = 0, rc = 0;
	char **args = calloc((size_t)argc + 1, sizeof *args);
	if (!args)
		return 3;
	int dashdash = 0;
	for (int i = 0; i < argc; i++) {
		struct stat st;
		/* an id may begin with '-' (base64url): an id or a file is never taken for an option */
		int positional = dashdash || is_id(argv[i]) || stat(argv[i], &st) == 0;
		if (!positional && !strcmp(argv[i], "--"))
			dashdash = 1;
		else if (!positional && !strcmp(argv[i], "--jwks") && i + 1 < argc)
			jwks = argv[++i];
		else if (!positional && !strcmp(argv[i], "--lang") && i + 1 < argc)
			c.lang = argv[++i];
		else if (!positional && argv[i][0] == '-' && argv[i][1]) {
			free(args);
			return usage();
		} else {
			ids += stat(argv[i], &st) != 0 && is_id(argv[i]);
			args[nargs++] = argv[i];
		}
	}
	if (!nargs) {
		free(args);
		return usage();
	}
	certs_keyset *ks = NULL;
	char *err = NULL;
	if (certs_keyset_new(&ks)) {
		free(args);
		return 3;
	}
	if ((!jwks || ids) && !(c.pg = migrate_connect(conninfo)))
		rc = 3;
	if (!rc && jwks && certs_keyset_load(ks, jwks, &err)) {
		fprintf(stderr, "skillarena verify: %s: %s\n", jwks, err ? err : "cannot be read");
		rc = 3;
	} else if (!rc && !jwks && keys_from_db(c.pg, ks))
		rc = 3;
	int worst = rc; /* every argument is checked; the database failing stops */
	for (int i = 0; !rc && worst != 3 && i < nargs; i++) {
		int one = verify_one(args[i], ks, &c);
		if (one > worst)
			worst = one;
	}
	rc = worst;
	free(err);
	certs_keyset_free(ks);
	if (c.pg)
		PQfinish(c.pg);
	free(args);
	return rc;
}
