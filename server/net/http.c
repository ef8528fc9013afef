/*
 * http.c - the JSON HTTP API (static files under web/ are served by the
 * libwebsockets file mount set up in main.c).
 *
 * Routes are rows of a table. A handler answers at once or later (after
 * PostgreSQL or Redis replied) through http_reply(); the reply is written
 * when the socket is writeable: headers, then the body. Errors are JSON:
 * {"error":{"code":"not_found","message":"..."}}.
 */
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>
#include <libpq-fe.h>
#include <qrencode.h>

#include "core/arena.h"
#include "core/auth.h"
#include "core/err.h"
#include "live/board.h"
#include "live/load.h"
#include "live/phase.h"
#include "live/run.h"
#include "net/http.h"
#include "store/lb.h"
#include "store/store.h"

typedef struct http_req {
	arena *a;
	struct lws *wsi; /* NULL once the connection closed */
	int refs;
	int status;
	const char *ctype;
	char *body;
	size_t len;
	int stage; /* 0 waiting, 1 headers next, 2 body next */
	/* POST body */
	int post;
	char uri[128];
	char *in;
	size_t inlen;
	int too_big;
	int close_after; /* close the connection after the reply */
	/* health check */
	int pending;
	char pg[128], redis[128];
	uv_timer_t *timer;
} http_req;

typedef struct http_pss {
	http_req *h;
} http_pss;

static void http_unref(http_req *h)
{
	if (--h->refs > 0)
		return;
	free(h->body);
	free(h->in);
	free(h);
}

/* Sets the reply (takes body; NULL: it could not be made, a 500) and asks
 * for a writeable callback. */
static void http_reply(http_req *h, int status, const char *ctype, char *body)
{
	if (h->stage)
		return free(body);
	h->status = body ? status : 500;
	h->ctype = ctype;
	h->body = body;
	h->len = body ? strlen(body) : 0;
	h->stage = 1;
	if (h->wsi)
		lws_callback_on_writable(h->wsi);
}

static void http_json(http_req *h, int status, cJSON *obj)
{
	char *s = cJSON_PrintUnformatted(obj);
	cJSON_Delete(obj);
	http_reply(h, status, "application/json; charset=utf-8", s ? strdup(s) : strdup("{}"));
	cJSON_free(s);
}

static void http_error(http_req *h, int code, const char *detail)
{
	cJSON *o = cJSON_CreateObject(), *e = cJSON_AddObjectToObject(o, "error");
	cJSON_AddStringToObject(e, "code", err_name(code));
	cJSON_AddStringToObject(e, "message", detail ? detail : err_message(code, 1));
	http_json(h, err_http_status(code), o);
}

/* ------------------------------------------------------------ /healthz */

/* The timer holds a reference on the request, released when its handle is closed. */
static void timer_closed(uv_handle_t *t)
{
	http_req *h = t->data;
	free(t);
	http_unref(h);
}

static void health_stop_timer(http_req *h)
{
	if (h->timer) {
		uv_timer_stop(h->timer);
		uv_close((uv_handle_t *)h->timer, timer_closed);
		h->timer = NULL;
	}
}

static void health_finish(http_req *h)
{
	int ok = !strcmp(h->pg, "ok") && !strcmp(h->redis, "ok");
	cJSON *o = cJSON_CreateObject();
	cJSON_AddBoolToObject(o, "ok", ok);
	cJSON_AddStringToObject(o, "postgres", h->pg);
	cJSON_AddStringToObject(o, "redis", h->redis);
	cJSON_AddStringToObject(o, "instance", h->a->cfg.instance);
	cJSON_AddNumberToObject(o, "connections", (double)h->a->nconns);
	cJSON_AddNumberToObject(o, "answers", (double)h->a->stat_answers);
	cJSON_AddNumberToObject(o, "acks", (double)h->a->stat_acks);
	cJSON_AddNumberToObject(o, "commits", (double)h->a->stat_commits);
	http_json(h, ok ? 200 : 503, o);
	health_stop_timer(h);
}

static void health_pg(arena *a, void *res, const char *err, void *ud)
{
	http_req *h = ud;
	(void)a;
	(void)res;
	snprintf(h->pg, sizeof h->pg, "%s", err ? "error" : "ok");
	if (--h->pending == 0)
		health_finish(h);
	http_unref(h);
}

static void health_redis(arena *a, void *reply, void *ud)
{
	http_req *h = ud;
	redisReply *r = reply;
	(void)a;
	snprintf(h->redis, sizeof h->redis, "%s", r && r->type == REDIS_REPLY_STATUS ? "ok" : "error");
	if (--h->pending == 0)
		health_finish(h);
	http_unref(h);
}

