/*
 * test_certs_pdf.c - the certificate library around the signature: Open
 * Badges 3.0 VC-JWTs (claims bound to the credential), templates, PDF
 * rendering with the JWS in the metadata (64-character names), the offline
 * verifier on PDF and token files, and the bulk API on two threads.
 * (Independent checks of the same outputs, with poppler, zbar, jose and the
 * OB 3.0 schema: tests/integration/certs-check.mjs.)
 */
#include <fcntl.h>
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

#include "certs_int.h"
#include "test_certs_util.h"

static const certs_ob3_opts ob3_opts = {
	.issuer_id = "https://skills.example.cn/issuers/1",
	.jwks_url = "https://skills.example.cn/.well-known/jwks.json",
};

/* ---------- Open Badges 3.0 ---------- */

static void test_ob3_credential(void **state)
{
	certs_fixture *f = *state;
	char *json = NULL;
	assert_int_equal(certs_ob3_credential(&f->rec, &ob3_opts, &json), CERTS_OK);
	cJSON *c = cJSON_Parse(json);
	const cJSON *ctx = cJSON_GetObjectItem(c, "@context");
	assert_string_equal(cJSON_GetArrayItem(ctx, 0)->valuestring, "https://www.w3.org/ns/credentials/v2");
	assert_string_equal(cJSON_GetArrayItem(ctx, 1)->valuestring,
			    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json");
	assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(c, "type"), 1)->valuestring,
			    "OpenBadgeCredential");
	assert_string_equal(cJSON_GetObjectItem(c, "validFrom")->valuestring, "2026-12-05T00:00:00Z");
	const cJSON *subj = cJSON_GetObjectItem(c, "credentialSubject");
	assert_int_equal(strncmp(cJSON_GetObjectItem(subj, "id")->valuestring, "urn:uuid:", 9), 0);
	const cJSON *ach = cJSON_GetObjectItem(subj, "achievement");
	assert_string_equal(cJSON_GetObjectItem(ach, "achievementType")->valuestring, "Award");
	assert_non_null(cJSON_GetObjectItem(cJSON_GetObjectItem(ach, "criteria"), "narrative"));
	/* the employee number is only there hashed */
	assert_null(strstr(json, f->rec.employee_no));
	cJSON_Delete(c);
	free(json);
}

static void test_ob3_vcjwt(void **state)
{
	certs_fixture *f = *state;
	char *jwt = NULL;
	assert_int_equal(certs_sign_ob3(f->signer, &f->rec, &ob3_opts, &jwt), CERTS_OK);
	size_t hl = 0;
	unsigned char *h = certs_b64url_decode(jwt, (size_t)(strchr(jwt, '.') - jwt), &hl);
	char *want = NULL;
	assert_true(asprintf(&want, "{\"alg\":\"ES256\",\"kid\":\"%s#%s\",\"typ\":\"JWT\"}",
			     ob3_opts.jwks_url, certs_key_kid(f->key)) > 0);
	assert_string_equal((char *)h, want); /* exactly alg, kid, typ */
	certs_verify_opts o = {.keys = f->keys, .now = f->rec.issued_at + 5};
	certs_verdict v;
	assert_int_equal(certs_verify_token(jwt, strlen(jwt), &o, &v), CERTS_OK);
	assert_int_equal(v.token, CERTS_TOKEN_OB3);
	cJSON *p = cJSON_Parse(v.credential);
	assert_string_equal(cJSON_GetObjectItem(p, "iss")->valuestring, ob3_opts.issuer_id);
	assert_int_equal((int64_t)cJSON_GetObjectItem(p, "nbf")->valuedouble, f->rec.issued_at);
	assert_string_equal(cJSON_GetObjectItem(p, "jti")->valuestring,
			    cJSON_GetObjectItem(p, "id")->valuestring);
	assert_null(cJSON_GetObjectItem(p, "vc")); /* VC 2.0: the payload is the credential */
	certs_verdict_release(&v);
	/* signed by our key, but a claim that contradicts the credential */
	cJSON_ReplaceItemInObject(p, "iss", cJSON_CreateString("https://evil.example"));
	char *bad = NULL, *payload = NULL;
	size_t len = 0;
	assert_int_equal(certs_canonical_json(p, &payload, &len), CERTS_OK);
	assert_int_equal(certs_sign_payload(f->signer, "JWT", NULL, (unsigned char *)payload, len, &bad),
			 CERTS_OK);
	assert_int_equal(certs_verify_token(bad, strlen(bad), &o, &v), CERTS_E_TAMPERED);
	assert_non_null(strstr(v.detail, "iss"));
	certs_verdict_release(&v);
	/* a VC-JWT of another issuer key */
	certs_keyset *empty = NULL;
	assert_int_equal(certs_keyset_new(&empty), CERTS_OK);
	o.keys = empty;
	assert_int_equal(certs_verify_token(jwt, strlen(jwt), &o, &v), CERTS_E_KID);
	certs_verdict_release(&v);
	certs_keyset_free(empty);
	cJSON_Delete(p);
	free(payload);
	free(bad);
	free(want);
	free(h);
	free(jwt);
}

