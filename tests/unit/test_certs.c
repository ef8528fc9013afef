/*
 * test_certs.c - the certificate library's signing core: canonical JSON,
 * strict base64url, keys (generate, save with mode 0600, load, JWK, key
 * sets), record checks and parsing, and JWS verification with every part
 * tampered, alg "none"/HS256/mismatched, unknown kid, wrong typ, expiry and
 * the revocation callback.
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

#include <mbedtls/sha256.h>

#include "certs_int.h"
#include "test_certs_util.h"

/* ---------- canonical JSON (RFC 8785) ---------- */

typedef struct ccase {
	const char *in, *out; /* out NULL: refused */
} ccase;

static const ccase canon_cases[] = {
	{"{\"b\":1,\"a\":2}", "{\"a\":2,\"b\":1}"},
	{" { \"z\" : [ 1 , 2 ] , \"y\" : { \"d\" : null , \"c\" : true } } ",
	 "{\"y\":{\"c\":true,\"d\":null},\"z\":[1,2]}"},
	{"[96.5, 1e21, 1e-7, 0.000001, -0, 100, 1.5e300, 123456789012345680000]",
	 "[96.5,1e+21,1e-7,0.000001,0,100,1.5e+300,123456789012345680000]"},
	{"[0.1, 3.0, -2.25, 1E2]", "[0.1,3,-2.25,100]"},
	{"\"张三\\u0001\\n\\t\\\"\\\\/\\u00e9\"", "\"张三\\u0001\\n\\t\\\"\\\\/é\""},
	{"\"\\u2028\\ud83d\\ude00\"", "\"\xe2\x80\xa8\xf0\x9f\x98\x80\""},
	/* UTF-16 order: U+1F600 (D83D...) sorts before U+FF5E; in UTF-8 it would not */
	{"{\"\xef\xbd\x9e\":1,\"\xf0\x9f\x98\x80\":2,\"a\":3}",
	 "{\"a\":3,\"\xf0\x9f\x98\x80\":2,\"\xef\xbd\x9e\":1}"},
	{"{\"a\":1,\"a\":2}", NULL}, /* duplicate names */
	{"{}", "{}"},
	{"[]", "[]"},
};

static void test_canonical(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof canon_cases / sizeof canon_cases[0]; i++) {
		cJSON *v = cJSON_Parse(canon_cases[i].in);
		assert_non_null(v);
		char *out = NULL;
		size_t len = 0;
		int rc = certs_canonical_json(v, &out, &len);
		if (canon_cases[i].out) {
			assert_int_equal(rc, CERTS_OK);
			assert_string_equal(out, canon_cases[i].out);
			assert_int_equal(len, strlen(canon_cases[i].out));
		} else {
			assert_int_not_equal(rc, CERTS_OK);
		}
		free(out);
		cJSON_Delete(v);
	}
}

static void test_canonical_bad_utf8(void **state)
{
	(void)state;
	cJSON *v = cJSON_CreateString("\xc0\xaf");
	char *out = NULL;
	assert_int_equal(certs_canonical_json(v, &out, NULL), CERTS_E_UTF8);
	cJSON_Delete(v);
	v = cJSON_CreateNumber(0.0 / 0.0);
	assert_int_equal(certs_canonical_json(v, &out, NULL), CERTS_E_INVALID);
	cJSON_Delete(v);
}

/* ---------- base64url ---------- */

static void test_b64url(void **state)
{
	(void)state;
	static const struct {
		const char *raw, *enc;
	} rows[] = {{"", ""}, {"f", "Zg"}, {"fo", "Zm8"}, {"foo", "Zm9v"}, {"\xfb\xff", "-_8"}};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		char *e = certs_b64url((const unsigned char *)rows[i].raw, strlen(rows[i].raw));
		assert_string_equal(e, rows[i].enc);
		size_t n = 0;
		unsigned char *d = certs_b64url_decode(e, strlen(e), &n);
		assert_non_null(d);
		assert_int_equal(n, strlen(rows[i].raw));
		assert_memory_equal(d, rows[i].raw, n);
		free(d);
		free(e);
	}
	static const char *const bad[] = {"Zg==", "Z", "Zh", "Zm9", "Zm+v", "Zm/v", "Zm9v\n"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		size_t n = 0;
		/* "Zh" and "Zm9" have non-zero unused bits: other texts of "f" and "fo" */
		assert_null(certs_b64url_decode(bad[i], strlen(bad[i]), &n));
	}
}