static void health_timeout(uv_timer_t *t)
{
	http_req *h = t->data;
	if (!h->stage)
		health_finish(h);
	else
		health_stop_timer(h);
}

static int route_health(http_req *h, const char *rest)
{
	(void)rest;
	snprintf(h->pg, sizeof h->pg, "down");
	snprintf(h->redis, sizeof h->redis, "down");
	h->timer = malloc(sizeof *h->timer);
	if (h->timer) { /* else no timeout: both checks always call back */
		uv_timer_init(h->a->loop, h->timer);
		h->timer->data = h;
		h->refs++;
		uv_timer_start(h->timer, health_timeout, 2000, 0);
	}
	h->pending = 2;
	h->refs++;
	if (!store_ready(h->a) || store_query(h->a, "SELECT 1", 0, NULL, health_pg, h)) {
		h->pending--;
		h->refs--;
	}
	h->refs++;
	if (lb_command(h->a, health_redis, h, "PING")) {
		h->pending--;
		h->refs--;
	}
	if (!h->pending)
		health_finish(h);
	return 0;
}

/* ------------------------------------------------------------ /api/contests/{code}... */

/* The address players open: --public-url, else what this request was sent to. */
static void join_url(http_req *h, crun *r, char *url, size_t n)
{
	char host[256] = "localhost";
	const char *base = h->a->cfg.public_url;
	if (base && *base)
		snprintf(url, n, "%s/player.html?code=%s", base, r->code);
	else {
		if (lws_hdr_copy(h->wsi, host, sizeof host, WSI_TOKEN_HOST) <= 0)
			snprintf(host, sizeof host, "localhost");
		snprintf(url, n, "http://%s/player.html?code=%s", host, r->code);
	}
}

static void contest_info(http_req *h, crun *r)
{
	char url[600];
	cJSON *o = cJSON_Duplicate(r->info, 1);
	join_url(h, r, url, sizeof url);
	cJSON_AddStringToObject(o, "join_url", url);
	cJSON_AddStringToObject(o, "phase", phase_name(r->st.phase));
	cJSON_AddNumberToObject(o, "index", r->st.qindex);
	cJSON_AddNumberToObject(o, "players", (double)r->players);
	cJSON_AddNumberToObject(o, "online", (double)r->online);
	http_json(h, 200, o);
}

static void leaderboard_done(crun *r, cJSON *top, int64_t players, void *ud)
{
	http_req *h = ud;
	if (!top)
		http_error(h, SA_E_UNAVAILABLE, NULL);
	else {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "contest", r->code);
		cJSON_AddNumberToObject(o, "players", (double)players);
		cJSON_AddItemToObject(o, "top", cJSON_Duplicate(top, 1));
		http_json(h, 200, o);
	}
	http_unref(h);
}

static void contest_leaderboard(http_req *h, crun *r)
{
	char buf[32];
	int limit = 10;
	if (lws_get_urlarg_by_name(h->wsi, "limit=", buf, sizeof buf)) {
		char *end;
		long n = strtol(buf + 6, &end, 10);
		if (*end || n < 1 || n > 1000)
			return http_error(h, SA_E_INVALID_FIELD, "limit must be a number from 1 to 1000");
		limit = (int)n;
	}
	h->refs++;
	if (board_fetch_top(r, limit, leaderboard_done, h)) {
		h->refs--;
		http_error(h, SA_E_UNAVAILABLE, NULL);
	}
}

static void units_done(arena *a, void *res, const char *err, void *ud)
{
	http_req *h = ud;
	(void)a;
	if (err || !res)
		http_error(h, SA_E_UNAVAILABLE, NULL);
	else {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddItemToObject(o, "top", board_units_json(res));
		http_json(h, 200, o);
	}
	http_unref(h);
}

static void contest_units(http_req *h, crun *r)
{
	h->refs++;
	if (board_units_query(r, units_done, h)) {
		h->refs--;
		http_error(h, SA_E_UNAVAILABLE, NULL);
	}
}

