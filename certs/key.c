/*
 * key.c - the issuer's signing keys and the verifiers' trusted key sets.
 *
 * A key is an ECDSA P-256 key (ES256, the default) or an RSA key of at least
 * 2048 bits (RS256), private or public. Its id (kid) is the RFC 7638 JWK
 * thumbprint: SHA-256 over the required public members in lexicographic
 * order ({"crv","kty","x","y"} or {"e","kty","n"}), base64url. Every
 * signature names its kid, so an issuer can rotate keys while verifiers keep
 * the old public keys in their set.
 *
 * Private keys are written as PEM with mode 0600 through a temporary file
 * renamed into place. Verification with a key takes the key's lock: mbedTLS
 * may fill a key's precomputed tables lazily, so one key is never used by two
 * threads at once (signing does not use these objects: each certs_signer
 * parses its own copy of the private key).
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/ecdsa.h>
#include <mbedtls/entropy.h>
#include <mbedtls/pk.h>
#include <mbedtls/rsa.h>
#include <mbedtls/sha256.h>

#include "certs_int.h"

struct certs_key {
	mbedtls_pk_context pk;
	int alg;
	int priv;
	char kid[128];
	pthread_mutex_t lock;
};

struct certs_keyset {
	certs_key **keys;
	size_t n, cap;
};

const char *certs_alg_name(int alg)
{
	return alg == CERTS_ALG_ES256 ? "ES256" : alg == CERTS_ALG_RS256 ? "RS256" : NULL;
}

static certs_key *key_alloc(void)
{
	certs_key *k = calloc(1, sizeof *k);
	if (!k)
		return NULL;
	mbedtls_pk_init(&k->pk);
	pthread_mutex_init(&k->lock, NULL);
	return k;
}

void certs_key_free(certs_key *k)
{
	if (!k)
		return;
	mbedtls_pk_free(&k->pk);
	pthread_mutex_destroy(&k->lock);
	free(k);
}

/* ---------- public members and the thumbprint ---------- */

/* Adds the required public members of the key (RFC 7638) to obj. */
static int jwk_public_members(const certs_key *k, cJSON *obj)
{
	certs_buf b = {0};
	char *s1 = NULL, *s2 = NULL;
	if (k->alg == CERTS_ALG_ES256) {
		const mbedtls_ecp_keypair *ec = mbedtls_pk_ec(k->pk);
		unsigned char pt[65];
		size_t olen = 0;
		if (mbedtls_ecp_point_write_binary(&ec->grp, &ec->Q, MBEDTLS_ECP_PF_UNCOMPRESSED, &olen, pt,
						   sizeof pt) ||
		    olen != 65)
			return CERTS_E_KEY;
		s1 = certs_b64url(pt + 1, 32);
		s2 = certs_b64url(pt + 33, 32);
		if (s1 && s2 && cJSON_AddStringToObject(obj, "crv", "P-256") &&
		    cJSON_AddStringToObject(obj, "kty", "EC") && cJSON_AddStringToObject(obj, "x", s1) &&
		    cJSON_AddStringToObject(obj, "y", s2)) {
			free(s1);
			free(s2);
			return CERTS_OK;
		}
	} else {
		mbedtls_rsa_context *rsa = mbedtls_pk_rsa(k->pk);
		size_t nlen = mbedtls_rsa_get_len(rsa);
		unsigned char *n = malloc(nlen), e[8];
		if (n && mbedtls_rsa_export_raw(rsa, n, nlen, NULL, 0, NULL, 0, NULL, 0, e, sizeof e) == 0) {
			size_t skip = 0;
			while (skip < sizeof e - 1 && e[skip] == 0)
				skip++;
			s1 = certs_b64url(e + skip, sizeof e - skip);
			s2 = certs_b64url(n, nlen);
		}
		free(n);
		if (s1 && s2 && cJSON_AddStringToObject(obj, "e", s1) &&
		    cJSON_AddStringToObject(obj, "kty", "RSA") && cJSON_AddStringToObject(obj, "n", s2)) {
			free(s1);
			free(s2);
			return CERTS_OK;
		}
	}
	free(s1);
	free(s2);
	certs_buf_free(&b);
	return CERTS_E_NOMEM;
}

