/*
 * certtpl.c - a contest's certificate template as stored (see certtpl.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "store/certtpl.h"

int certtpl_build(const char *json, size_t len, const unsigned char *seal, size_t seal_len,
		  certs_template **out, char **err)
{
	*out = NULL;
	int rc = certs_template_parse_flags(out, json, len, NULL, CERTS_TEMPLATE_STRICT, err);
	if (rc == CERTS_OK && seal && seal_len)
		rc = certs_template_set_seal(*out, seal, seal_len, err);
	if (rc) {
		certs_template_free(*out);
		*out = NULL;
		return rc == CERTS_E_NOMEM ? SA_E_INTERNAL : SA_E_INVALID_FIELD;
	}
	return 0;
}

int certtpl_build_text(const char *json, const char *seal_text, certs_template **out, char **err)
{
	size_t n = 0;
	unsigned char *seal = seal_text ? PQunescapeBytea((const unsigned char *)seal_text, &n) : NULL;
	if (seal_text && !seal) {
		*out = NULL;
		return SA_E_INTERNAL;
	}
	int rc = certtpl_build(json, strlen(json), seal, n, out, err);
	PQfreemem(seal);
	return rc;
}

int certtpl_read(PGconn *pg, const char *contest_id, certtpl *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	const char *p[1] = {contest_id};
	/* binary results: the seal's bytes as they are */
	PGresult *r = PQexecParams(pg,
				   "SELECT v.hash, v.template, v.seal FROM cert_templates t "
				   "JOIN cert_template_versions v ON v.hash = t.hash WHERE t.contest_id = $1 "
				   "FOR KEY SHARE OF v",
				   1, NULL, p, NULL, NULL, 1);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		snprintf(err, errlen, "certificate template: %s", PQresultErrorMessage(r));
		PQclear(r);
		return SA_E_UNAVAILABLE;
	}
	int rc = 0;
	if (PQntuples(r) == 1) {
		char *why = NULL;
		const char *hash = PQgetvalue(r, 0, 0);
		int seal = !PQgetisnull(r, 0, 2);
		if (PQgetlength(r, 0, 0) != 64 || strspn(hash, "0123456789abcdef") != 64) {
			snprintf(err, errlen, "certificate template: a version without a valid hash");
			rc = SA_E_INTERNAL;
		} else if ((rc = certtpl_build(PQgetvalue(r, 0, 1), (size_t)PQgetlength(r, 0, 1),
					       seal ? (const unsigned char *)PQgetvalue(r, 0, 2) : NULL,
					       seal ? (size_t)PQgetlength(r, 0, 2) : 0, &out->tpl, &why))) {
			snprintf(err, errlen, "certificate template %.64s: %s", hash,
				 why ? why : "no memory");
			rc = SA_E_INTERNAL;
		} else {
			memcpy(out->hash, hash, 64);
			out->hash[64] = '\0';
		}
		free(why);
	}
	PQclear(r);
	return rc;
}

void certtpl_release(certtpl *t)
{
	certs_template_free(t->tpl);
	t->tpl = NULL;
	t->hash[0] = '\0';
}