/* The join URL as an SVG QR code, for screens and printed posters. */
static void contest_qr(http_req *h, crun *r)
{
	char url[600];
	join_url(h, r, url, sizeof url);
	QRcode *qr = QRcode_encodeString(url, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!qr)
		return http_error(h, SA_E_INTERNAL, "cannot encode the QR code");
	int w = qr->width, quiet = 4, dim = w + 2 * quiet;
	size_t cap = (size_t)w * (size_t)w * 24 + 512, len = 0;
	char *svg = malloc(cap);
	if (!svg) {
		QRcode_free(qr);
		return http_error(h, SA_E_INTERNAL, NULL);
	}
	len += (size_t)snprintf(svg + len, cap - len,
				"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
				"shape-rendering=\"crispEdges\"><title>%s</title>"
				"<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
				dim, dim, url, dim, dim);
	for (int y = 0; y < w; y++)
		for (int x = 0; x < w; x++)
			if (qr->data[y * w + x] & 1)
				len += (size_t)snprintf(svg + len, cap - len, "M%d %dh1v1h-1z", x + quiet,
							y + quiet);
	snprintf(svg + len, cap - len, "\"/></svg>");
	QRcode_free(qr);
	http_reply(h, 200, "image/svg+xml", svg);
}

static int route_contests(http_req *h, const char *rest)
{
	char raw[32];
	const char *slash = strchr(rest, '/');
	size_t n = slash ? (size_t)(slash - rest) : strlen(rest);
	if (!n || n >= sizeof raw)
		return SA_E_NOT_FOUND;
	memcpy(raw, rest, n);
	raw[n] = '\0';
	crun *r = run_find(h->a, raw);
	if (!r) {
		http_error(h, SA_E_UNKNOWN_CONTEST, NULL);
		return 0;
	}
	const char *sub = slash ? slash : "";
	if (!*sub || !strcmp(sub, "/"))
		contest_info(h, r);
	else if (!strcmp(sub, "/leaderboard"))
		contest_leaderboard(h, r);
	else if (!strcmp(sub, "/units"))
		contest_units(h, r);
	else if (!strcmp(sub, "/qr.svg"))
		contest_qr(h, r);
	else
		return SA_E_NOT_FOUND;
	return 0;
}

static int route_types(http_req *h, const char *rest);

static const struct route {
	const char *prefix;
	int exact;
	int (*handler)(http_req *h, const char *rest);
} routes[] = {
	{"/healthz", 1, route_health},
	{"/api/contests/", 0, route_contests},
	{"/api/scoring/types", 1, route_types},
};

static void type_row(const char *type, const char *version, const char *origin, void *ud)
{
	cJSON *e = cJSON_CreateObject();
	cJSON_AddStringToObject(e, "type", type);
	cJSON_AddStringToObject(e, "version", version);
	cJSON_AddStringToObject(e, "origin", origin);
	cJSON_AddItemToArray(ud, e);
}

static int route_types(http_req *h, const char *rest)
{
	(void)rest;
	cJSON *o = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(o, "types");
	score_engine_types(h->a->eng, type_row, arr);
	http_json(h, 200, o);
	return 0;
}

/* ------------------------------------------------------------ POST /api/contests */

#define UPLOAD_MAX (2 * 1024 * 1024)

static void upload_done(arena *a, crun *r, int rc, cJSON *problems, void *ud)
{
	http_req *h = ud;
	(void)a;
	if (problems) {
		cJSON *o = cJSON_CreateObject(), *e = cJSON_AddObjectToObject(o, "error");
		cJSON_AddStringToObject(e, "code", err_name(SA_E_INVALID_FIELD));
		cJSON_AddStringToObject(e, "message", "the contest file has problems");
		cJSON_AddItemToObject(e, "problems", cJSON_Duplicate(problems, 1));
		http_json(h, 400, o);
	} else if (rc)
		http_error(h, rc, rc == SA_E_CONFLICT ? "a contest with this code is already loaded" : NULL);
	else {
		cJSON *o = cJSON_Duplicate(r->info, 1);
		cJSON_AddStringToObject(o, "phase", phase_name(r->st.phase));
		http_json(h, 201, o);
	}
	http_unref(h);
}

/* Body complete: check the organizer token, then load the contest it holds. */
static void http_upload(http_req *h)
{
	char auth[256] = "", name[1200];
	if (lws_hdr_copy(h->wsi, auth, sizeof auth, WSI_TOKEN_HTTP_AUTHORIZATION) <= 0 ||
	    strncmp(auth, "Bearer ", 7) || auth_organizer(h->a, auth + 7))
		return http_error(h, SA_E_FORBIDDEN,
				  "an organizer token is needed: Authorization: Bearer TOKEN");
	if (h->too_big)
		return http_error(h, SA_E_TOO_LARGE, "a contest file may be 2 MiB at most");
	if (!h->inlen)
		return http_error(h, SA_E_BAD_JSON, "the body is empty: send the contest file (JSON)");
	snprintf(name, sizeof name, "%s/upload.json", load_dir(h->a));
	h->refs++;
	int rc = load_contest(h->a, name, h->in, h->inlen, 1, upload_done, h);
	if (rc) {
		h->refs--;
		http_error(h, rc, NULL);
	}
}