static int key_set_thumbprint(certs_key *k)
{
	cJSON *o = cJSON_CreateObject();
	if (!o)
		return CERTS_E_NOMEM;
	int rc = jwk_public_members(k, o);
	char *json = NULL;
	size_t len = 0;
	if (rc == CERTS_OK)
		rc = certs_canonical_json(o, &json, &len);
	cJSON_Delete(o);
	if (rc)
		return rc;
	unsigned char h[32];
	mbedtls_sha256_ret((const unsigned char *)json, len, h, 0);
	free(json);
	char *t = certs_b64url(h, sizeof h);
	if (!t)
		return CERTS_E_NOMEM;
	snprintf(k->kid, sizeof k->kid, "%s", t);
	free(t);
	return CERTS_OK;
}

/* Sets alg from the key type and checks the key is one we sign with. */
static int key_classify(certs_key *k)
{
	mbedtls_pk_type_t t = mbedtls_pk_get_type(&k->pk);
	if (t == MBEDTLS_PK_ECKEY || t == MBEDTLS_PK_ECDSA) {
		if (mbedtls_pk_ec(k->pk)->grp.id != MBEDTLS_ECP_DP_SECP256R1)
			return CERTS_E_KEY; /* ES256 is P-256 only */
		k->alg = CERTS_ALG_ES256;
	} else if (t == MBEDTLS_PK_RSA) {
		if (mbedtls_pk_get_bitlen(&k->pk) < 2048)
			return CERTS_E_KEY;
		k->alg = CERTS_ALG_RS256;
	} else {
		return CERTS_E_KEY;
	}
	return key_set_thumbprint(k);
}

/* ---------- generate, parse, save ---------- */

int certs_key_generate(certs_key **out, int alg)
{
	if (!out || (alg != CERTS_ALG_ES256 && alg != CERTS_ALG_RS256))
		return CERTS_E_INVALID;
	*out = NULL;
	certs_key *k = key_alloc();
	if (!k)
		return CERTS_E_NOMEM;
	mbedtls_entropy_context ent;
	mbedtls_ctr_drbg_context drbg;
	mbedtls_entropy_init(&ent);
	mbedtls_ctr_drbg_init(&drbg);
	static const char pers[] = "skillarena-certs-keygen";
	int rc = CERTS_E_CRYPTO;
	if (mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &ent, (const unsigned char *)pers,
				  sizeof pers - 1))
		goto done;
	if (alg == CERTS_ALG_ES256) {
		if (mbedtls_pk_setup(&k->pk, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY)) ||
		    mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, mbedtls_pk_ec(k->pk),
					mbedtls_ctr_drbg_random, &drbg))
			goto done;
	} else {
		if (mbedtls_pk_setup(&k->pk, mbedtls_pk_info_from_type(MBEDTLS_PK_RSA)) ||
		    mbedtls_rsa_gen_key(mbedtls_pk_rsa(k->pk), mbedtls_ctr_drbg_random, &drbg, 2048, 65537))
			goto done;
	}
	k->priv = 1;
	rc = key_classify(k);
done:
	mbedtls_ctr_drbg_free(&drbg);
	mbedtls_entropy_free(&ent);
	if (rc) {
		certs_key_free(k);
		return rc;
	}
	*out = k;
	return CERTS_OK;
}

int certs_key_parse(certs_key **out, const unsigned char *data, size_t len)
{
	if (!out || !data)
		return CERTS_E_INVALID;
	*out = NULL;
	/* PEM must be passed NUL-terminated, with the NUL counted. */
	unsigned char *copy = malloc(len + 1);
	certs_key *k = key_alloc();
	if (!copy || !k) {
		free(copy);
		certs_key_free(k);
		return CERTS_E_NOMEM;
	}
	memcpy(copy, data, len);
	copy[len] = '\0';
	size_t n = memmem(data, len, "-----BEGIN", 10) ? len + 1 : len;
	int rc = CERTS_E_KEY;
	if (mbedtls_pk_parse_key(&k->pk, copy, n, NULL, 0) == 0) {
		k->priv = 1;
		rc = key_classify(k);
	} else {
		mbedtls_pk_free(&k->pk);
		mbedtls_pk_init(&k->pk);
		if (mbedtls_pk_parse_public_key(&k->pk, copy, n) == 0)
			rc = key_classify(k);
	}
	mbedtls_platform_zeroize(copy, len);
	free(copy);
	if (rc) {
		certs_key_free(k);
		return rc;
	}
	*out = k;
	return CERTS_OK;
}

