/*
 * posters.c - a contest's join poster, for notice boards and WeChat groups:
 * GET /api/console/contests/{code}/poster.pdf and poster.png (?unit=ID: a
 * unit's poster, its path under the title). The contest is read from
 * PostgreSQL (drafts too: a poster goes up before the contest opens), the
 * page rendered on the thread pool by the certificates library
 * (certs_render_poster), the QR code holding the join URL as
 * GET /api/contests/{code} gives it: --public-url, never the Host header.
 */
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "api/api.h"
#include "api/pool.h"
#include "api/request.h"
#include "certs.h"
#include "core/err.h"
#include "core/log.h"
#include "net/gate.h"
#include "store/store.h"

typedef struct poster_req {
	http_req *req;
	int format; /* CERTS_POSTER_PDF or _PNG */
	char *title, *unit, *code, *url, *filename;
	int roster;
	unsigned char *out; /* the rendering */
	size_t len;
	int rc;
} poster_req;

static void poster_free(poster_req *p)
{
	free(p->title);
	free(p->unit);
	free(p->code);
	free(p->url);
	free(p->filename);
	free(p->out);
}

/* The Chinese title of a title column (a language map or a string), else the first: malloc'ed. */
static char *title_of(const char *json)
{
	cJSON *t = cJSON_Parse(json ? json : "");
	const cJSON *zh = cJSON_GetObjectItemCaseSensitive(t, "zh-CN");
	const char *s = cJSON_IsString(t)               ? t->valuestring
			: cJSON_IsString(zh)            ? zh->valuestring
			: t && cJSON_IsString(t->child) ? t->child->valuestring
							: "";
	char *out = strdup(s);
	cJSON_Delete(t);
	return out;
}

static void render(void *ud)
{
	poster_req *p = ud;
	static const char *const hints[2] = {
		"用手机微信或浏览器扫描二维码，输入姓名即可参加",
		"用手机微信或浏览器扫描二维码，输入工号和姓名参加（须与单位名册一致）",
	};
	certs_poster cp = {
		.title = p->title,
		.subtitle = p->unit,
		.code = p->code,
		.url = p->url,
		.hint = hints[p->roster],
	};
	p->rc = certs_render_poster(&cp, p->format, &p->out, &p->len);
}

static void rendered(http_req *req, void *ud)
{
	poster_req *p = ud;
	if (p->rc) {
		sa_log(LL_ERROR, "poster of %s: %s", p->code, certs_strerror(p->rc, "en"));
		http_reply_error(req, SA_E_INTERNAL, NULL);
	} else {
		http_reply_bytes(req, 200, p->format == CERTS_POSTER_PDF ? "application/pdf" : "image/png",
				 (char *)p->out, p->len, p->filename);
		p->out = NULL; /* the reply took it */
	}
	poster_free(p);
}

static void contest_read(arena *a, void *res, const char *err, void *ud)
{
	poster_req *p = ud;
	http_req *req = p->req;
	const char *code = store_text(res, 0, 0);
	if (err || !res)
		http_reply_error(req, SA_E_UNAVAILABLE, NULL);
	else if (!code)
		http_reply_error(req, SA_E_UNKNOWN_CONTEST, NULL);
	else if (http_query(req, "unit") && !store_text(res, 0, 3))
		api_error(req, SA_E_NOT_FOUND, "unit", "没有这个单位", "no unit has this id");
	else {
		const char *base = gate_public_url(a), *unit = store_text(res, 0, 3);
		const char *ext = p->format == CERTS_POSTER_PDF ? "pdf" : "png";
		p->code = strdup(code);
		p->title = title_of(store_text(res, 0, 1));
		p->unit = unit ? strdup(unit) : NULL;
		p->roster = !strcmp(store_text(res, 0, 2) ? store_text(res, 0, 2) : "", "roster");
		if (p->code && p->title && asprintf(&p->url, "%s/player.html?code=%s", base, p->code) < 0)
			p->url = NULL;
		if (p->url && asprintf(&p->filename, "%s%s%s 海报.%s", p->title, *p->title ? " " : "",
				       p->code, ext) < 0)
			p->filename = NULL;
		if (p->filename && (!unit || p->unit) && !api_pool(req, render, rendered, p)) {
			http_req_unref(req);
			return;
		}
		http_reply_error(req, SA_E_INTERNAL, NULL);
	}
	poster_free(p);
	http_req_unref(req);
}

static int poster_get(http_req *req, int format)
{
	const char *unit = http_query(req, "unit");
	char id[24] = "0";
	if (unit) {
		char *end;
		long long v = strtoll(unit, &end, 10);
		if (!*unit || *end || v < 1) {
			api_error(req, SA_E_NOT_FOUND, "unit", "没有这个单位", "no unit has this id");
			return 0;
		}
		snprintf(id, sizeof id, "%lld", v);
	}
	poster_req *p = http_alloc(req, sizeof *p);
	if (!p)
		return SA_E_INTERNAL;
	p->req = req;
	p->format = format;
	const char *params[2] = {http_param(req, "code"), id};
	http_req_ref(req);
	int rc = store_query(http_arena(req),
			     "SELECT c.code, c.title::text, c.roster_mode, "
			     "(SELECT u.path FROM units u WHERE u.id = $2::bigint) "
			     "FROM contests c WHERE c.code = upper($1)",
			     2, params, contest_read, p);
	if (rc)
		http_req_unref(req);
	return rc;
}

/* fontconfig keeps its configuration and pattern caches for the life of the
 * process (freed only by FcFini, which pango forbids while it may run): not
 * a leak of ours, so LeakSanitizer is told to ignore it (ASan builds). */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void) { return "leak:libfontconfig.so\n"; }

static int pdf_get(http_req *req) { return poster_get(req, CERTS_POSTER_PDF); }
static int png_get(http_req *req) { return poster_get(req, CERTS_POSTER_PNG); }

#define POSTER_ACCESS                                                    \
	{                                                                \
		AUTH_CONTEST, AUTH_ORGANIZER | AUTH_SCREEN | AUTH_VIEWER \
	}

const route api_posters_routes[] = {
	{ROUTE_GET, "/api/console/contests/{code}/poster.pdf", pdf_get, POSTER_ACCESS, ROUTE_BODY_NONE, 0, 0},
	{ROUTE_GET, "/api/console/contests/{code}/poster.png", png_get, POSTER_ACCESS, ROUTE_BODY_NONE, 0, 0},
	{0},
};
