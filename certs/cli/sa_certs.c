/*
 * sa_certs.c - `sa-certs`, the certificate library on the command line:
 * make keys, publish the public ones, issue certificates from a JSON file of
 * records, and verify certificate PDFs or tokens offline.
 *
 *   sa-certs keygen [--rs256] PRIVATE.pem [PUBLIC.pem]
 *   sa-certs jwks KEY.pem...                  public keys as a JWK Set (stdout)
 *   sa-certs issue --key KEY.pem --records R.json --out DIR [--template T.json]
 *                  [--threads N] [--issuer-id URL --jwks-url URL] [--print ALL.pdf] [--no-pdf]
 *   sa-certs verify --keys JWKS|PEM [--keys ...] [--now UNIX] [--revoked LIST] [--lang en] FILE...
 *   sa-certs extract CERT.pdf                 the JWS in a certificate PDF (stdout)
 *   sa-certs seal OUT.png [TEXT]              a demo seal image (red ring and text)
 *
 * Records (R.json): an array of records, or {"defaults":{...},"records":[...]}
 * whose defaults fill members a record lacks. Members: contest_code,
 * contest_title, name, employee_no, unit, award, kind ("award" or
 * "participation"), score, rank, issued_at, expires_at (Unix seconds),
 * issuer, template, verify_base, and optionally id.
 *
 * verify exits 0 when every file is valid, 1 when one is not, 2 on usage
 * errors; it prints one line per file: "FILE: valid ..." or
 * "FILE: invalid: <name>: <message> (<detail>)".
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cairo.h>
#include <cjson/cJSON.h>
#include <pango/pangocairo.h>

#include "certs.h"

static int usage(void)
{
	fprintf(stderr,
		"usage: sa-certs keygen|jwks|issue|verify|extract|seal ... (see certs/cli/sa_certs.c)\n");
	return 2;
}

static int fail(const char *what, int rc, char *detail)
{
	fprintf(stderr, "sa-certs: %s: %s (%s)%s%s\n", what, certs_strerror(rc, "en"), certs_errname(rc),
		detail ? ": " : "", detail ? detail : "");
	free(detail);
	return 1;
}

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *s = NULL;
	size_t n = 0;
	FILE *m = open_memstream(&s, &n);
	char buf[65536];
	size_t k;
	while (m && (k = fread(buf, 1, sizeof buf, f)) > 0)
		fwrite(buf, 1, k, m);
	fclose(f);
	if (m)
		fclose(m);
	return s;
}

/* ---------- keygen, jwks, extract ---------- */

static int cmd_keygen(int argc, char **argv)
{
	int alg = CERTS_ALG_ES256, i = 0;
	if (i < argc && strcmp(argv[i], "--rs256") == 0)
		alg = CERTS_ALG_RS256, i++;
	if (argc - i < 1 || argc - i > 2)
		return usage();
	certs_key *k = NULL;
	int rc = certs_key_generate(&k, alg);
	if (rc == CERTS_OK)
		rc = certs_key_save_private(k, argv[i]);
	if (rc == CERTS_OK && argc - i == 2)
		rc = certs_key_save_public(k, argv[i + 1]);
	if (rc == CERTS_OK)
		printf("%s %s\n", certs_alg_name(alg), certs_key_kid(k));
	certs_key_free(k);
	return rc ? fail("keygen", rc, NULL) : 0;
}

static int cmd_jwks(int argc, char **argv)
{
	if (argc < 1)
		return usage();
	certs_keyset *ks = NULL;
	int rc = certs_keyset_new(&ks);
	char *err = NULL;
	for (int i = 0; rc == CERTS_OK && i < argc; i++)
		rc = certs_keyset_load(ks, argv[i], &err);
	char *json = NULL;
	if (rc == CERTS_OK)
		rc = certs_keyset_jwks(ks, &json);
	if (rc == CERTS_OK)
		printf("%s\n", json);
	free(json);
	certs_keyset_free(ks);
	return rc ? fail("jwks", rc, err) : 0;
}

