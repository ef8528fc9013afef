/*
 * jws.c - compact JWS (RFC 7515) signing and checking, ES256 and RS256 only.
 *
 * Signing: a certs_signer is one thread's signing state (its own parse of the
 * private key, an entropy source and a CTR-DRBG). ES256 signatures are
 * deterministic (RFC 6979, mbedtls_ecdsa_sign_det_ext; the DRBG only blinds)
 * and encoded as JOSE requires: R || S, 32 bytes each, not DER.
 *
 * Checking (certs_jws_verify): three base64url parts, strictly decoded; the
 * header is a JSON object whose "alg" must be ES256 or RS256 ("none", HS256
 * and every other value are refused before any key is touched) and whose
 * "kid" must name a trusted key; the key's own algorithm must equal "alg"
 * (a P-256 key never verifies an RS256 token, nor the reverse); "crit" is
 * refused (no extension is understood); then the signature over
 * ASCII(header "." payload). The payload's meaning is verify.c's business.
 */
#include <stdlib.h>
#include <string.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/ecdsa.h>
#include <mbedtls/entropy.h>
#include <mbedtls/pk.h>
#include <mbedtls/sha256.h>

#include "certs_int.h"

struct certs_signer {
	mbedtls_pk_context pk;
	mbedtls_entropy_context ent;
	mbedtls_ctr_drbg_context drbg;
	int alg;
	char kid[128];
};

int certs_signer_new(certs_signer **out, const certs_key *key)
{
	if (!out || !key || !certs_key_is_private(key))
		return CERTS_E_KEY;
	*out = NULL;
	certs_signer *s = calloc(1, sizeof *s);
	if (!s)
		return CERTS_E_NOMEM;
	mbedtls_pk_init(&s->pk);
	mbedtls_entropy_init(&s->ent);
	mbedtls_ctr_drbg_init(&s->drbg);
	s->alg = certs_key_alg(key);
	snprintf(s->kid, sizeof s->kid, "%s", certs_key_kid(key));
	unsigned char *der = NULL;
	size_t len = 0;
	int rc = certs_key_der(key, &der, &len);
	if (rc == CERTS_OK && mbedtls_pk_parse_key(&s->pk, der, len, NULL, 0) != 0)
		rc = CERTS_E_KEY;
	if (der) {
		mbedtls_platform_zeroize(der, len);
		free(der);
	}
	static const char pers[] = "skillarena-certs-signer";
	if (rc == CERTS_OK && mbedtls_ctr_drbg_seed(&s->drbg, mbedtls_entropy_func, &s->ent,
						    (const unsigned char *)pers, sizeof pers - 1))
		rc = CERTS_E_CRYPTO;
	if (rc) {
		certs_signer_free(s);
		return rc;
	}
	*out = s;
	return CERTS_OK;
}

void certs_signer_free(certs_signer *s)
{
	if (!s)
		return;
	mbedtls_pk_free(&s->pk);
	mbedtls_ctr_drbg_free(&s->drbg);
	mbedtls_entropy_free(&s->ent);
	free(s);
}

int certs_signer_random(certs_signer *s, unsigned char *buf, size_t len)
{
	if (!s)
		return CERTS_E_INVALID;
	return mbedtls_ctr_drbg_random(&s->drbg, buf, len) ? CERTS_E_CRYPTO : CERTS_OK;
}

const char *certs_signer_kid(const certs_signer *s) { return s->kid; }

int certs_signer_alg(const certs_signer *s) { return s->alg; }