static void http_dispatch(http_req *h)
{
	char uri[512];
	if (lws_hdr_total_length(h->wsi, WSI_TOKEN_GET_URI) <= 0) {
		http_error(h, SA_E_METHOD, "only GET is supported");
		return;
	}
	if (lws_hdr_copy(h->wsi, uri, sizeof uri, WSI_TOKEN_GET_URI) < 0) {
		http_error(h, SA_E_NOT_FOUND, NULL);
		return;
	}
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
		size_t pl = strlen(routes[i].prefix);
		if (strncmp(uri, routes[i].prefix, pl) || (routes[i].exact && uri[pl]))
			continue;
		int rc = routes[i].handler(h, uri + pl);
		if (rc)
			http_error(h, rc, NULL);
		return;
	}
	http_error(h, SA_E_NOT_FOUND, NULL);
}

static int http_write(http_req *h)
{
	struct lws *wsi = h->wsi;
	if (h->stage == 1) {
		unsigned char buf[LWS_PRE + 1024], *start = buf + LWS_PRE, *p = start,
						   *end = buf + sizeof buf - 1;
		if (lws_add_http_common_headers(wsi, (unsigned int)h->status, h->ctype, h->len, &p, end) ||
		    lws_add_http_header_by_name(wsi, (const unsigned char *)"cache-control:",
						(const unsigned char *)"no-store", 8, &p, end) ||
		    lws_finalize_write_http_header(wsi, start, &p, end))
			return -1;
		h->stage = 2;
		lws_callback_on_writable(wsi);
		return 0;
	}
	if (h->stage == 2) {
		unsigned char *buf = malloc(LWS_PRE + h->len + 1);
		if (!buf)
			return -1;
		if (h->len)
			memcpy(buf + LWS_PRE, h->body, h->len);
		int n = lws_write(wsi, buf + LWS_PRE, h->len, LWS_WRITE_HTTP_FINAL);
		free(buf);
		h->stage = 3;
		if (n < 0 || h->close_after)
			return -1;
		if (lws_http_transaction_completed(wsi))
			return -1;
	}
	return 0;
}

/* A request's headers are in: a GET is routed now; a POST reads its body first. */
static int on_request(struct lws *wsi, http_pss *pss, arena *a)
{
	if (pss->h) {
		pss->h->wsi = NULL;
		http_unref(pss->h);
	}
	pss->h = calloc(1, sizeof *pss->h);
	if (!pss->h)
		return -1;
	pss->h->a = a;
	pss->h->wsi = wsi;
	pss->h->refs = 1;
	if (lws_hdr_total_length(wsi, WSI_TOKEN_GET_URI) <= 0) {
		/* Not a GET: only POST /api/contests exists. A body is read first
		 * (the reply comes at LWS_CALLBACK_HTTP_BODY_COMPLETION). */
		int is_post = lws_hdr_total_length(wsi, WSI_TOKEN_POST_URI) > 0;
		if (is_post)
			lws_hdr_copy(wsi, pss->h->uri, sizeof pss->h->uri, WSI_TOKEN_POST_URI);
		pss->h->post = is_post ? 1 : 2;
		char cl[24] = "";
		lws_hdr_copy(wsi, cl, sizeof cl, WSI_TOKEN_HTTP_CONTENT_LENGTH);
		int upload = is_post && !strcmp(pss->h->uri, "/api/contests");
		if (lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_TRANSFER_ENCODING) > 0) {
			/* lws 4.1 does not read chunked request bodies: refuse, then close */
			pss->h->close_after = 1;
			http_error(pss->h, upload ? SA_E_INVALID_FIELD : SA_E_METHOD,
				   upload ? "send the body with a Content-Length"
					  : "only GET, and POST /api/contests");
			return 0;
		}
		if (atoll(cl) > 0)
			return 0;
		if (is_post && !strcmp(pss->h->uri, "/api/contests"))
			http_upload(pss->h);
		else
			http_error(pss->h, SA_E_METHOD, "only GET, and POST /api/contests");
		return 0;
	}
	http_dispatch(pss->h);
	return 0;
}

/* Static files are GET only (lws would serve them for any method): another
 * method outside /api and /healthz gets 405 and the connection closes (1). */