int certs_key_load(certs_key **out, const char *path)
{
	unsigned char *data = NULL;
	size_t len = 0;
	int rc = certs_read_file(path, &data, &len, 1 << 20);
	if (rc)
		return rc;
	rc = certs_key_parse(out, data, len);
	mbedtls_platform_zeroize(data, len);
	free(data);
	return rc;
}

/* Writes text to path with the given mode, through path.tmpXXXXXX + rename. */
static int write_atomic(const char *path, const char *text, size_t len, mode_t mode)
{
	size_t plen = strlen(path);
	char *tmp = malloc(plen + 12);
	if (!tmp)
		return CERTS_E_NOMEM;
	snprintf(tmp, plen + 12, "%s.tmpXXXXXX", path);
	int fd = mkstemp(tmp); /* created with mode 0600 */
	if (fd < 0) {
		free(tmp);
		return CERTS_E_IO;
	}
	int ok = fchmod(fd, mode) == 0;
	for (size_t off = 0; ok && off < len;) {
		ssize_t w = write(fd, text + off, len - off);
		if (w <= 0)
			ok = 0;
		else
			off += (size_t)w;
	}
	ok = ok && fsync(fd) == 0;
	ok = (close(fd) == 0) && ok;
	ok = ok && rename(tmp, path) == 0;
	if (!ok)
		unlink(tmp);
	free(tmp);
	return ok ? CERTS_OK : CERTS_E_IO;
}

static int save_pem(const certs_key *k, const char *path, int priv)
{
	if (!k || !path || (priv && !k->priv))
		return CERTS_E_INVALID;
	size_t size = 16000;
	unsigned char *buf = calloc(1, size);
	if (!buf)
		return CERTS_E_NOMEM;
	/* Writing does not change the key; mbedTLS's prototypes want it mutable. */
	mbedtls_pk_context *pk = (mbedtls_pk_context *)&k->pk;
	int rc = priv ? mbedtls_pk_write_key_pem(pk, buf, size) : mbedtls_pk_write_pubkey_pem(pk, buf, size);
	if (rc == 0)
		rc = write_atomic(path, (const char *)buf, strlen((const char *)buf), priv ? 0600 : 0644);
	else
		rc = CERTS_E_KEY;
	mbedtls_platform_zeroize(buf, size);
	free(buf);
	return rc;
}

int certs_key_save_private(const certs_key *k, const char *path) { return save_pem(k, path, 1); }

int certs_key_save_public(const certs_key *k, const char *path) { return save_pem(k, path, 0); }

int certs_key_der(const certs_key *k, unsigned char **der, size_t *len)
{
	if (!k || !k->priv)
		return CERTS_E_KEY;
	size_t size = 8192;
	unsigned char *buf = malloc(size);
	if (!buf)
		return CERTS_E_NOMEM;
	int n = mbedtls_pk_write_key_der((mbedtls_pk_context *)&k->pk, buf, size);
	if (n <= 0) {
		free(buf);
		return CERTS_E_KEY;
	}
	memmove(buf, buf + size - (size_t)n, (size_t)n); /* DER is written at the end */
	*der = buf;
	*len = (size_t)n;
	return CERTS_OK;
}

/* ---------- accessors and JWK ---------- */

const char *certs_key_kid(const certs_key *k) { return k ? k->kid : NULL; }

int certs_key_alg(const certs_key *k) { return k ? k->alg : 0; }

int certs_key_is_private(const certs_key *k) { return k && k->priv; }

