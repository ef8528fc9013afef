/*
 * certtpl.h - a contest's certificate template (证书模板) as stored
 * (migration 090: cert_templates names the version in force, and
 * cert_template_versions keeps every version, addressed by the SHA-256 of
 * its JSON and seal), built into a certs_template for the code that issues
 * and renders on the thread pool (store/certissue.c, api/certverify.c,
 * api/certtemplate.c).
 *
 * A certificate records the version it was issued with (certificates.
 * template_hash, and the signed record's "template" member), so that its PDF
 * is rendered again with that version whenever it is downloaded, whatever
 * the contest's template became since; "default" (and no hash) is the
 * server's built-in template (store/certkey.h).
 *
 * Ownership: certtpl_release frees the template; *err strings are malloc'ed.
 */
#ifndef SKILLARENA_STORE_CERTTPL_H
#define SKILLARENA_STORE_CERTTPL_H

#include <stddef.h>

#include <libpq-fe.h>

#include "certs.h"

#define CERTTPL_DEFAULT_ID "default" /* the record's template without a stored version */

typedef struct certtpl {
	certs_template *tpl; /* owned; NULL: the contest has none (the server's default) */
	char hash[65];       /* its version's hash (64 hex digits); "" without */
} certtpl;

/*
 * Blocking libpq (a pool thread, inside the caller's transaction): the
 * template in force for contest id, its version row locked FOR KEY SHARE
 * until the transaction ends (a version that certificates are being issued
 * with is never pruned under them). 0 (out->tpl NULL when the contest has
 * none), SA_E_UNAVAILABLE, or SA_E_INTERNAL (a stored version that no longer
 * builds), with why in err.
 */
int certtpl_read(PGconn *pg, const char *contest_id, certtpl *out, char *err, size_t errlen);
void certtpl_release(certtpl *t);

/*
 * A template from a stored version: its JSON (the strict form, certs.h) and
 * its seal, raw PNG bytes (seal NULL: none) or, with _text, PostgreSQL's
 * text form of a bytea ("\x89504e47..."; NULL: none). 0, SA_E_INVALID_FIELD
 * (*err names the member), SA_E_INTERNAL (memory).
 */
int certtpl_build(const char *json, size_t len, const unsigned char *seal, size_t seal_len,
		  certs_template **out, char **err);
int certtpl_build_text(const char *json, const char *seal_text, certs_template **out, char **err);

#endif