static int cmd_extract(int argc, char **argv)
{
	if (argc != 1)
		return usage();
	FILE *f = fopen(argv[0], "rb");
	if (!f)
		return fail(argv[0], CERTS_E_IO, NULL);
	char *data = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&data, &len);
	char buf[65536];
	size_t k;
	while ((k = fread(buf, 1, sizeof buf, f)) > 0)
		fwrite(buf, 1, k, m);
	fclose(f);
	fclose(m);
	char *jws = NULL;
	int rc = certs_pdf_extract_jws((const unsigned char *)data, len, &jws);
	free(data);
	if (rc)
		return fail(argv[0], rc, NULL);
	printf("%s\n", jws);
	free(jws);
	return 0;
}

/* ---------- issue ---------- */

static const cJSON *member(const cJSON *rec, const cJSON *defs, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(rec, name);
	return v ? v : cJSON_GetObjectItemCaseSensitive(defs, name);
}

static const char *text_of(const cJSON *rec, const cJSON *defs, const char *name)
{
	const cJSON *v = member(rec, defs, name);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int record_of(const cJSON *rec, const cJSON *defs, certs_record *r, char **err)
{
	memset(r, 0, sizeof *r);
	static const struct {
		const char *name;
		size_t off;
	} texts[] = {
		{"contest_code", offsetof(certs_record, contest_code)},
		{"contest_title", offsetof(certs_record, contest_title)},
		{"name", offsetof(certs_record, name)},
		{"employee_no", offsetof(certs_record, employee_no)},
		{"unit", offsetof(certs_record, unit)},
		{"award", offsetof(certs_record, award)},
		{"issuer", offsetof(certs_record, issuer)},
		{"template", offsetof(certs_record, template_id)},
		{"verify_base", offsetof(certs_record, verify_base)},
	};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		*(const char **)((char *)r + texts[i].off) = text_of(rec, defs, texts[i].name);
	const char *id = text_of(rec, defs, "id");
	if (id)
		snprintf(r->id, sizeof r->id, "%s", id);
	const char *kind = text_of(rec, defs, "kind");
	r->kind = kind && strcmp(kind, "participation") == 0 ? CERTS_KIND_PARTICIPATION : CERTS_KIND_AWARD;
	if (kind && r->kind == CERTS_KIND_AWARD && strcmp(kind, "award") != 0)
		return asprintf(err, "kind: \"%s\" (award or participation)", kind), CERTS_E_INVALID;
	const cJSON *score = member(rec, defs, "score"), *rank = member(rec, defs, "rank");
	const cJSON *iat = member(rec, defs, "issued_at"), *exp = member(rec, defs, "expires_at");
	r->has_score = cJSON_IsNumber(score);
	r->score_milli = r->has_score ? llround(score->valuedouble * 1000) : 0;
	r->rank = cJSON_IsNumber(rank) ? rank->valueint : 0;
	r->issued_at = cJSON_IsNumber(iat) ? (int64_t)iat->valuedouble : (int64_t)time(NULL);
	r->expires_at = cJSON_IsNumber(exp) ? (int64_t)exp->valuedouble : 0;
	return CERTS_OK;
}

typedef struct issue_ctx {
	FILE *ids; /* one line per certificate: index id */
	double t0;
} issue_ctx;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void progress(size_t done, size_t total, void *ud)
{
	issue_ctx *c = ud;
	fprintf(stderr, "\rsa-certs: %zu/%zu certificates, %.1f s", done, total, now_s() - c->t0);
	if (done == total)
		fputc('\n', stderr);
}

static const char *opt(int *i, int argc, char **argv, const char *name)
{
	if (strcmp(argv[*i], name) != 0 || *i + 1 >= argc)
		return NULL;
	*i += 1;
	return argv[*i];
}

static int cmd_issue(int argc, char **argv)
{
	const char *key_path = NULL, *rec_path = NULL, *out = NULL, *tpl_path = NULL, *iss = NULL,
		   *jwks = NULL;
	certs_bulk_opts bo = {.threads = 1};
	const char *v;
	for (int i = 0; i < argc; i++) {
		if ((v = opt(&i, argc, argv, "--key")))
			key_path = v;
		else if ((v = opt(&i, argc, argv, "--records")))
			rec_path = v;
		else if ((v = opt(&i, argc, argv, "--out")))
			out = v;
		else if ((v = opt(&i, argc, argv, "--template")))
			tpl_path = v;
		else if ((v = opt(&i, argc, argv, "--threads")))
			bo.threads = atoi(v);
		else if ((v = opt(&i, argc, argv, "--issuer-id")))
			iss = v;
		else if ((v = opt(&i, argc, argv, "--jwks-url")))
			jwks = v;
		else if ((v = opt(&i, argc, argv, "--print")))
			bo.print_pdf = v;
		else if (strcmp(argv[i], "--no-pdf") == 0)
			bo.no_pdf = 1;
		else
			return usage();
	}
	if (!key_path || !rec_path || !out || (!iss != !jwks))
		return usage();
	certs_key *key = NULL;
	certs_template *tpl = NULL;
	char *err = NULL, *text = read_text(rec_path);
	int rc = certs_key_load(&key, key_path);
	if (rc)
		return fail(key_path, rc, NULL);
	rc = tpl_path ? certs_template_load(&tpl, tpl_path, &err) : certs_template_default(&tpl);
	cJSON *root = text ? cJSON_Parse(text) : NULL;
	free(text);
	const cJSON *defs = cJSON_GetObjectItemCaseSensitive(root, "defaults");
	const cJSON *list = cJSON_IsArray(root) ? root : cJSON_GetObjectItemCaseSensitive(root, "records");
	size_t n = (size_t)cJSON_GetArraySize(list);
	certs_record *recs = calloc(n ? n : 1, sizeof *recs);
	if (rc == CERTS_OK && (!cJSON_IsArray(list) || !recs)) {
		rc = CERTS_E_INVALID;
		err = strdup("records: not JSON, or neither an array nor {\"records\":[...]}");
	}
	size_t k = 0;
	const cJSON *e;
	cJSON_ArrayForEach(e, list) if (rc == CERTS_OK &&
					(rc = record_of(e, defs, &recs[k], &err)) == CERTS_OK) k++;
	/* the template's issuer, when it names one, is what each record signs */
	for (size_t i = 0; rc == CERTS_OK && i < k && *certs_template_issuer(tpl); i++)
		recs[i].issuer = certs_template_issuer(tpl);
	certs_ob3_opts ob3 = {.issuer_id = iss, .jwks_url = jwks};
	issue_ctx ic = {.t0 = now_s()};
	bo.out_dir = out;
	bo.ob3 = iss ? &ob3 : NULL;
	bo.progress = progress;
	bo.ud = &ic;
	certs_bulk_stats st;
	memset(&st, 0, sizeof st);
	if (rc == CERTS_OK) {
		mkdir(out, 0755);
		rc = certs_bulk_issue(key, tpl, recs, n, &bo, &st);
	}
	if (rc == CERTS_OK) {
		double dt = now_s() - ic.t0;
		for (size_t i = 0; i < n; i++)
			printf("%zu %s\n", i, recs[i].id);
		fprintf(stderr, "sa-certs: issued %zu certificates in %.2f s (%.0f/s), %zu bytes per PDF\n",
			st.issued, dt, dt > 0 ? st.issued / dt : 0.0,
			st.issued ? st.pdf_bytes / st.issued : 0);
	} else if (st.failed) {
		char *d = NULL;
		certs_record_check(&recs[st.first_index], &d);
		fprintf(stderr, "sa-certs: record %zu refused\n", st.first_index);
		err = d;
	}
	free(recs);
	cJSON_Delete(root);
	certs_template_free(tpl);
	certs_key_free(key);
	return rc ? fail("issue", rc, err) : 0;
}

/* ---------- verify ---------- */

typedef struct revoked_list {
	char *text; /* lines "ID reason" */
} revoked_list;

static int revoked_cb(const char *id, void *ud, char **reason)
{
	const revoked_list *l = ud;
	size_t n = strlen(id);
	for (const char *p = l->text; p && *p;) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		if (len >= n && strncmp(p, id, n) == 0 && (len == n || p[n] == ' ')) {
			*reason = len > n + 1 ? strndup(p + n + 1, len - n - 1) : NULL;
			return 1;
		}
		p = eol ? eol + 1 : p + len;
	}
	return 0;
}

