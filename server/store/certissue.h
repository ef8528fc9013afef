/*
 * certissue.h - issuing certificates from a finished contest's final ranking
 * (certissue.c): blocking libpq and the certificates library's bulk API, on
 * libuv's thread pool (a job of store/jobs.h for a whole contest, a pool
 * request for one participant).
 *
 *   ranking_build (contest_results current) -> under a per-contest advisory
 *   lock, the contest's template in force (store/certtpl.h: its issuer and
 *   its version's hash go into every record; without one, the server's
 *   default, tpl below) -> certrows_fetch (the final
 *   ranking: store/certrows.h) -> the
 *   participants who lack a certificate of the kind and revision -> records
 *   checked (a bad one is reported, the others go on) -> certs_bulk_issue
 *   (JWS + OB 3.0 VC-JWT, no PDF: PDFs are rendered when downloaded) ->
 *   COPY into a temporary table -> INSERT ... ON CONFLICT DO NOTHING, one
 *   transaction: idempotent (UNIQUE contest, participant, kind, revision).
 */
#ifndef SKILLARENA_STORE_CERTISSUE_H
#define SKILLARENA_STORE_CERTISSUE_H

#include <stdint.h>

#include <cjson/cJSON.h>
#include <libpq-fe.h>

#include "certs.h"

enum { CERTISSUE_AWARD = 1, CERTISSUE_PARTICIPATION = 2 };

typedef struct certissue_spec {
	const char *conninfo; /* for ranking_build's own connection */
	int64_t contest_id;
	unsigned kinds;                       /* CERTISSUE_* bits */
	int64_t participant_id;               /* 0: everyone of the ranking; else that one only */
	const certs_key *key;                 /* private */
	const certs_template *tpl;            /* the server's default, for a contest without its own */
	const char *public_url;               /* verify_base PUBLIC/verify, OB 3.0 issuer PUBLIC, its JWKS */
	int64_t issued_by;                    /* account id; 0: none */
	int threads;                          /* signing threads (>= 1) */
	void (*progress)(double p, void *ud); /* 0..1, from this thread */
	void *ud;
} certissue_spec;

typedef struct certissue_result {
	int revision;
	int64_t issued, existing, failed;
	int64_t not_eligible;      /* award asked, no award tier */
	cJSON *failures;           /* [{participant_id, name, reason}] (owned; NULL when none) */
	char id[CERTS_ID_LEN + 1]; /* one participant: the certificate issued or found */
	int found;                 /* one participant: in the ranking */
} certissue_result;

/*
 * 0, or SA_E_BAD_STATE (not finished, no final ranking), SA_E_NOT_FOUND,
 * SA_E_UNAVAILABLE, SA_E_INTERNAL (why in err). Release r with certissue_release.
 */
int certissue_run(PGconn *pg, const certissue_spec *s, certissue_result *r, char *err, size_t errlen);
void certissue_release(certissue_result *r);

#endif