static cJSON *key_jwk_tree(const certs_key *k)
{
	cJSON *o = cJSON_CreateObject();
	if (!o || jwk_public_members(k, o) || !cJSON_AddStringToObject(o, "alg", certs_alg_name(k->alg)) ||
	    !cJSON_AddStringToObject(o, "kid", k->kid) || !cJSON_AddStringToObject(o, "use", "sig")) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

int certs_key_jwk(const certs_key *k, char **json)
{
	if (!k || !json)
		return CERTS_E_INVALID;
	cJSON *o = key_jwk_tree(k);
	if (!o)
		return CERTS_E_NOMEM;
	int rc = certs_canonical_json(o, json, NULL);
	cJSON_Delete(o);
	return rc;
}

/* ---------- verification with one key ---------- */

static int verify_locked(const certs_key *k, const unsigned char *hash, const unsigned char *sig,
			 size_t siglen)
{
	if (k->alg == CERTS_ALG_ES256) {
		if (siglen != 64)
			return CERTS_E_SIGNATURE;
		mbedtls_ecp_keypair *ec = mbedtls_pk_ec(k->pk);
		mbedtls_mpi r, s;
		mbedtls_mpi_init(&r);
		mbedtls_mpi_init(&s);
		int rc = CERTS_E_SIGNATURE;
		if (mbedtls_mpi_read_binary(&r, sig, 32) == 0 &&
		    mbedtls_mpi_read_binary(&s, sig + 32, 32) == 0 &&
		    mbedtls_ecdsa_verify(&ec->grp, hash, 32, &ec->Q, &r, &s) == 0)
			rc = CERTS_OK;
		mbedtls_mpi_free(&r);
		mbedtls_mpi_free(&s);
		return rc;
	}
	mbedtls_rsa_context *rsa = mbedtls_pk_rsa(k->pk);
	if (siglen != mbedtls_rsa_get_len(rsa))
		return CERTS_E_SIGNATURE;
	return mbedtls_rsa_pkcs1_verify(rsa, NULL, NULL, MBEDTLS_RSA_PUBLIC, MBEDTLS_MD_SHA256, 32, hash,
					sig) == 0
		       ? CERTS_OK
		       : CERTS_E_SIGNATURE;
}

int certs_key_verify(const certs_key *k, const unsigned char *data, size_t len, const unsigned char *sig,
		     size_t siglen)
{
	unsigned char hash[32];
	mbedtls_sha256_ret(data, len, hash, 0);
	certs_key *mk = (certs_key *)k; /* the lock only */
	pthread_mutex_lock(&mk->lock);
	int rc = verify_locked(k, hash, sig, siglen);
	pthread_mutex_unlock(&mk->lock);
	return rc;
}

/* ---------- JWK import ---------- */

static unsigned char *jwk_bytes(const cJSON *jwk, const char *name, size_t *len)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(jwk, name);
	if (!cJSON_IsString(v) || !v->valuestring)
		return NULL;
	return certs_b64url_decode(v->valuestring, strlen(v->valuestring), len);
}

static int jwk_ec(certs_key *k, const cJSON *jwk, char **err)
{
	const cJSON *crv = cJSON_GetObjectItemCaseSensitive(jwk, "crv");
	if (!cJSON_IsString(crv) || strcmp(crv->valuestring, "P-256") != 0)
		return certs_errf(err, CERTS_E_KEY, "jwk: crv must be \"P-256\"");
	size_t xl = 0, yl = 0;
	unsigned char *x = jwk_bytes(jwk, "x", &xl), *y = jwk_bytes(jwk, "y", &yl);
	int rc = CERTS_E_KEY;
	if (x && y && xl == 32 && yl == 32 &&
	    mbedtls_pk_setup(&k->pk, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY)) == 0) {
		mbedtls_ecp_keypair *ec = mbedtls_pk_ec(k->pk);
		unsigned char pt[65];
		pt[0] = 0x04;
		memcpy(pt + 1, x, 32);
		memcpy(pt + 33, y, 32);
		if (mbedtls_ecp_group_load(&ec->grp, MBEDTLS_ECP_DP_SECP256R1) == 0 &&
		    mbedtls_ecp_point_read_binary(&ec->grp, &ec->Q, pt, sizeof pt) == 0 &&
		    mbedtls_ecp_check_pubkey(&ec->grp, &ec->Q) == 0)
			rc = CERTS_OK;
	}
	free(x);
	free(y);
	return rc ? certs_errf(err, rc, "jwk: x and y must be a point of P-256 (32 bytes each, base64url)")
		  : rc;
}

static int jwk_rsa(certs_key *k, const cJSON *jwk, char **err)
{
	size_t nl = 0, el = 0;
	unsigned char *n = jwk_bytes(jwk, "n", &nl), *e = jwk_bytes(jwk, "e", &el);
	int rc = CERTS_E_KEY;
	if (n && e && nl >= 256 && el >= 1 && el <= 8 &&
	    mbedtls_pk_setup(&k->pk, mbedtls_pk_info_from_type(MBEDTLS_PK_RSA)) == 0) {
		mbedtls_rsa_context *rsa = mbedtls_pk_rsa(k->pk);
		if (mbedtls_rsa_import_raw(rsa, n, nl, NULL, 0, NULL, 0, NULL, 0, e, el) == 0 &&
		    mbedtls_rsa_complete(rsa) == 0 && mbedtls_rsa_check_pubkey(rsa) == 0)
			rc = CERTS_OK;
	}
	free(n);
	free(e);
	return rc ? certs_errf(err, rc, "jwk: n and e must be an RSA public key of at least 2048 bits") : rc;
}