/* Signs input; writes the JOSE signature to sig (>= 512 bytes). */
static int sign_bytes(certs_signer *s, const unsigned char *in, size_t len, unsigned char *sig,
		      size_t *siglen)
{
	unsigned char hash[32];
	mbedtls_sha256_ret(in, len, hash, 0);
	if (s->alg == CERTS_ALG_ES256) {
		mbedtls_ecp_keypair *ec = mbedtls_pk_ec(s->pk);
		mbedtls_mpi r, t;
		mbedtls_mpi_init(&r);
		mbedtls_mpi_init(&t);
		int bad = mbedtls_ecdsa_sign_det_ext(&ec->grp, &r, &t, &ec->d, hash, sizeof hash,
						     MBEDTLS_MD_SHA256, mbedtls_ctr_drbg_random, &s->drbg) ||
			  mbedtls_mpi_write_binary(&r, sig, 32) || mbedtls_mpi_write_binary(&t, sig + 32, 32);
		mbedtls_mpi_free(&r);
		mbedtls_mpi_free(&t);
		*siglen = 64;
		return bad ? CERTS_E_CRYPTO : CERTS_OK;
	}
	if (mbedtls_pk_sign(&s->pk, MBEDTLS_MD_SHA256, hash, sizeof hash, sig, siglen,
			    mbedtls_ctr_drbg_random, &s->drbg))
		return CERTS_E_CRYPTO;
	return CERTS_OK;
}

int certs_sign_payload(certs_signer *s, const char *typ, const char *kid, const unsigned char *payload,
		       size_t len, char **jws)
{
	if (!s || !payload || !jws)
		return CERTS_E_INVALID;
	*jws = NULL;
	cJSON *h = cJSON_CreateObject();
	if (!h || !cJSON_AddStringToObject(h, "alg", certs_alg_name(s->alg)) ||
	    !cJSON_AddStringToObject(h, "kid", kid ? kid : s->kid) ||
	    (typ && !cJSON_AddStringToObject(h, "typ", typ))) {
		cJSON_Delete(h);
		return CERTS_E_NOMEM;
	}
	char *hjson = NULL;
	size_t hlen = 0;
	int rc = certs_canonical_json(h, &hjson, &hlen);
	cJSON_Delete(h);
	if (rc)
		return rc;
	certs_buf b = {0};
	certs_b64url_encode(&b, (const unsigned char *)hjson, hlen);
	free(hjson);
	certs_buf_putc(&b, '.');
	certs_b64url_encode(&b, payload, len);
	if (b.oom) {
		certs_buf_free(&b);
		return CERTS_E_NOMEM;
	}
	unsigned char sig[MBEDTLS_PK_SIGNATURE_MAX_SIZE];
	size_t siglen = 0;
	rc = sign_bytes(s, (const unsigned char *)b.data, b.len, sig, &siglen);
	if (rc) {
		certs_buf_free(&b);
		return rc;
	}
	certs_buf_putc(&b, '.');
	certs_b64url_encode(&b, sig, siglen);
	*jws = certs_buf_take(&b, NULL);
	return *jws ? CERTS_OK : CERTS_E_NOMEM;
}

int certs_sign_record(certs_signer *s, const certs_record *r, char **jws)
{
	if (!s || !r || !jws)
		return CERTS_E_INVALID;
	char *json = NULL;
	size_t len = 0;
	int rc = certs_record_json(r, &json, &len);
	if (rc)
		return rc;
	rc = certs_sign_payload(s, CERTS_JWS_TYP, NULL, (const unsigned char *)json, len, jws);
	free(json);
	return rc;
}

/* ---------- checking ---------- */

static int alg_of(const char *name)
{
	if (strcmp(name, "ES256") == 0)
		return CERTS_ALG_ES256;
	if (strcmp(name, "RS256") == 0)
		return CERTS_ALG_RS256;
	return 0;
}

void certs_jws_release(certs_jws *j)
{
	cJSON_Delete(j->header);
	free(j->payload);
	memset(j, 0, sizeof *j);
}

static int is_b64url_text(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			return 0;
	}
	return 1;
}