static int filter_method(struct lws *wsi)
{
	char uri[64] = "";
	if (lws_hdr_total_length(wsi, WSI_TOKEN_GET_URI) > 0)
		return 0;
	if (lws_hdr_total_length(wsi, WSI_TOKEN_POST_URI) > 0)
		lws_hdr_copy(wsi, uri, sizeof uri, WSI_TOKEN_POST_URI);
	if (!strncmp(uri, "/api/", 5) || !strcmp(uri, "/healthz"))
		return 0; /* our callback mounts answer with JSON */
	if (lws_hdr_total_length(wsi, WSI_TOKEN_PUT_URI) > 0 ||
	    lws_hdr_total_length(wsi, WSI_TOKEN_DELETE_URI) > 0 ||
	    lws_hdr_total_length(wsi, WSI_TOKEN_PATCH_URI) > 0) {
		lws_hdr_copy(wsi, uri, sizeof uri, WSI_TOKEN_PUT_URI);
		if (!*uri)
			lws_hdr_copy(wsi, uri, sizeof uri, WSI_TOKEN_DELETE_URI);
		if (!*uri)
			lws_hdr_copy(wsi, uri, sizeof uri, WSI_TOKEN_PATCH_URI);
		if (!strncmp(uri, "/api/", 5) || !strcmp(uri, "/healthz"))
			return 0;
	}
	if (lws_hdr_total_length(wsi, WSI_TOKEN_OPTIONS_URI) > 0 ||
	    lws_hdr_total_length(wsi, WSI_TOKEN_POST_URI) > 0 ||
	    lws_hdr_total_length(wsi, WSI_TOKEN_PUT_URI) > 0 ||
	    lws_hdr_total_length(wsi, WSI_TOKEN_DELETE_URI) > 0 ||
	    lws_hdr_total_length(wsi, WSI_TOKEN_PATCH_URI) > 0) {
		static const char body[] = "{\"error\":{\"code\":\"method_not_allowed\","
					   "\"message\":\"only GET, and POST /api/contests\"}}";
		unsigned char buf[LWS_PRE + 512 + sizeof body], *start = buf + LWS_PRE, *p = start,
								*end = buf + sizeof buf - 1;
		if (!lws_add_http_common_headers(wsi, HTTP_STATUS_METHOD_NOT_ALLOWED,
						 "application/json; charset=utf-8", sizeof body - 1, &p,
						 end) &&
		    !lws_add_http_header_by_name(wsi, (const unsigned char *)"connection:",
						 (const unsigned char *)"close", 5, &p, end) &&
		    !lws_finalize_http_header(wsi, &p, end) && (size_t)(end - p) > sizeof body) {
			memcpy(p, body, sizeof body - 1);
			p += sizeof body - 1;
			lws_write(wsi, start, (size_t)(p - start), LWS_WRITE_HTTP_HEADERS);
		}
		return 1; /* close: the body the client may still send is not read */
	}
	return 0;
}

int http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
	http_pss *pss = user;
	arena *a = lws_context_user(lws_get_context(wsi));

	switch (reason) {
	case LWS_CALLBACK_HTTP:
		return on_request(wsi, pss, a);
	case LWS_CALLBACK_FILTER_HTTP_CONNECTION:
		if (filter_method(wsi))
			return 1;
		break;
	case LWS_CALLBACK_HTTP_BODY:
		if (!len)
			return 0;
		if (pss && pss->h && pss->h->post == 1 && !pss->h->too_big) {
			http_req *h = pss->h;
			char *grown =
				h->inlen + len <= UPLOAD_MAX ? realloc(h->in, h->inlen + len + 1) : NULL;
			if (!grown)
				h->too_big = 1;
			else {
				h->in = grown;
				memcpy(h->in + h->inlen, in, len);
				h->inlen += len;
				h->in[h->inlen] = '\0';
			}
		}
		return 0;
	case LWS_CALLBACK_HTTP_BODY_COMPLETION:
		if (pss && pss->h && pss->h->post == 1 && !strcmp(pss->h->uri, "/api/contests"))
			http_upload(pss->h);
		else if (pss && pss->h && pss->h->post)
			http_error(pss->h, SA_E_METHOD, "only GET, and POST /api/contests");
		return 0;
	case LWS_CALLBACK_HTTP_WRITEABLE:
		if (pss && pss->h && pss->h->stage)
			return http_write(pss->h);
		return 0;
	case LWS_CALLBACK_CLOSED_HTTP:
	case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
		if (pss && pss->h) {
			pss->h->wsi = NULL;
			http_unref(pss->h);
			pss->h = NULL;
		}
		break;
	default:
		break;
	}
	return lws_callback_http_dummy(wsi, reason, user, in, len);
}