int certs_key_from_jwk(certs_key **out, const cJSON *jwk, char **err)
{
	*out = NULL;
	if (!cJSON_IsObject(jwk))
		return certs_errf(err, CERTS_E_KEY, "jwk: must be an object");
	static const char *const private_members[] = {"d", "p", "q", "dp", "dq", "qi", "oth", "k"};
	for (size_t i = 0; i < sizeof private_members / sizeof private_members[0]; i++)
		if (cJSON_GetObjectItemCaseSensitive(jwk, private_members[i]))
			return certs_errf(err, CERTS_E_KEY,
					  "jwk: private member \"%s\" refused (publish public keys only)",
					  private_members[i]);
	const cJSON *kty = cJSON_GetObjectItemCaseSensitive(jwk, "kty");
	const cJSON *use = cJSON_GetObjectItemCaseSensitive(jwk, "use");
	if (use && (!cJSON_IsString(use) || strcmp(use->valuestring, "sig") != 0))
		return certs_errf(err, CERTS_E_KEY, "jwk: use must be \"sig\"");
	certs_key *k = key_alloc();
	if (!k)
		return CERTS_E_NOMEM;
	int rc;
	if (cJSON_IsString(kty) && strcmp(kty->valuestring, "EC") == 0)
		rc = jwk_ec(k, jwk, err);
	else if (cJSON_IsString(kty) && strcmp(kty->valuestring, "RSA") == 0)
		rc = jwk_rsa(k, jwk, err);
	else
		rc = certs_errf(err, CERTS_E_KEY, "jwk: kty must be \"EC\" or \"RSA\"");
	if (rc == CERTS_OK)
		rc = key_classify(k);
	const cJSON *alg = cJSON_GetObjectItemCaseSensitive(jwk, "alg");
	if (rc == CERTS_OK && alg &&
	    (!cJSON_IsString(alg) || strcmp(alg->valuestring, certs_alg_name(k->alg)) != 0))
		rc = certs_errf(err, CERTS_E_ALG, "jwk: alg does not fit the key type (want %s)",
				certs_alg_name(k->alg));
	const cJSON *kid = cJSON_GetObjectItemCaseSensitive(jwk, "kid");
	if (rc == CERTS_OK && kid) {
		if (!cJSON_IsString(kid) || !kid->valuestring[0] || strlen(kid->valuestring) >= sizeof k->kid)
			rc = certs_errf(err, CERTS_E_KEY, "jwk: kid must be a string of 1-127 bytes");
		else
			snprintf(k->kid, sizeof k->kid, "%s", kid->valuestring);
	}
	if (rc) {
		certs_key_free(k);
		return rc;
	}
	*out = k;
	return CERTS_OK;
}

/* ---------- key sets ---------- */

int certs_keyset_new(certs_keyset **out)
{
	*out = calloc(1, sizeof **out);
	return *out ? CERTS_OK : CERTS_E_NOMEM;
}

void certs_keyset_free(certs_keyset *ks)
{
	if (!ks)
		return;
	for (size_t i = 0; i < ks->n; i++)
		certs_key_free(ks->keys[i]);
	free(ks->keys);
	free(ks);
}

size_t certs_keyset_count(const certs_keyset *ks) { return ks ? ks->n : 0; }

/* Takes ownership of k (also on failure). */
static int keyset_push(certs_keyset *ks, certs_key *k)
{
	for (size_t i = 0; i < ks->n; i++)
		if (strcmp(ks->keys[i]->kid, k->kid) == 0) { /* the same key twice: keep one */
			certs_key_free(k);
			return CERTS_OK;
		}
	if (ks->n == ks->cap) {
		size_t cap = ks->cap ? ks->cap * 2 : 4;
		certs_key **p = realloc(ks->keys, cap * sizeof *p);
		if (!p) {
			certs_key_free(k);
			return CERTS_E_NOMEM;
		}
		ks->keys = p;
		ks->cap = cap;
	}
	ks->keys[ks->n++] = k;
	return CERTS_OK;
}