/* Decodes and checks the header; sets j->alg/kid/typ. */
static int check_header(certs_jws *j, const char *p, size_t n, char **err)
{
	size_t hlen = 0;
	unsigned char *h = certs_b64url_decode(p, n, &hlen);
	if (!h)
		return certs_errf(err, CERTS_E_FORMAT, "header: not base64url");
	j->header = cJSON_ParseWithLength((const char *)h, hlen);
	free(h);
	if (!cJSON_IsObject(j->header))
		return certs_errf(err, CERTS_E_FORMAT, "header: not a JSON object");
	const cJSON *alg = cJSON_GetObjectItemCaseSensitive(j->header, "alg");
	const cJSON *kid = cJSON_GetObjectItemCaseSensitive(j->header, "kid");
	const cJSON *typ = cJSON_GetObjectItemCaseSensitive(j->header, "typ");
	if (!cJSON_IsString(alg))
		return certs_errf(err, CERTS_E_ALG, "header: no alg");
	j->alg = alg->valuestring;
	if (!alg_of(j->alg))
		return certs_errf(err, CERTS_E_ALG, "alg \"%.32s\" is not accepted (ES256 or RS256 only)",
				  j->alg);
	if (cJSON_GetObjectItemCaseSensitive(j->header, "crit"))
		return certs_errf(err, CERTS_E_FORMAT, "header: crit is not supported");
	if (!cJSON_IsString(kid) || !kid->valuestring[0])
		return certs_errf(err, CERTS_E_KID, "header: no kid");
	j->kid = kid->valuestring;
	if (typ && !cJSON_IsString(typ))
		return certs_errf(err, CERTS_E_FORMAT, "header: typ must be a string");
	j->typ = typ ? typ->valuestring : NULL;
	return CERTS_OK;
}

int certs_jws_verify(const char *tok, size_t len, const certs_keyset *ks, certs_jws *j, char **err)
{
	memset(j, 0, sizeof *j);
	if (!tok || !ks)
		return CERTS_E_INVALID;
	while (len && (tok[len - 1] == '\n' || tok[len - 1] == '\r' || tok[len - 1] == ' '))
		len--;
	const char *d1 = memchr(tok, '.', len);
	const char *d2 = d1 ? memchr(d1 + 1, '.', len - (size_t)(d1 + 1 - tok)) : NULL;
	if (!d1 || !d2 || memchr(d2 + 1, '.', len - (size_t)(d2 + 1 - tok)))
		return certs_errf(err, CERTS_E_FORMAT, "not three parts separated by '.'");
	size_t hn = (size_t)(d1 - tok), pn = (size_t)(d2 - d1 - 1), sn = len - (size_t)(d2 + 1 - tok);
	if (!is_b64url_text(tok, hn) || !is_b64url_text(d1 + 1, pn) || !is_b64url_text(d2 + 1, sn))
		return certs_errf(err, CERTS_E_FORMAT, "a part is not base64url");
	int rc = check_header(j, tok, hn, err);
	if (rc)
		return rc;
	j->key = certs_keyset_find(ks, j->kid);
	if (!j->key)
		return certs_errf(err, CERTS_E_KID, "kid \"%.80s\" is not a trusted key", j->kid);
	if (certs_key_alg(j->key) != alg_of(j->alg))
		return certs_errf(err, CERTS_E_ALG, "alg %s does not fit key %.80s (%s)", j->alg, j->kid,
				  certs_alg_name(certs_key_alg(j->key)));
	size_t siglen = 0;
	unsigned char *sig = sn ? certs_b64url_decode(d2 + 1, sn, &siglen) : NULL;
	if (!sig)
		return certs_errf(err, CERTS_E_SIGNATURE, "signature: missing or not base64url");
	rc = certs_key_verify(j->key, (const unsigned char *)tok, (size_t)(d2 - tok), sig, siglen);
	free(sig);
	if (rc)
		return certs_errf(err, rc, "signature does not verify with key %.80s", j->kid);
	j->payload = certs_b64url_decode(d1 + 1, pn, &j->payload_len);
	if (!j->payload)
		return certs_errf(err, CERTS_E_FORMAT, "payload: not base64url");
	return CERTS_OK;
}