static void print_valid(const char *file, const certs_verdict *v)
{
	if (v->token == CERTS_TOKEN_CERT) {
		const certs_record *r = &v->record;
		printf("%s: valid certificate %s: %s, %s, %s (kid %s)\n", file, r->id, r->name,
		       r->contest_title, r->award, v->kid);
	} else {
		printf("%s: valid Open Badges 3.0 credential (kid %s)\n", file, v->kid);
	}
}

static int cmd_verify(int argc, char **argv)
{
	certs_keyset *ks = NULL;
	certs_verify_opts vo = {0};
	revoked_list rl = {0};
	const char *lang = "zh-CN", *v;
	char *err = NULL;
	int rc = certs_keyset_new(&ks), i = 0, bad = 0;
	for (; rc == CERTS_OK && i < argc && argv[i][0] == '-'; i++) {
		if ((v = opt(&i, argc, argv, "--keys")))
			rc = certs_keyset_load(ks, v, &err);
		else if ((v = opt(&i, argc, argv, "--now")))
			vo.now = strtoll(v, NULL, 10);
		else if ((v = opt(&i, argc, argv, "--lang")))
			lang = v;
		else if ((v = opt(&i, argc, argv, "--revoked"))) {
			free(rl.text);
			rl.text = read_text(v);
			vo.revoked = revoked_cb;
			vo.revoked_ud = &rl;
		} else {
			rc = -100;
		}
	}
	if (rc == -100 || i >= argc || !certs_keyset_count(ks)) {
		certs_keyset_free(ks);
		free(rl.text);
		free(err);
		return rc == CERTS_OK || rc == -100 ? usage() : fail("keys", rc, err);
	}
	if (rc) {
		certs_keyset_free(ks);
		free(rl.text);
		return fail("keys", rc, err);
	}
	vo.keys = ks;
	for (; i < argc; i++) {
		certs_verdict vd;
		if (certs_verify_file(argv[i], &vo, &vd) == CERTS_OK) {
			print_valid(argv[i], &vd);
		} else {
			bad = 1;
			printf("%s: invalid: %s: %s%s%s%s\n", argv[i], certs_errname(vd.code),
			       certs_strerror(vd.code, lang), vd.detail ? " (" : "",
			       vd.detail ? vd.detail : "", vd.detail ? ")" : "");
		}
		certs_verdict_release(&vd);
	}
	certs_keyset_free(ks);
	free(rl.text);
	return bad;
}