int certs_keyset_add(certs_keyset *ks, const certs_key *k)
{
	if (!ks || !k)
		return CERTS_E_INVALID;
	/* The public half, through its PEM: the set never holds private keys. */
	unsigned char buf[4096];
	if (mbedtls_pk_write_pubkey_pem((mbedtls_pk_context *)&k->pk, buf, sizeof buf))
		return CERTS_E_KEY;
	certs_key *pub = NULL;
	int rc = certs_key_parse(&pub, buf, strlen((const char *)buf));
	if (rc)
		return rc;
	snprintf(pub->kid, sizeof pub->kid, "%s", k->kid);
	return keyset_push(ks, pub);
}

int certs_keyset_add_jwks(certs_keyset *ks, const char *json, size_t len, char **err)
{
	if (!ks || !json)
		return CERTS_E_INVALID;
	cJSON *root = cJSON_ParseWithLength(json, len);
	if (!root)
		return certs_errf(err, CERTS_E_KEY, "jwks: not JSON");
	const cJSON *keys = cJSON_GetObjectItemCaseSensitive(root, "keys");
	int rc = CERTS_OK;
	if (keys && !cJSON_IsArray(keys)) {
		rc = certs_errf(err, CERTS_E_KEY, "jwks: keys must be an array");
	} else if (keys) {
		const cJSON *e;
		int i = 0;
		cJSON_ArrayForEach(e, keys)
		{
			certs_key *k = NULL;
			rc = certs_key_from_jwk(&k, e, err);
			if (rc) {
				char *inner = err ? *err : NULL;
				if (err)
					*err = NULL;
				certs_errf(err, rc, "keys[%d]: %s", i,
					   inner ? inner : certs_strerror(rc, "en"));
				free(inner);
				break;
			}
			if ((rc = keyset_push(ks, k)))
				break;
			i++;
		}
	} else {
		certs_key *k = NULL;
		rc = certs_key_from_jwk(&k, root, err);
		if (rc == CERTS_OK)
			rc = keyset_push(ks, k);
	}
	cJSON_Delete(root);
	return rc;
}

int certs_keyset_load(certs_keyset *ks, const char *path, char **err)
{
	unsigned char *data = NULL;
	size_t len = 0;
	int rc = certs_read_file(path, &data, &len, 4 << 20);
	if (rc)
		return certs_errf(err, rc, "%s: cannot read", path);
	size_t i = 0;
	while (i < len && (data[i] == ' ' || data[i] == '\n' || data[i] == '\r' || data[i] == '\t'))
		i++;
	if (i < len && data[i] == '{') {
		rc = certs_keyset_add_jwks(ks, (const char *)data, len, err);
	} else {
		certs_key *k = NULL;
		rc = certs_key_parse(&k, data, len);
		if (rc == CERTS_OK) {
			rc = certs_keyset_add(ks, k);
			certs_key_free(k);
		} else {
			certs_errf(err, rc, "%s: neither a JWK set nor a PEM key", path);
		}
	}
	free(data);
	return rc;
}

int certs_keyset_jwks(const certs_keyset *ks, char **json)
{
	if (!ks || !json)
		return CERTS_E_INVALID;
	cJSON *root = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(root, "keys");
	if (!root || !arr) {
		cJSON_Delete(root);
		return CERTS_E_NOMEM;
	}
	for (size_t i = 0; i < ks->n; i++) {
		cJSON *o = key_jwk_tree(ks->keys[i]);
		if (!o) {
			cJSON_Delete(root);
			return CERTS_E_NOMEM;
		}
		cJSON_AddItemToArray(arr, o);
	}
	int rc = certs_canonical_json(root, json, NULL);
	cJSON_Delete(root);
	return rc;
}

const certs_key *certs_keyset_find(const certs_keyset *ks, const char *kid)
{
	if (!ks || !kid)
		return NULL;
	const char *frag = strrchr(kid, '#');
	for (size_t i = 0; i < ks->n; i++)
		if (strcmp(ks->keys[i]->kid, kid) == 0 || (frag && strcmp(ks->keys[i]->kid, frag + 1) == 0))
			return ks->keys[i];
	return NULL;
}
