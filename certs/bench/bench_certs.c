/*
 * bench_certs.c - how fast certificates are issued (`make bench-certs`).
 *
 * Prints, and writes as JSON with -o FILE:
 *   signing      ES256 JWS per second (one thread), OB 3.0 VC-JWT per second
 *   verifying    certificate JWS per second
 *   bulk         certificates per second (sign + VC-JWT + PDF in memory, seal
 *                included) with 1 thread and with N threads (-t, default: cores),
 *                the time N certificates take (-n, default 10000), bytes per PDF
 *   fonts        bytes per PDF and ms per PDF with the default (TrueType
 *                AR PL UKai/UMing), WenQuanYi Zen Hei and Noto Serif CJK
 * Records are synthetic: varied names (one in 50 is 64 characters), units
 * and scores. PDFs stay in memory (the emit callback counts them), so the
 * figures are the library's, not the disk's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cairo.h>

#include "certs.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static const char *const family[] = {"张", "王", "李", "赵", "刘",   "陈",
				     "杨", "黄", "周", "吴", "欧阳", "司马"};
static const char *const given[] = {"伟", "芳", "娜", "秀英", "敏", "静", "建国", "志强", "桂英", "铁柱"};
static const char *const units[] = {"国网南京供电公司", "国网苏州供电公司城区运维中心",
				    "江苏省电力建设第一工程公司",
				    "国网江苏省电力有限公司南京供电分公司城南运维检修中心变电运维一班"};
static const char *const awards[] = {"一等奖", "二等奖", "三等奖", "优秀奖"};
#define NAME64 \
	"欧阳铁柱欧阳铁柱欧阳铁柱欧阳铁柱欧阳铁柱欧阳铁柱欧阳铁柱欧阳铁柱欧阳铁柱欧阳铁柱欧阳铁柱欧阳铁柱欧阳铁柱欧阳铁柱欧阳铁柱欧阳铁柱"

typedef struct names {
	char (*name)[64];
	char (*emp)[24];
} names;

static certs_record *make_records(size_t n, names *nm)
{
	certs_record *r = calloc(n, sizeof *r);
	nm->name = calloc(n, sizeof *nm->name);
	nm->emp = calloc(n, sizeof *nm->emp);
	if (!r || !nm->name || !nm->emp)
		exit(1);
	for (size_t i = 0; i < n; i++) {
		snprintf(nm->name[i], sizeof nm->name[i], "%s%s", family[i % 12], given[(i / 12) % 10]);
		snprintf(nm->emp[i], sizeof nm->emp[i], "E%06zu", i);
		r[i].contest_code = "BENCH-2026";
		r[i].contest_title = "2026年国网江苏省电力有限公司电工技能竞赛";
		r[i].name = i % 50 == 7 ? NAME64 : nm->name[i];
		r[i].employee_no = nm->emp[i];
		r[i].unit = units[i % 4];
		r[i].award = awards[i % 4];
		r[i].has_score = 1;
		r[i].score_milli = 60000 + (int64_t)(i * 7919 % 40000);
		r[i].rank = (int)i + 1;
		r[i].issued_at = 1796428800;
		r[i].issuer = "江苏省总工会";
		r[i].template_id = "bench";
		r[i].verify_base = "https://skills.example.cn/verify";
	}
	return r;
}

static int count_pdf(size_t i, const certs_record *r, const char *jws, const char *vc,
		     const unsigned char *pdf, size_t len, void *ud)
{
	(void)i, (void)r, (void)jws, (void)vc, (void)pdf, (void)len, (void)ud;
	return 0;
}

static const certs_ob3_opts ob3 = {.issuer_id = "https://skills.example.cn/issuers/1",
				   .jwks_url = "https://skills.example.cn/.well-known/jwks.json"};

/* Bulk issue of n records on t threads: seconds and bytes per PDF. */
static double bulk(const certs_key *k, const certs_template *t, size_t n, int threads, size_t *per_pdf)
{
	names nm;
	certs_record *r = make_records(n, &nm);
	certs_bulk_opts o = {.threads = threads, .ob3 = &ob3, .emit = count_pdf};
	certs_bulk_stats st;
	double t0 = now_s();
	int rc = certs_bulk_issue(k, t, r, n, &o, &st);
	double dt = now_s() - t0;
	if (rc) {
		fprintf(stderr, "bench: bulk failed: %s\n", certs_errname(rc));
		exit(1);
	}
	*per_pdf = st.issued ? st.pdf_bytes / st.issued : 0;
	free(r);
	free(nm.name);
	free(nm.emp);
	return dt;
}

static char seal_path[] = "/tmp/bench_certs_seal.XXXXXX";

/* A 300-pixel red seal (ring and star), like `sa-certs seal` makes. */
static void make_seal(void)
{
	int fd = mkstemp(seal_path);
	if (fd < 0)
		exit(1);
	close(fd);
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 300, 300);
	cairo_t *cr = cairo_create(s);
	cairo_set_source_rgba(cr, 0.85, 0.1, 0.1, 0.9);
	cairo_set_line_width(cr, 12);
	cairo_arc(cr, 150, 150, 138, 0, 6.2832);
	cairo_stroke(cr);
	cairo_arc(cr, 150, 150, 40, 0, 6.2832);
	cairo_fill(cr);
	cairo_destroy(cr);
	if (cairo_surface_write_to_png(s, seal_path) != CAIRO_STATUS_SUCCESS)
		exit(1);
	cairo_surface_destroy(s);
}