/* ---------- keys ---------- */

static void test_key_save_load(void **state)
{
	(void)state;
	certs_key *k = NULL, *back = NULL, *pub = NULL;
	assert_int_equal(certs_key_generate(&k, CERTS_ALG_ES256), CERTS_OK);
	assert_int_equal(certs_key_alg(k), CERTS_ALG_ES256);
	assert_int_equal(strlen(certs_key_kid(k)), 43);
	char dir[] = "/tmp/test_certs.XXXXXX", path[256], pubpath[256];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/key.pem", dir);
	snprintf(pubpath, sizeof pubpath, "%s/key.pub.pem", dir);
	assert_int_equal(certs_key_save_private(k, path), CERTS_OK);
	assert_int_equal(certs_key_save_public(k, pubpath), CERTS_OK);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(stat(pubpath, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	assert_int_equal(certs_key_load(&back, path), CERTS_OK);
	assert_true(certs_key_is_private(back));
	assert_string_equal(certs_key_kid(back), certs_key_kid(k));
	assert_int_equal(certs_key_load(&pub, pubpath), CERTS_OK);
	assert_false(certs_key_is_private(pub));
	assert_string_equal(certs_key_kid(pub), certs_key_kid(k));
	/* a public key cannot sign, nor be saved as a private one */
	certs_signer *s = NULL;
	assert_int_equal(certs_signer_new(&s, pub), CERTS_E_KEY);
	assert_int_equal(certs_key_save_private(pub, path), CERTS_E_INVALID);
	/* garbage is refused */
	certs_key *bad = NULL;
	assert_int_equal(certs_key_parse(&bad, (const unsigned char *)"-----BEGIN nonsense", 19),
			 CERTS_E_KEY);
	assert_null(bad);
	unlink(path);
	unlink(pubpath);
	rmdir(dir);
	certs_key_free(k);
	certs_key_free(back);
	certs_key_free(pub);
}

static void test_jwk(void **state)
{
	certs_fixture *f = *state;
	char *jwk = NULL;
	assert_int_equal(certs_key_jwk(f->key, &jwk), CERTS_OK);
	cJSON *o = cJSON_Parse(jwk);
	assert_string_equal(cJSON_GetObjectItem(o, "kty")->valuestring, "EC");
	assert_string_equal(cJSON_GetObjectItem(o, "crv")->valuestring, "P-256");
	assert_string_equal(cJSON_GetObjectItem(o, "kid")->valuestring, certs_key_kid(f->key));
	assert_null(cJSON_GetObjectItem(o, "d"));
	/* RFC 7638: the thumbprint is over {"crv","kty","x","y"} in that order */
	char *members = NULL;
	assert_true(asprintf(&members, "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"%s\",\"y\":\"%s\"}",
			     cJSON_GetObjectItem(o, "x")->valuestring,
			     cJSON_GetObjectItem(o, "y")->valuestring) > 0);
	unsigned char h[32];
	mbedtls_sha256_ret((const unsigned char *)members, strlen(members), h, 0);
	char *tp = certs_b64url(h, 32);
	assert_string_equal(tp, certs_key_kid(f->key));
	/* the JWK makes a key set that verifies the key's signatures */
	certs_keyset *ks = NULL;
	assert_int_equal(certs_keyset_new(&ks), CERTS_OK);
	assert_int_equal(certs_keyset_add_jwks(ks, jwk, strlen(jwk), NULL), CERTS_OK);
	assert_non_null(certs_keyset_find(ks, certs_key_kid(f->key)));
	assert_null(certs_keyset_find(ks, "https://x.example/jwks.json#x"));
	char *frag = NULL;
	assert_true(asprintf(&frag, "https://x.example/jwks.json#%s", certs_key_kid(f->key)) > 0);
	assert_non_null(certs_keyset_find(ks, frag)); /* the OB 3.0 kid: URL#thumbprint */
	/* a private member is refused */
	cJSON_AddStringToObject(o, "d", "AAAA");
	char *priv = cJSON_PrintUnformatted(o), *err = NULL;
	assert_int_equal(certs_keyset_add_jwks(ks, priv, strlen(priv), &err), CERTS_E_KEY);
	assert_non_null(strstr(err, "private"));
	free(err);
	free(priv);
	free(frag);
	free(tp);
	free(members);
	free(jwk);
	cJSON_Delete(o);
	certs_keyset_free(ks);
}

/* ---------- records ---------- */

static void test_record_checks(void **state)
{
	certs_fixture *f = *state;
	certs_record r = f->rec;
	char *err = NULL;
	assert_int_equal(certs_record_check(&r, NULL), CERTS_OK);
	r.name = NAME64;
	assert_int_equal(certs_record_check(&r, NULL), CERTS_OK);
	char long_name[CERTS_MAX_NAME * 3 + 4] = "";
	for (int i = 0; i <= CERTS_MAX_NAME; i++)
		strcat(long_name, "张");
	r.name = long_name;
	assert_int_equal(certs_record_check(&r, &err), CERTS_E_INVALID);
	assert_string_equal(err, "name: 129 characters, at most 128");
	r = f->rec;
	r.unit = "\xe5\xae";
	assert_int_equal(certs_record_check(&r, &err), CERTS_E_UTF8);
	assert_string_equal(err, "unit: not valid UTF-8");
	r = f->rec;
	r.verify_base = "https://x.example/verify/";
	assert_int_equal(certs_record_check(&r, &err), CERTS_E_INVALID);
	r = f->rec;
	r.contest_code = "A B";
	assert_int_equal(certs_record_check(&r, &err), CERTS_E_INVALID);
	r = f->rec;
	r.name = "张\n三";
	assert_int_equal(certs_record_check(&r, &err), CERTS_E_INVALID);
	r = f->rec;
	strcpy(r.id, "short");
	assert_int_equal(certs_record_check(&r, &err), CERTS_E_INVALID);
	free(err);
}

static void test_record_json_roundtrip(void **state)
{
	certs_fixture *f = *state;
	certs_record r = f->rec;
	r.name = NAME64;
	char *json = NULL;
	size_t len = 0;
	assert_int_equal(certs_record_json(&r, &json, &len), CERTS_OK);
	assert_non_null(strstr(json, "\"score\":96.5"));
	assert_non_null(strstr(json, NAME64));
	assert_null(strchr(json, ' ') ? strstr(json, "\": ") : NULL); /* no whitespace between tokens */
	certs_record back;
	assert_int_equal(certs_record_parse(json, len, &back, NULL), CERTS_OK);
	assert_string_equal(back.name, NAME64);
	assert_int_equal(back.score_milli, 96500);
	assert_int_equal(back.rank, 1);
	char *again = NULL;
	assert_int_equal(certs_record_json(&back, &again, NULL), CERTS_OK);
	assert_string_equal(again, json);
	certs_record_release(&back);
	/* the same record, any other text: refused */
	char *spaced = NULL;
	assert_true(asprintf(&spaced, " %s", json) > 0);
	char *err = NULL;
	assert_int_equal(certs_record_parse(spaced, strlen(spaced), &back, &err), CERTS_E_TAMPERED);
	free(err);
	free(spaced);
	free(again);
	free(json);
}

/* ---------- JWS ---------- */

__attribute__((noinline)) static char *sign(certs_fixture *f, const certs_record *r)
{
	char *out = NULL;
	int rc = certs_sign_record(f->signer, r, &out);
	assert_int_equal(rc, CERTS_OK);
	return out;
}

static int verify(certs_fixture *f, const char *jws)
{
	certs_verify_opts o = {.keys = f->keys, .now = f->rec.issued_at + 10};
	certs_verdict v;
	int rc = certs_verify_token(jws, strlen(jws), &o, &v);
	assert_int_equal(rc, v.code);
	certs_verdict_release(&v);
	return rc;
}

static void test_sign_verify(void **state)
{
	certs_fixture *f = *state;
	char *a = sign(f, &f->rec), *b = sign(f, &f->rec);
	assert_string_equal(a, b); /* deterministic ECDSA: reproducible */
	size_t siglen = 0;
	unsigned char *sig = certs_b64url_decode(strrchr(a, '.') + 1, strlen(strrchr(a, '.') + 1), &siglen);
	assert_int_equal(siglen, 64); /* R || S, not DER */
	free(sig);
	certs_verify_opts o = {.keys = f->keys, .now = f->rec.issued_at + 10};
	certs_verdict v;
	assert_int_equal(certs_verify_token(a, strlen(a), &o, &v), CERTS_OK);
	assert_int_equal(v.token, CERTS_TOKEN_CERT);
	assert_string_equal(v.record.name, f->rec.name);
	assert_string_equal(v.record.id, f->rec.id);
	assert_string_equal(v.kid, certs_key_kid(f->key));
	certs_verdict_release(&v);
	free(a);
	free(b);
}

/* Every character of every part, changed: never valid. */
static void test_tamper_every_part(void **state)
{
	certs_fixture *f = *state;
	char *jws = sign(f, &f->rec);
	size_t n = strlen(jws);
	int seen[3] = {0, 0, 0};
	for (size_t i = 0; i < n; i += 3) {
		if (jws[i] == '.')
			continue;
		char *t = strdup(jws);
		t[i] = t[i] == 'A' ? 'B' : 'A';
		int rc = verify(f, t);
		assert_int_not_equal(rc, CERTS_OK);
		int part = i < (size_t)(strchr(jws, '.') - jws)    ? 0
			   : i < (size_t)(strrchr(jws, '.') - jws) ? 1
								   : 2;
		seen[part]++;
		if (part > 0)
			assert_true(rc == CERTS_E_SIGNATURE || rc == CERTS_E_FORMAT);
		free(t);
	}
	assert_true(seen[0] && seen[1] && seen[2]);
	/* a valid payload from another record in this header and signature */
	certs_record other = f->rec;
	other.award = "特等奖";
	char *o = sign(f, &other);
	char *d1 = strchr(jws, '.'), *d2 = strrchr(jws, '.'), *o1 = strchr(o, '.'), *o2 = strrchr(o, '.');
	char *mix = NULL;
	assert_true(asprintf(&mix, "%.*s%.*s%s", (int)(d1 - jws), jws, (int)(o2 - o1), o1, d2) > 0);
	assert_int_equal(verify(f, mix), CERTS_E_SIGNATURE);
	assert_int_equal(verify(f, "a.b"), CERTS_E_FORMAT);
	assert_int_equal(verify(f, "a.b.c.d"), CERTS_E_FORMAT);
	free(mix);
	free(o);
	free(jws);
}

/* A header of our choosing over the real payload, signed or not. */
static char *forge(certs_fixture *f, const char *header, const char *sig)
{
	char *real = sign(f, &f->rec);
	char *h = certs_b64url((const unsigned char *)header, strlen(header));
	size_t p1 = (size_t)(strchr(real, '.') - real), p2 = (size_t)(strrchr(real, '.') - real);
	char *t = NULL;
	int n = asprintf(&t, "%s%.*s.%s", h, (int)(p2 - p1), real + p1, sig ? sig : real + p2 + 1);
	assert_true(n > 0);
	free(h);
	free(real);
	return t;
}

static void test_alg_and_kid(void **state)
{
	certs_fixture *f = *state;
	char *hdr = NULL, *t;
	/* alg none, with and without a signature */
	assert_true(asprintf(&hdr, "{\"alg\":\"none\",\"kid\":\"%s\",\"typ\":\"%s\"}", certs_key_kid(f->key),
			     CERTS_JWS_TYP) > 0);
	t = forge(f, hdr, "");
	assert_int_equal(verify(f, t), CERTS_E_ALG);
	free(t);
	t = forge(f, hdr, NULL);
	assert_int_equal(verify(f, t), CERTS_E_ALG);
	free(t);
	free(hdr);
	/* HS256 (the public key as an HMAC secret, the classic confusion) */
	assert_true(asprintf(&hdr, "{\"alg\":\"HS256\",\"kid\":\"%s\",\"typ\":\"%s\"}", certs_key_kid(f->key),
			     CERTS_JWS_TYP) > 0);
	t = forge(f, hdr, NULL);
	assert_int_equal(verify(f, t), CERTS_E_ALG);
	free(t);
	free(hdr);
	/* RS256 named for a P-256 key */
	assert_true(asprintf(&hdr, "{\"alg\":\"RS256\",\"kid\":\"%s\",\"typ\":\"%s\"}", certs_key_kid(f->key),
			     CERTS_JWS_TYP) > 0);
	t = forge(f, hdr, NULL);
	assert_int_equal(verify(f, t), CERTS_E_ALG);
	free(t);
	free(hdr);
	/* unknown kid, and no kid */
	t = forge(f, "{\"alg\":\"ES256\",\"kid\":\"not-a-key\",\"typ\":\"" CERTS_JWS_TYP "\"}", NULL);
	assert_int_equal(verify(f, t), CERTS_E_KID);
	free(t);
	t = forge(f, "{\"alg\":\"ES256\",\"typ\":\"" CERTS_JWS_TYP "\"}", NULL);
	assert_int_equal(verify(f, t), CERTS_E_KID);
	free(t);
	/* another issuer's key, properly signed: its kid is not trusted */
	certs_key *other = NULL;
	certs_signer *os = NULL;
	assert_int_equal(certs_key_generate(&other, CERTS_ALG_ES256), CERTS_OK);
	assert_int_equal(certs_signer_new(&os, other), CERTS_OK);
	char *jws = NULL;
	assert_int_equal(certs_sign_record(os, &f->rec, &jws), CERTS_OK);
	assert_int_equal(verify(f, jws), CERTS_E_KID);
	free(jws);
	/* ... and with our kid in its header, the signature fails */
	char *json = NULL;
	size_t len = 0;
	assert_int_equal(certs_record_json(&f->rec, &json, &len), CERTS_OK);
	assert_int_equal(certs_sign_payload(os, CERTS_JWS_TYP, certs_key_kid(f->key), (unsigned char *)json,
					    len, &jws),
			 CERTS_OK);
	assert_int_equal(verify(f, jws), CERTS_E_SIGNATURE);
	free(jws);
	/* our key, a signed payload that is not a record of ours */
	assert_int_equal(certs_sign_payload(f->signer, CERTS_JWS_TYP, NULL,
					    (const unsigned char *)"{\"v\":1}", 7, &jws),
			 CERTS_OK);
	assert_int_equal(verify(f, jws), CERTS_E_TAMPERED);
	free(jws);
	/* the right payload with an unknown typ */
	assert_int_equal(certs_sign_payload(f->signer, "other", NULL, (unsigned char *)json, len, &jws),
			 CERTS_OK);
	assert_int_equal(verify(f, jws), CERTS_E_TYPE);
	free(jws);
	free(json);
	certs_signer_free(os);
	certs_key_free(other);
}

static int revoked_list(const char *id, void *ud, char **reason)
{
	if (strcmp(id, (const char *)ud) == 0) {
		*reason = strdup("成绩更正");
		return 1;
	}
	return strcmp(id, "fail") == 0 ? -1 : 0;
}

static void test_expiry_and_revocation(void **state)
{
	certs_fixture *f = *state;
	certs_record r = f->rec;
	r.expires_at = r.issued_at + 3600;
	char *jws = sign(f, &r);
	certs_verify_opts o = {.keys = f->keys, .now = r.issued_at + 60};
	certs_verdict v;
	assert_int_equal(certs_verify_token(jws, strlen(jws), &o, &v), CERTS_OK);
	certs_verdict_release(&v);
	o.now = r.expires_at;
	assert_int_equal(certs_verify_token(jws, strlen(jws), &o, &v), CERTS_E_EXPIRED);
	assert_true(v.has_record); /* the data is shown with the reason */
	certs_verdict_release(&v);
	o.now = r.issued_at - 3600;
	assert_int_equal(certs_verify_token(jws, strlen(jws), &o, &v), CERTS_E_NOT_YET);
	certs_verdict_release(&v);
	o.now = r.issued_at + 60;
	o.revoked = revoked_list;
	o.revoked_ud = (void *)r.id;
	assert_int_equal(certs_verify_token(jws, strlen(jws), &o, &v), CERTS_E_REVOKED);
	assert_non_null(strstr(v.detail, "成绩更正"));
	certs_verdict_release(&v);
	o.revoked_ud = (void *)"someone-else";
	assert_int_equal(certs_verify_token(jws, strlen(jws), &o, &v), CERTS_OK);
	certs_verdict_release(&v);
	free(jws);
}

static void test_rs256(void **state)
{
	certs_fixture *f = *state;
	certs_key *k = NULL;
	certs_signer *s = NULL;
	assert_int_equal(certs_key_generate(&k, CERTS_ALG_RS256), CERTS_OK);
	assert_int_equal(certs_signer_new(&s, k), CERTS_OK);
	char *jws = NULL, *jwk = NULL;
	assert_int_equal(certs_sign_record(s, &f->rec, &jws), CERTS_OK);
	assert_int_equal(certs_key_jwk(k, &jwk), CERTS_OK);
	assert_non_null(strstr(jwk, "\"kty\":\"RSA\""));
	certs_keyset *ks = NULL;
	assert_int_equal(certs_keyset_new(&ks), CERTS_OK);
	assert_int_equal(certs_keyset_add_jwks(ks, jwk, strlen(jwk), NULL), CERTS_OK);
	certs_verify_opts o = {.keys = ks, .now = f->rec.issued_at + 1};
	certs_verdict v;
	assert_int_equal(certs_verify_token(jws, strlen(jws), &o, &v), CERTS_OK);
	certs_verdict_release(&v);
	/* another base64url letter, so the token still decodes and only the signature is wrong */
	char *c = &jws[strlen(jws) - 5];
	*c = *c == 'A' ? 'B' : 'A';
	assert_int_equal(certs_verify_token(jws, strlen(jws), &o, &v), CERTS_E_SIGNATURE);
	certs_verdict_release(&v);
	free(jws);
	free(jwk);
	certs_keyset_free(ks);
	certs_signer_free(s);
	certs_key_free(k);
}

static void test_errors_table(void **state)
{
	(void)state;
	for (int code = CERTS_OK; code >= CERTS_E_TEMPLATE; code--) {
		assert_string_not_equal(certs_errname(code), "unknown");
		assert_string_not_equal(certs_strerror(code, "en"), "unknown error");
		assert_string_not_equal(certs_strerror(code, "zh-CN"), "未知错误");
	}
	assert_string_equal(certs_errname(-999), "unknown");
	assert_string_equal(certs_strerror(CERTS_E_SIGNATURE, "en"),
			    "bad signature: the content may have been altered");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_canonical),
		cmocka_unit_test(test_canonical_bad_utf8),
		cmocka_unit_test(test_b64url),
		cmocka_unit_test(test_key_save_load),
		cmocka_unit_test(test_errors_table),
		cmocka_unit_test_setup_teardown(test_jwk, certs_fixture_setup, certs_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_record_checks, certs_fixture_setup,
						certs_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_record_json_roundtrip, certs_fixture_setup,
						certs_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_sign_verify, certs_fixture_setup,
						certs_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_tamper_every_part, certs_fixture_setup,
						certs_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_alg_and_kid, certs_fixture_setup,
						certs_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_expiry_and_revocation, certs_fixture_setup,
						certs_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_rs256, certs_fixture_setup, certs_fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