/* ---------- seal ---------- */

static int cmd_seal(int argc, char **argv)
{
	if (argc < 1 || argc > 2)
		return usage();
	const char *text = argc == 2 ? argv[1] : "测试专用章";
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 300, 300);
	cairo_t *cr = cairo_create(s);
	cairo_set_source_rgba(cr, 0.85, 0.1, 0.1, 0.9);
	cairo_set_line_width(cr, 12);
	cairo_arc(cr, 150, 150, 138, 0, 2 * M_PI);
	cairo_stroke(cr);
	/* a five-pointed star in the middle */
	for (int k = 0; k < 10; k++) {
		double a = -M_PI / 2 + k * M_PI / 5, rad = k % 2 ? 18 : 45;
		(k ? cairo_line_to : cairo_move_to)(cr, 150 + rad * cos(a), 150 + rad * sin(a));
	}
	cairo_close_path(cr);
	cairo_fill(cr);
	PangoLayout *l = pango_cairo_create_layout(cr);
	PangoFontDescription *fd = pango_font_description_from_string("AR PL UKai CN, Noto Serif CJK SC 30");
	pango_layout_set_font_description(l, fd);
	pango_layout_set_text(l, text, -1);
	pango_layout_set_width(l, 240 * PANGO_SCALE);
	pango_layout_set_alignment(l, PANGO_ALIGN_CENTER);
	cairo_move_to(cr, 30, 205);
	pango_cairo_show_layout(cr, l);
	pango_font_description_free(fd);
	g_object_unref(l);
	cairo_destroy(cr);
	int rc = cairo_surface_write_to_png(s, argv[0]) == CAIRO_STATUS_SUCCESS ? 0 : 1;
	cairo_surface_destroy(s);
	return rc ? fail(argv[0], CERTS_E_IO, NULL) : 0;
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} commands[] = {
	{"keygen", cmd_keygen}, {"jwks", cmd_jwks},       {"issue", cmd_issue},
	{"verify", cmd_verify}, {"extract", cmd_extract}, {"seal", cmd_seal},
};

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage();
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(argc - 2, argv + 2);
	return usage();
}