/* The default template with the seal, or with every text in one font. */
static certs_template *bench_template(const char *font)
{
	char *json = NULL;
	if (asprintf(&json, "{\"id\":\"bench\",\"seal\":\"%s\"%s%s%s%s%s}", seal_path,
		     font ? ",\"font_title\":\"" : "", font ? font : "", font ? "\",\"font_body\":\"" : "",
		     font ? font : "", font ? "\"" : "") < 0)
		exit(1);
	certs_template *t = NULL;
	char *err = NULL;
	if (certs_template_parse(&t, json, strlen(json), NULL, &err)) {
		fprintf(stderr, "bench: template: %s\n", err);
		exit(1);
	}
	free(json);
	return t;
}

int main(int argc, char **argv)
{
	size_t n = 10000;
	int threads = (int)sysconf(_SC_NPROCESSORS_ONLN);
	const char *json_out = NULL;
	for (int c; (c = getopt(argc, argv, "n:t:o:")) != -1;)
		if (c == 'n')
			n = strtoul(optarg, NULL, 10);
		else if (c == 't')
			threads = atoi(optarg);
		else if (c == 'o')
			json_out = optarg;
	make_seal();
	certs_key *k = NULL;
	certs_signer *s = NULL;
	certs_keyset *ks = NULL;
	if (certs_key_generate(&k, CERTS_ALG_ES256) || certs_signer_new(&s, k) || certs_keyset_new(&ks) ||
	    certs_keyset_add(ks, k))
		return 1;
	names nm;
	certs_record *r = make_records(1000, &nm);
	for (size_t i = 0; i < 1000; i++)
		certs_record_new_id(s, &r[i]);
	char *jws[1000];
	double t0 = now_s();
	for (size_t i = 0; i < 1000; i++)
		certs_sign_record(s, &r[i], &jws[i]);
	double sign_rate = 1000 / (now_s() - t0);
	t0 = now_s();
	for (size_t i = 0; i < 1000; i++) {
		char *vc = NULL;
		certs_sign_ob3(s, &r[i], &ob3, &vc);
		free(vc);
	}
	double ob3_rate = 1000 / (now_s() - t0);
	certs_verify_opts vo = {.keys = ks, .now = 1796428900};
	t0 = now_s();
	for (size_t i = 0; i < 1000; i++) {
		certs_verdict v;
		if (certs_verify_token(jws[i], strlen(jws[i]), &vo, &v))
			return 1;
		certs_verdict_release(&v);
		free(jws[i]);
	}
	double verify_rate = 1000 / (now_s() - t0);
	free(r);
	free(nm.name);
	free(nm.emp);
	printf("bench: sign ES256 JWS %.0f/s, OB 3.0 VC-JWT %.0f/s, verify %.0f/s (1 thread)\n", sign_rate,
	       ob3_rate, verify_rate);

	certs_template *t = bench_template(NULL);
	size_t pdf1 = 0, pdfn = 0, n1 = n / 10 > 200 ? n / 10 : 200;
	double dt1 = bulk(k, t, n1, 1, &pdf1);
	printf("bench: bulk 1 thread: %zu certificates in %.2f s, %.0f/s, %zu bytes per PDF\n", n1, dt1,
	       n1 / dt1, pdf1);
	double dtn = bulk(k, t, n, threads, &pdfn);
	printf("bench: bulk %d threads: %zu certificates in %.2f s, %.0f/s, %zu bytes per PDF\n", threads, n,
	       dtn, n / dtn, pdfn);
	certs_template_free(t);

	static const char *const fonts[] = {"WenQuanYi Zen Hei", "Noto Serif CJK SC"};
	double font_ms[2];
	size_t font_bytes[2];
	for (int i = 0; i < 2; i++) {
		t = bench_template(fonts[i]);
		font_ms[i] = bulk(k, t, 200, 1, &font_bytes[i]) / 200 * 1000;
		printf("bench: font %s: %.1f ms and %zu bytes per PDF (1 thread)\n", fonts[i], font_ms[i],
		       font_bytes[i]);
		certs_template_free(t);
	}
	if (json_out) {
		FILE *f = fopen(json_out, "w");
		if (f) {
			fprintf(f,
				"{\"sign_per_s\":%.0f,\"ob3_per_s\":%.0f,\"verify_per_s\":%.0f,"
				"\"bulk1\":{\"n\":%zu,\"seconds\":%.3f,\"per_s\":%.1f,\"pdf_bytes\":%zu},"
				"\"bulk\":{\"threads\":%d,\"n\":%zu,\"seconds\":%.3f,\"per_s\":%.1f,\"pdf_bytes\":%zu},"
				"\"fonts\":{\"wqy_zenhei\":{\"ms\":%.2f,\"bytes\":%zu},\"noto_serif_cjk\":{\"ms\":%.2f,"
				"\"bytes\":%zu}}}\n",
				sign_rate, ob3_rate, verify_rate, n1, dt1, n1 / dt1, pdf1, threads, n, dtn,
				n / dtn, pdfn, font_ms[0], font_bytes[0], font_ms[1], font_bytes[1]);
			fclose(f);
		}
	}
	unlink(seal_path);
	certs_signer_free(s);
	certs_keyset_free(ks);
	certs_key_free(k);
	return 0;
}