/* ---------- templates ---------- */

static void test_template(void **state)
{
	(void)state;
	certs_template *t = NULL;
	char *err = NULL;
	const char *good = "{\"id\":\"demo\",\"title\":\"荣誉证书\",\"color\":\"#aa0000\"}";
	assert_int_equal(certs_template_parse(&t, good, strlen(good), NULL, &err), CERTS_OK);
	assert_string_equal(certs_template_id(t), "demo");
	certs_template_free(t);
	static const struct {
		const char *json, *msg;
	} bad[] = {
		{"{\"colour\":\"#aa0000\"}", "unknown member \"colour\""},
		{"{\"color\":\"red\"}", "color: must be #rrggbb"},
		{"{\"title\":3}", "title: must be a string"},
		{"{\"seal\":\"/nonexistent/seal.png\"}",
		 "seal: /nonexistent/seal.png: cannot read (at most 8 MB)"},
		{"[1]", "template: not a JSON object"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		t = NULL;
		assert_int_not_equal(certs_template_parse(&t, bad[i].json, strlen(bad[i].json), NULL, &err),
				     CERTS_OK);
		assert_null(t);
		assert_string_equal(err, bad[i].msg);
	}
	free(err);
}

/* ---------- PDF ---------- */

static void test_render_and_verify_pdf(void **state)
{
	certs_fixture *f = *state;
	certs_record r = f->rec;
	r.name = NAME64;
	r.unit = "国网江苏省电力有限公司南京供电分公司城南运维检修中心变电运维一班第三组技术攻关小组";
	certs_template *t = NULL;
	certs_renderer *rd = NULL;
	assert_int_equal(certs_template_default(&t), CERTS_OK);
	assert_int_equal(certs_renderer_new(&rd, t), CERTS_OK);
	char *jws = NULL;
	assert_int_equal(certs_sign_record(f->signer, &r, &jws), CERTS_OK);
	unsigned char *pdf = NULL, *pdf2 = NULL;
	size_t len = 0, len2 = 0;
	assert_int_equal(certs_render_pdf(rd, &r, jws, &pdf, &len), CERTS_OK);
	assert_true(len > 1000 && len < 200000);
	assert_memory_equal(pdf, "%PDF-", 5);
	assert_int_equal(certs_render_pdf(rd, &r, jws, &pdf2, &len2), CERTS_OK);
	assert_int_equal(len, len2); /* reproducible: same record, same bytes */
	assert_memory_equal(pdf, pdf2, len);
	char *found = NULL;
	assert_int_equal(certs_pdf_extract_jws(pdf, len, &found), CERTS_OK);
	assert_string_equal(found, jws);
	/* verify the file; then a copy whose JWS has one byte changed */
	char path[] = "/tmp/test_certs_pdf.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, pdf, len), (ssize_t)len);
	close(fd);
	certs_verify_opts o = {.keys = f->keys, .now = r.issued_at + 60};
	certs_verdict v;
	assert_int_equal(certs_verify_file(path, &o, &v), CERTS_OK);
	assert_string_equal(v.record.name, NAME64);
	certs_verdict_release(&v);
	unsigned char *at = memmem(pdf, len, strchr(jws, '.') + 40, 20); /* inside the payload */
	assert_non_null(at);
	at[3] = at[3] == 'Q' ? 'R' : 'Q';
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_int_equal(write(fd, pdf, len), (ssize_t)len);
	close(fd);
	assert_int_equal(certs_verify_file(path, &o, &v), CERTS_E_SIGNATURE);
	certs_verdict_release(&v);
	/* a PDF without a certificate */
	unsigned char *plain = NULL;
	assert_int_equal(certs_render_pdf(rd, &r, NULL, &plain, &len2), CERTS_OK);
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_int_equal(write(fd, plain, len2), (ssize_t)len2);
	free(plain);
	close(fd);
	assert_int_equal(certs_verify_file(path, &o, &v), CERTS_E_NOT_FOUND);
	certs_verdict_release(&v);
	unlink(path);
	free(found);
	free(pdf);
	free(pdf2);
	free(jws);
	certs_renderer_free(rd);
	certs_template_free(t);
}

/* ---------- bulk ---------- */

typedef struct emitted {
	int count;
	size_t bytes;
} emitted;

static int on_emit(size_t i, const certs_record *r, const char *jws, const char *vc, const unsigned char *pdf,
		   size_t len, void *ud)
{
	(void)i;
	(void)r;
	emitted *e = ud;
	if (!jws || !vc || !pdf || len < 5 || memcmp(pdf, "%PDF-", 5) != 0)
		return 1;
	__atomic_add_fetch(&e->count, 1, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&e->bytes, len, __ATOMIC_SEQ_CST);
	return 0;
}

static void test_bulk(void **state)
{
	certs_fixture *f = *state;
	enum { N = 12 };
	certs_record recs[N];
	char names[N][32];
	for (int i = 0; i < N; i++) {
		recs[i] = f->rec;
		recs[i].id[0] = '\0'; /* the batch assigns ids */
		snprintf(names[i], sizeof names[i], "选手%d", i);
		recs[i].name = i == 3 ? NAME64 : names[i];
		recs[i].rank = i + 1;
	}
	char dir[] = "/tmp/test_certs_bulk.XXXXXX", print[64];
	assert_non_null(mkdtemp(dir));
	snprintf(print, sizeof print, "%s/all.pdf", dir);
	certs_template *t = NULL;
	assert_int_equal(certs_template_default(&t), CERTS_OK);
	emitted e = {0};
	certs_bulk_opts o = {.threads = 2,
			     .out_dir = dir,
			     .ob3 = &ob3_opts,
			     .print_pdf = print,
			     .emit = on_emit,
			     .ud = &e};
	certs_bulk_stats st;
	assert_int_equal(certs_bulk_issue(f->key, t, recs, N, &o, &st), CERTS_OK);
	assert_int_equal(st.issued, N);
	assert_int_equal(e.count, N);
	assert_int_equal(e.bytes, st.pdf_bytes);
	certs_verify_opts vo = {.keys = f->keys, .now = f->rec.issued_at + 1};
	for (int i = 0; i < N; i++) {
		assert_int_equal(strlen(recs[i].id), CERTS_ID_LEN);
		for (int j = 0; j < i; j++)
			assert_string_not_equal(recs[i].id, recs[j].id);
		static const char *const ext[] = {".pdf", ".jws", ".ob3.jwt"};
		for (int k = 0; k < 3; k++) {
			char path[128];
			snprintf(path, sizeof path, "%s/%s%s", dir, recs[i].id, ext[k]);
			certs_verdict v;
			assert_int_equal(certs_verify_file(path, &vo, &v), CERTS_OK);
			if (k < 2)
				assert_string_equal(v.record.name, recs[i].name);
			certs_verdict_release(&v);
			unlink(path);
		}
	}
	struct stat sb;
	assert_int_equal(stat(print, &sb), 0);
	assert_true(sb.st_size > 1000);
	unlink(print);
	/* one bad record refuses the batch before anything is written */
	recs[5].name = "";
	memset(&e, 0, sizeof e);
	assert_int_equal(certs_bulk_issue(f->key, t, recs, N, &o, &st), CERTS_E_INVALID);
	assert_int_equal(st.first_index, 5);
	assert_int_equal(e.count, 0);
	assert_int_equal(rmdir(dir), 0); /* still empty */
	certs_template_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_template),
		cmocka_unit_test_setup_teardown(test_ob3_credential, certs_fixture_setup,
						certs_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_ob3_vcjwt, certs_fixture_setup, certs_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_render_and_verify_pdf, certs_fixture_setup,
						certs_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_bulk, certs_fixture_setup, certs_fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* fontconfig keeps its configuration and pattern caches for the life of the
 * process (freed only by FcFini, which pango forbids while it may run): not
 * leaks of ours, and LeakSanitizer is told so for this binary only. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void) { return "leak:libfontconfig.so\n"; }
